"""Gunicorn settings for production: gunicorn -c gunicorn.conf.py 'app:create_app()'.

Command-line flags override these (e.g. --bind, --workers, --access-logfile).
"""

from gunicorn.glogging import Logger

from circle.logs import scrub_logger

bind = "127.0.0.1:8000"
workers = 4
timeout = 60
graceful_timeout = 20

# Requests are logged by path only: a query string may hold a search, a return address or a
# token, and the referrer and user agent add nothing the platform needs.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# With an error log file, what the app writes to stderr (its own log) lands there too.
capture_output = True


class ScrubbingLogger(Logger):
    """Gunicorn's logger with the platform's scrub filter on the access and error logs."""

    def setup(self, cfg):  # noqa: ANN001, ANN201
        """Set up gunicorn's handlers, then scrub everything they write."""
        super().setup(cfg)
        scrub_logger(self.error_log)
        scrub_logger(self.access_log)


logger_class = ScrubbingLogger
