"""The meetings panel on a circle's home page: built from a few columns, statements built once."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, bindparam, select

from circle.extensions import db
from circle.models import utcnow
from meetings.models import Meeting, Minutes, MinutesState
from meetings.permissions import can_view_meeting, can_view_minutes


@functools.cache
def _upcoming() -> Select:
    return (
        select(
            Meeting.id,
            Meeting.circle_id,
            Meeting.kind,
            Meeting.title,
            Meeting.starts_at,
            Meeting.place,
        )
        .where(
            Meeting.circle_id == bindparam("circle_id"),
            Meeting.ends_at >= bindparam("now"),
            Meeting.cancelled_at.is_(None),
        )
        .order_by(Meeting.starts_at)
        .limit(10)
    )


def _approved_minutes(*columns: Any) -> Select:
    """Select columns of the circle's (bind ``circle_id``) approved minutes and their meetings."""
    return (
        select(*columns)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(
            Minutes.circle_id == bindparam("circle_id"),
            Minutes.state.in_([MinutesState.APPROVED, MinutesState.DISTRIBUTED]),
        )
    )


@functools.cache
def _latest_minutes() -> Select:
    columns = (Minutes.id, Minutes.circle_id, Minutes.state, Minutes.meeting_id)
    return (
        _approved_minutes(*columns, Minutes.approved_at, Meeting.title)
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


@functools.cache
def approved_minutes_feed() -> Select:
    """The statement of the reference group's minutes feed (bind ``circle_id``), built once."""
    return (
        _approved_minutes(Minutes.id, Minutes.approved_at, Meeting.id, Meeting.title)
        .order_by(Minutes.approved_at.desc())
        .limit(20)
    )


class _ApprovedMinutes:
    """The columns the panel shows of approved minutes, as can_view_minutes reads them."""

    is_public = True
    reviewers = ()

    def __init__(self, row: Any) -> None:
        self.id, self.circle_id, self.state = row.id, row.circle_id, row.state
        self.meeting_id, self.approved_at, self.title = row.meeting_id, row.approved_at, row.title


def home_panel(circle: Any, member: Any) -> tuple[str, dict[str, Any]] | None:
    """The next meeting and the latest approved minutes on the circle's home page."""
    session = db.session
    row = session.execute(_latest_minutes(), {"circle_id": circle.id}).first()
    minutes = _ApprovedMinutes(row) if row is not None else None
    if minutes is not None and not can_view_minutes(member, minutes, circle):
        minutes = None
    upcoming = session.execute(_upcoming(), {"circle_id": circle.id, "now": utcnow()}).all()
    return "meetings/_panel.html", {
        "next": next((m for m in upcoming if can_view_meeting(member, m, circle)), None),
        "minutes": minutes,
    }
