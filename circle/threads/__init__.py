"""Feedback threads, the reference group's view, and notifications."""

from __future__ import annotations

from typing import Any

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the area's blueprint, menu items, home-page panels, CLI and demo data."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    import circle.threads.models  # noqa: F401  (register the tables with the metadata)
    from circle.home import register_home_panel, register_nav_item
    from circle.hooks import register_demo_loader
    from circle.notifications.kinds import register_kind
    from circle.threads.cli import notifications
    from circle.threads.delivery import init_delivery
    from circle.threads.demo import load_demo
    from circle.threads.kinds import THREAD_KINDS
    from circle.threads.models import StatusUpdate
    from circle.threads.services.threads import STATUS_KIND, status_subject
    from circle.threads.subjects import register_subject_kind
    from circle.threads.views import bp, load_routes
    from circle.threads.views.common import subject_threads
    from circle.threads.views.reference import home_panel

    load_routes()
    app.register_blueprint(bp)
    # Pages of objects that threads can be about list those threads and offer to start one.
    app.jinja_env.globals["subject_threads"] = subject_threads
    for kind in THREAD_KINDS.values():
        register_kind(app, kind)
    register_nav_item(app, 50, "threads.index", _l("Innspill"))
    register_home_panel(app, 40, home_panel)
    register_demo_loader(app, load_demo)
    from circle.threads.search import register_search

    register_search(app)
    app.cli.add_command(notifications)
    init_delivery(app)

    def resolve_status(session: Any, status_id: int):  # noqa: ANN202
        status = session.get(StatusUpdate, status_id)
        if status is None:
            return None
        return status_subject(
            status, url_for("threads.show_status", slug=status.circle.slug, status_id=status.id)
        )

    register_subject_kind(app, STATUS_KIND, resolve_status)
