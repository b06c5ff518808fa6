"""The meetings blueprint and helpers its views share: loading, flashing, mail."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, abort, current_app, flash, url_for
from flask_login import current_user

from circle import web
from circle.errors import DomainError
from circle.extensions import db
from circle.mail import Notice, queue_notices
from circle.models import Circle
from circle.permissions import can_view_circle
from circle.web import require
from circle.web import run_and_redirect as run  # noqa: F401 (the meetings views import it here)
from meetings.models import Meeting
from meetings.permissions import can_view_meeting, can_view_minutes
from meetings.services.meetings import get_meeting, get_meeting_by_slug

bp = Blueprint("meetings", __name__)
log = logging.getLogger(__name__)


def meeting_or_404(
    circle: Circle, meeting_id: int, *, page: bool = True, minutes_page: bool = False
) -> Meeting:
    """Return the circle's meeting; 404 if it does not exist or (page=True) is not visible."""
    meeting = get_meeting(
        db.session, circle, meeting_id, readings=not minutes_page, notes=minutes_page
    )
    if meeting is None or (page and not can_view_meeting(current_user, meeting, circle)):
        abort(404)
    return meeting


def circle_meeting_or_404(
    slug: str, meeting_id: int, *, minutes_page: bool = False
) -> tuple[Circle, Meeting]:
    """Return the circle and its meeting (one query) for the meeting's own pages; 404 if either
    is missing or not visible, as circle_or_404 and meeting_or_404 (or, for the minutes page,
    minutes_meeting_or_404) would answer."""
    # Neither page shows a postponed item's earlier item: the meeting page looks up the
    # earlier meetings' numbers, the minutes show none (nor approved meetings or host unit).
    meeting = get_meeting_by_slug(
        db.session,
        slug,
        meeting_id,
        readings=not minutes_page,
        notes=minutes_page,
        earlier=False,
        links=not minutes_page,
    )
    if meeting is None or not can_view_circle(current_user, meeting.circle):
        abort(404)
    circle = meeting.circle
    if minutes_page:
        if meeting.minutes is None or not can_view_minutes(current_user, meeting.minutes, circle):
            abort(404)
    elif not can_view_meeting(current_user, meeting, circle):
        abort(404)
    return circle, meeting


def minutes_meeting_or_404(circle: Circle, meeting_id: int) -> Meeting:
    """Return the meeting whose minutes the member may read; 404 otherwise (drafts too)."""
    # The minutes show their notes and no reading lists: notes come joined, readings not at all.
    meeting = meeting_or_404(circle, meeting_id, page=False, minutes_page=True)
    if meeting.minutes is None or not can_view_minutes(current_user, meeting.minutes, circle):
        abort(404)
    return meeting


def managed_minutes_meeting(
    circle: Circle, meeting_id: int, check: Callable[[Any, Circle], bool]
) -> Meeting:
    """Return the meeting whose minutes a leader writes, sends, approves or corrects.

    404 when the member may not see the minutes (a draft, or no minutes of a meeting outside
    their audience); 403 when they see them but check() does not allow this.
    """
    meeting = meeting_or_404(circle, meeting_id, page=False)
    minutes = meeting.minutes
    visible = (
        can_view_minutes(current_user, minutes, circle)
        if minutes is not None
        else can_view_meeting(current_user, meeting, circle)
    )
    if not visible:
        abort(404)
    require(check(current_user, circle))
    return meeting


def managed_meeting(
    circle: Circle, meeting_id: int, check: Callable[[Any, Circle], bool]
) -> Meeting:
    """Return a meeting to change: 404 unless the member sees it, then 403 unless check()."""
    meeting = meeting_or_404(circle, meeting_id)
    require(check(current_user, circle))
    return meeting


def absolute(endpoint: str, **values: Any) -> str:
    """Return a full link for e-mails and calendars."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def meeting_link(meeting: Meeting) -> str:
    """Return the full link to a meeting page."""
    return absolute("meetings.show", slug=meeting.circle.slug, meeting_id=meeting.id)


def deliver(notices: Iterable[Notice], circle: Circle) -> None:
    """Queue notices in the request's transaction: they are sent after the commit, with retries."""
    queue_notices(db.session, notices, circle_id=circle.id)


def flash_sent(done: str, sent: str, recipients: list[Any]) -> None:
    """Flash that a change is saved, and (if anyone was told) to how many it was sent."""
    flash(done + (" " + sent if recipients else ""), "success")


def flash_error(exc: DomainError) -> None:
    """Roll back and show the domain error."""
    from circle.web import flash_domain_error

    flash_domain_error(exc)


def flash_form_errors(form: Any) -> None:
    """Show a form's validation errors as flash messages."""
    web.flash_form_errors(form)


def meeting_url(
    meeting: Meeting, circle: Circle, endpoint: str = "meetings.show", **values: Any
) -> str:
    """Return a site path for one of a meeting's pages."""
    return url_for(endpoint, slug=circle.slug, meeting_id=meeting.id, **values)
