"""Log scrubbing: no identity number, query string or secret token in any log line."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

from circle.identity import contains_identity_number

# A request line as the development server and most access logs write it: "GET /path?query
# HTTP/1.1". The query may hold a search or a return address; logs keep the path only.
# The method may follow a terminal colour code directly ("\x1b[32mGET"), so no word boundary.
_REQUEST_QUERY_RE = re.compile(
    r"((?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /[^\s?\"]*)\?[^\s\"]*(?= HTTP/)"
)
# Reset links and calendar feeds carry their secret in the path; such a segment is never logged.
_TOKEN_SEGMENT_RE = re.compile(r"(?<=/)[A-Za-z0-9_\-.]{32,}")
REDACTED_SEGMENT = "[…]"


def scrub(text: str) -> str:
    """Return text without query strings in request lines, path tokens or identity numbers."""
    text = _REQUEST_QUERY_RE.sub(r"\1", text)
    text = _TOKEN_SEGMENT_RE.sub(REDACTED_SEGMENT, text)
    if contains_identity_number(text) or contains_identity_number(unquote_plus(text)):
        # Where the number stands cannot be told apart from the figures around it once it is
        # spelt oddly, so every digit of the line goes.
        text = "".join("#" if char.isnumeric() else char for char in text)
    return text


class ScrubFilter(logging.Filter):
    """A logging filter that writes each record's message and traceback scrubbed."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message (and exception text) with its scrubbed form."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed format: keep the raw text only
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def scrub_handler(handler: logging.Handler) -> None:
    """Add the scrub filter to a handler (once)."""
    if not any(isinstance(f, ScrubFilter) for f in handler.filters):
        handler.addFilter(ScrubFilter())


def scrub_logger(logger: logging.Logger) -> None:
    """Scrub what a logger writes itself and what its handlers write."""
    if not any(isinstance(f, ScrubFilter) for f in logger.filters):
        logger.addFilter(ScrubFilter())
    for handler in logger.handlers:
        scrub_handler(handler)


def install_log_scrubbing() -> None:
    """Scrub the root logger's handlers (where every logger's records end) and werkzeug's."""
    for handler in logging.getLogger().handlers:
        scrub_handler(handler)
    # The development server logs each request line to "werkzeug"; a filter on the logger itself
    # sees those records before any handler, whichever handler werkzeug adds.
    scrub_logger(logging.getLogger("werkzeug"))
