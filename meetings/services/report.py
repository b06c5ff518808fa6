"""The meeting series as a section of the circle's compiled final report."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from circle.i18n import format_day, local_date
from circle.models import Circle
from meetings.models import Meeting, MeetingKind


def meeting_series_section(session: Session, circle: Circle) -> dict[str, Any] | None:
    """Return the dates, titles, kinds and places of the circle's meetings, oldest first."""
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.circle_id == circle.id)
        .options(joinedload(Meeting.host_unit))
        .order_by(Meeting.starts_at)
    ).all()
    if not meetings:
        return None
    kinds = {
        MeetingKind.CIRCLE: _("Sirkelmøte"),
        MeetingKind.REFERENCE: _("Referansegruppemøte"),
        MeetingKind.SEMINAR: _("Seminar"),
    }
    rows = []
    for meeting in meetings:
        when = format_day(meeting.starts_at, "short_date")
        if local_date(meeting.ends_at) != local_date(meeting.starts_at):
            when += "–" + format_day(meeting.ends_at, "short_date")
        parts = [meeting.place, meeting.host_unit.name if meeting.host_unit else ""]
        place = ", ".join(dict.fromkeys(p for p in parts if p))  # a unit hosting at home once
        rows.append([when, meeting.title, str(kinds.get(meeting.kind, meeting.kind)), place])
    return {
        "title": _("Møterekken"),
        "ready": True,
        "blocks": [
            {
                "kind": "paragraph",
                "text": _("Sirkelen hadde %(n)d møter og seminarer.", n=len(meetings)),
            },
            {"kind": "table", "header": [_("Dato"), _("Møte"), _("Type"), _("Sted")], "rows": rows},
        ],
    }
