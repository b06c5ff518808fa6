"""Meetings: agendas, invitations, attendance, minutes and their approval."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _


def resolve_minutes(session: Any, minutes_id: int) -> Any:
    """Return the threads Subject for approved minutes; None for drafts or unknown ids."""
    from circle.models import Circle
    from circle.threads.subjects import Subject
    from meetings.models import Minutes

    minutes = session.get(Minutes, minutes_id)
    if minutes is None or not minutes.is_public:
        return None
    meeting = minutes.meeting
    circle = session.get(Circle, meeting.circle_id)
    url = _minutes_path(circle.slug, meeting.id)
    return Subject(
        kind="minutes",
        id=minutes.id,
        circle_id=circle.id,
        title=_("Referat: %(t)s", t=meeting.title),
        url=url,
        audience_ok=frozenset({"leader", "participant", "reference", "unit_leader"}),
    )


def _minutes_path(slug: str, meeting_id: int) -> str:
    from flask import url_for

    try:
        return url_for("meetings.minutes", slug=slug, meeting_id=meeting_id)
    except RuntimeError:  # outside a request (e.g. a CLI job): the same path, built by hand
        return f"/c/{slug}/meetings/{meeting_id}/minutes"


def reference_feed_items(session: Any, circle: Any) -> list[Any]:
    """Approved minutes of the circle, for the reference group's start page."""
    from circle.threads.subjects import FeedItem
    from meetings.panels import approved_minutes_feed

    rows = session.execute(approved_minutes_feed(), {"circle_id": circle.id})
    return [
        FeedItem(
            title=_("Referat: %(t)s", t=title),
            url=_minutes_path(circle.slug, meeting_id),
            date=approved_at,
            kind="minutes",
            id=minutes_id,
        )
        for minutes_id, approved_at, meeting_id, title in rows
    ]


def may_read_minutes(meeting: Any) -> bool:
    """Return whether the signed-in member may open the meeting's minutes (for links)."""
    from flask_login import current_user

    from meetings.permissions import can_view_minutes

    minutes = meeting.minutes if meeting is not None else None
    return minutes is not None and can_view_minutes(current_user, minutes, meeting.circle)


def _register_with_threads(app: Flask) -> None:
    from circle.threads.subjects import register_reference_feed, register_subject_kind

    register_subject_kind(app, "minutes", resolve_minutes)
    register_reference_feed(app, reference_feed_items)


def init_app(app: Flask) -> None:
    """Register the area's blueprint, menu items, home-page panels, CLI and demo data."""
    from flask_babel import lazy_gettext as _l

    import meetings.models  # noqa: F401  (register the tables with the metadata)
    from circle.hooks import (
        on_member_deactivated,
        register_demo_loader,
        register_file_consumer,
        register_home_panel,
        register_job,
        register_nav_item,
        register_periodic,
        register_report_section,
    )
    from circle.notifications.kinds import register_kind
    from meetings.cli import meetings_cli
    from meetings.demo import load_demo_meetings
    from meetings.keep import install_keep_guard
    from meetings.notifications import KINDS
    from meetings.panels import home_panel
    from meetings.services.ical import end_feed_token
    from meetings.services.materials import MATERIALS, file_ready, file_refused
    from meetings.services.reminders import REMINDER_JOB, reminders_job
    from meetings.services.report import meeting_series_section
    from meetings.views import bp

    app.register_blueprint(bp)
    install_keep_guard()
    for kind in KINDS:
        register_kind(app, kind)
    # Templates link to minutes only where the reader may open them.
    app.jinja_env.globals["may_read_minutes"] = may_read_minutes
    register_nav_item(app, 20, "meetings.index", _l("Møter"))
    register_home_panel(app, 10, home_panel)
    register_demo_loader(app, load_demo_meetings)
    from meetings.search import register_search

    register_search(app)
    app.cli.add_command(meetings_cli)
    register_report_section(app, meeting_series_section, order=20)
    on_member_deactivated(app, end_feed_token)
    _register_with_threads(app)
    register_file_consumer(app, MATERIALS, on_ready=file_ready, on_refused=file_refused)
    # Hourly: each reminder is due once (recorded per member), however many workers run.
    register_job(app, REMINDER_JOB, reminders_job)
    register_periodic(app, "meeting-reminders", REMINDER_JOB, {"minute": "20"})
