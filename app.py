"""Application factory for the Forskningssirkel platform."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext
from sqlalchemy import event
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Set WAL, busy_timeout and foreign keys on every new SQLite connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _register_error_pages(app: Flask) -> None:
    """Render friendly error pages without stack traces."""
    from circle.extensions import db
    from circle.identity import IdentityNumberError
    from circle.inputs import ControlCharacterError

    def handle_http(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        template = (
            f"errors/{code}.html"
            if code in {400, 403, 404, 405, 413, 429}
            else ("errors/generic.html")
        )
        message = g.get("refused_message")
        return render_template(template, error=error, code=code, message=message), code

    def handle_refused_text(error: IdentityNumberError | ControlCharacterError) -> tuple[str, int]:
        # The last line of defence (the flush guard) refused what a view let through: nothing
        # of the request is kept, and the message says why (never with the number).
        db.session.rollback()
        return render_template("errors/400.html", code=400, message=error.message), 400

    def handle_unexpected(error: Exception) -> tuple[str, int]:
        if _disk_full(error):
            # Nothing of the request is kept: its transaction rolls back, and the rollback
            # removes the pending files it wrote.
            app.logger.error("storage full on %s %s", request.method, request.path)
            return render_template("errors/507.html", code=507), 507
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_template("errors/500.html", code=500), 500

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(IdentityNumberError, handle_refused_text)
    app.register_error_handler(ControlCharacterError, handle_refused_text)
    app.register_error_handler(Exception, handle_unexpected)


def _disk_full(error: BaseException) -> bool:
    """Tell whether an error means the data folder (or the database's disk) is full."""
    import errno

    from circle.storage import StorageFull

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, StorageFull):
            return True
        if isinstance(seen, OSError) and seen.errno in {errno.ENOSPC, errno.EDQUOT}:
            return True
        if "database or disk is full" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _areas() -> list[Any]:
    """Return the area packages; each has init_app(app) registering its blueprint and hooks."""
    import library
    import meetings
    import projects
    from circle import threads

    return [meetings, projects, library, threads]


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Create and configure the Flask application."""
    import circle.themes.models  # noqa: F401  (register the tables with the metadata)
    from circle import cli as circle_cli
    from circle.auth.reset_mail import init_reset_mail
    from circle.auth.views import bp as auth_bp
    from circle.circles.views import bp as circles_bp
    from circle.config import load_config
    from circle.extensions import babel, csrf, db, login_manager, migrate
    from circle.files import init_files
    from circle.home import init_home, register_home_panel, register_nav_item
    from circle.i18n import init_i18n, select_locale
    from circle.identity import install_flush_guard
    from circle.jobs import init_jobs
    from circle.login import init_login
    from circle.logs import install_log_scrubbing
    from circle.mail import init_mail
    from circle.members.views import bp as members_bp
    from circle.search.index import init_site_index
    from circle.search.views import bp as search_bp
    from circle.security import SecureWhenHttpsSessionInterface, init_security
    from circle.templating import init_templating
    from circle.text import render_markdown
    from circle.themes.views import bp as themes_bp
    from circle.themes.views import home_panel as themes_home_panel

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.session_interface = SecureWhenHttpsSessionInterface()
    app.config.update(load_config())
    if overrides:
        app.config.update(overrides)
        if "DATA_DIR" in overrides:  # folders inside the data folder follow it unless given
            for key, sub in (
                ("UPLOAD_DIR", "files"),
                ("INDEX_DIR", "index"),
                ("OUTBOX_DIR", "outbox"),
            ):
                if key not in overrides:
                    app.config[key] = str(Path(overrides["DATA_DIR"]) / sub)
    for folder in ("DATA_DIR", "UPLOAD_DIR"):
        Path(app.config[folder]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_log_scrubbing()
    install_flush_guard()

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    db.init_app(app)
    with app.app_context():
        event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    # Registered before Flask-Login: after_request hooks run in reverse order, so the
    # security hook sees (and marks Secure) the remember cookie Flask-Login sets.
    init_security(app)
    init_login(app, login_manager)
    init_i18n(app)
    init_templating(app)
    app.jinja_env.filters["markdown"] = render_markdown

    for blueprint in (auth_bp, circles_bp, members_bp, themes_bp, search_bp):
        app.register_blueprint(blueprint)
    init_home(app)
    register_nav_item(app, 10, "members.directory", lazy_gettext("Deltakere"))
    register_nav_item(app, 90, "themes.index", lazy_gettext("Temaer"))
    register_nav_item(app, 95, "search.index", lazy_gettext("Søk"))
    register_home_panel(app, 90, themes_home_panel)
    circle_cli.register(app)
    init_jobs(app)
    init_files(app)
    init_mail(app)
    init_reset_mail(app)
    init_site_index(app)
    for area in _areas():
        area.init_app(app)
    # After the areas: they register notification kinds and add routes to its blueprint.
    from circle import notifications

    notifications.init_app(app)
    _register_error_pages(app)
    return app
