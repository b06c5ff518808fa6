"""Services for meetings themselves: create, edit, list by semester, status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from circle.errors import Conflict, DomainError, NotAllowed
from circle.inputs import is_safe_link
from circle.models import Circle, Member, utcnow
from meetings.models import Meeting, MeetingKind, Minutes, MinutesState
from meetings.permissions import can_manage_meetings, can_view_meeting, can_view_minutes
from meetings.services.common import check_length, guard_text, semester_key, semester_label

STATUS_LABELS = {
    "planned": _l("Planlagt"),
    "cancelled": _l("Avlyst"),
    "invited": _l("Innkalling sendt"),
    "held": _l("Avholdt"),
    "review": _l("Referat til godkjenning"),
    "approved": _l("Referat godkjent"),
    "distributed": _l("Referat sendt ut"),
}
KIND_LABELS = {
    MeetingKind.CIRCLE: _l("Sirkelmøte"),
    MeetingKind.REFERENCE: _l("Referansegruppemøte"),
    MeetingKind.SEMINAR: _l("Seminar"),
}
# Changes to these fields make calendars update and invitees get a change notice.
NOTIFIED_FIELDS = ("title", "starts_at", "ends_at", "place", "address", "video_url")
# Meeting numbers are unique per circle; a concurrent creation that took ours makes us retry.
NUMBER_ATTEMPTS = 5


def meeting_status(meeting: Meeting, now: datetime | None = None) -> str:
    """Return the meeting's status key: planned, cancelled, invited, held, review, approved or
    distributed."""
    now = now or utcnow()
    if meeting.cancelled_at is not None:
        return "cancelled"
    minutes = meeting.minutes
    if minutes is not None and minutes.state != MinutesState.DRAFT:
        return minutes.state.value
    if meeting.starts_at <= now:
        return "held"
    return "invited" if meeting.invitation_sent_at else "planned"


def clean_meeting_values(circle: Circle, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the meeting's fields."""
    title = (values.get("title") or "").strip()
    if not title:
        raise DomainError(_l("Møtet må ha en tittel."))
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is None or ends_at is None:
        raise DomainError(_l("Møtet må ha start og slutt."))
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise DomainError(_l("Tidspunktet mangler tidssone."))
    if ends_at <= starts_at:
        raise DomainError(_l("Møtet kan ikke slutte før (eller samtidig som) det starter."))
    if (ends_at - starts_at).days >= 3:
        raise DomainError(_l("Et møte kan vare i høyst tre dager."))
    video_url = (values.get("video_url") or "").strip()
    if video_url and not (is_safe_link(video_url) and not video_url.startswith("/")):
        raise DomainError(_l("Videolenken må begynne med https://."))
    host_unit_id = values.get("host_unit_id") or None
    if host_unit_id is not None and host_unit_id not in {u.id for u in circle.units}:
        raise DomainError(_l("Vertsenheten hører ikke til denne sirkelen."))
    clean = {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "kind": MeetingKind(values.get("kind") or MeetingKind.CIRCLE),
        "place": (values.get("place") or "").strip(),
        "address": (values.get("address") or "").strip(),
        "video_url": video_url,
        "theme": (values.get("theme") or "").strip(),
        "host_unit_id": host_unit_id,
    }
    for key, limit, label in (
        ("title", 200, _l("Tittelen")),
        ("place", 200, _l("Stedet")),
        ("address", 300, _l("Adressen")),
        ("video_url", 500, _l("Videolenken")),
        ("theme", 200, _l("Temaet")),
    ):
        check_length(clean[key], limit, str(label))
    guard_text(clean["title"], clean["place"], clean["address"], clean["theme"], clean["video_url"])
    return clean


def create_meeting(session: Session, circle: Circle, *, actor: Member, **values: Any) -> Meeting:
    """Create a meeting; its agenda starts from the template plus what carries forward."""
    from meetings.services.agenda import build_initial_agenda

    if not can_manage_meetings(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan opprette møter."))
    clean = clean_meeting_values(circle, values)
    for attempt in range(NUMBER_ATTEMPTS):
        number = (
            session.scalar(select(func.max(Meeting.number)).where(Meeting.circle_id == circle.id))
            or 0
        ) + 1
        meeting = Meeting(circle_id=circle.id, number=number, created_by_id=actor.id, **clean)
        try:
            # A savepoint, so that losing the race for a number undoes only this insert.
            with session.begin_nested():
                session.add(meeting)
                session.flush()
            break
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise Conflict(
                    _l(
                        "Flere møter ble opprettet samtidig, og dette fikk ikke et nummer. Prøv igjen."
                    )
                ) from None
    build_initial_agenda(session, meeting)
    session.flush()
    return meeting


def update_meeting(
    session: Session, meeting: Meeting, circle: Circle, *, actor: Member, **values: Any
) -> bool:
    """Change a meeting; return whether invitees should get a change notice."""
    if not can_manage_meetings(actor, circle) or meeting.circle_id != circle.id:
        raise NotAllowed(_l("Bare sirkelledere kan endre møter."))
    if meeting.cancelled_at is not None:
        raise Conflict(_l("Møtet er avlyst og kan ikke endres."))
    clean = clean_meeting_values(circle, values)
    changed = any(getattr(meeting, key) != clean[key] for key in NOTIFIED_FIELDS)
    for key, value in clean.items():
        setattr(meeting, key, value)
    notify = changed and meeting.invitation_sent_at is not None
    if changed:
        # In SQL, so that two concurrent edits both count.
        meeting.ical_sequence = Meeting.ical_sequence + 1
    if notify:
        meeting.changed_since_notice = True
    session.flush()
    return notify


def get_meeting(
    session: Session,
    circle: Circle,
    meeting_id: int,
    *,
    readings: bool = True,
    notes: bool = False,
    earlier: bool = True,
    links: bool = True,
) -> Meeting | None:
    """Return the circle's meeting with agenda and minutes (and readings or notes) loaded."""
    stmt = select(Meeting).where(Meeting.id == meeting_id, Meeting.circle_id == circle.id)
    return (
        session.execute(_with_agenda(stmt, readings, notes, earlier, links))
        .unique()
        .scalar_one_or_none()
    )


def get_meeting_by_slug(
    session: Session,
    slug: str,
    meeting_id: int,
    *,
    readings: bool = True,
    notes: bool = False,
    earlier: bool = True,
    links: bool = True,
) -> Meeting | None:
    """Return the meeting of the circle with this slug, its circle loaded in the same query."""
    stmt = (
        select(Meeting)
        .join(Meeting.circle)
        .where(Meeting.id == meeting_id, Circle.slug == slug)
        .options(contains_eager(Meeting.circle))
    )
    return (
        session.execute(_with_agenda(stmt, readings, notes, earlier, links))
        .unique()
        .scalar_one_or_none()
    )


def _with_agenda(stmt: Any, readings: bool, notes: bool, earlier: bool, links: bool) -> Any:
    """Load the agenda and minutes (and readings or notes) with the meeting.

    earlier=False leaves out each postponed item's earlier item and meeting (two self-joins
    that cost more than the rest of the agenda); the meeting page looks up just their numbers
    (agenda.postponed_from_numbers). links=False leaves out the meetings that approval items
    approve and the host unit, which the minutes page does not show. The minutes' reviewers load when a check asks for them:
    only drafts in review need them, for members who do not lead the circle.
    """
    from meetings.models import AgendaItem

    items = selectinload(Meeting.items)
    minutes = joinedload(Meeting.minutes)
    # unique() by the callers: with the notes joined, the meeting spans one row per note.
    options = [
        # One-to-one and many-to-one come in the same row (joined); collections in one query
        # each (selectin), so the page's queries do not grow with the agenda.
        items.selectinload(AgendaItem.readings) if readings else items,
        minutes.joinedload(Minutes.notes) if notes else minutes,
    ]
    if links:
        options += [
            selectinload(Meeting.items).joinedload(AgendaItem.approves_meeting),
            joinedload(Meeting.host_unit),
        ]
    if earlier:
        options.append(
            selectinload(Meeting.items)
            .joinedload(AgendaItem.postponed_from)
            .joinedload(AgendaItem.meeting)
        )
    return stmt.options(*options)


def same_series(meeting: Meeting) -> Any:
    """Return the clause for meetings of the same series (circle or reference group)."""
    return (
        Meeting.kind == MeetingKind.REFERENCE
        if meeting.kind == MeetingKind.REFERENCE
        else Meeting.kind != MeetingKind.REFERENCE
    )


def previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """Return the meeting before this one in the same series (circle or reference group)."""
    return session.scalar(
        select(Meeting)
        .where(
            Meeting.circle_id == meeting.circle_id,
            same_series(meeting),
            Meeting.starts_at < meeting.starts_at,
            Meeting.id != meeting.id,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


@dataclass
class MeetingRow:
    """A meeting in the list: where it links to and its status."""

    meeting: Meeting
    status: str
    full: bool  # False: the member only sees the approved minutes, not the meeting page


@dataclass
class Semester:
    """A semester's meetings."""

    label: str
    rows: list[MeetingRow] = field(default_factory=list)


def _rows(session: Session, circle: Circle, member: Any, now: datetime) -> list[MeetingRow]:
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.circle_id == circle.id)
        .options(
            selectinload(Meeting.minutes).selectinload(Minutes.reviewers),
            selectinload(Meeting.host_unit),
        )
        .order_by(Meeting.starts_at)
    )
    rows = []
    for meeting in meetings:
        if can_view_meeting(member, meeting, circle):
            rows.append(MeetingRow(meeting, meeting_status(meeting, now), True))
        elif meeting.minutes is not None and can_view_minutes(member, meeting.minutes, circle):
            rows.append(MeetingRow(meeting, meeting_status(meeting, now), False))
    return rows


def list_meetings(
    session: Session, circle: Circle, member: Any, now: datetime | None = None
) -> tuple[list[Semester], list[Semester]]:
    """Return (upcoming, past) meetings the member may see, grouped by semester."""
    now = now or utcnow()
    upcoming: dict[tuple[int, int], Semester] = {}
    past: dict[tuple[int, int], Semester] = {}
    for row in _rows(session, circle, member, now):
        target = upcoming if row.meeting.ends_at >= now else past
        key = semester_key(row.meeting.starts_at)
        target.setdefault(key, Semester(semester_label(key))).rows.append(row)
    for semester in past.values():
        semester.rows.reverse()
    return ([upcoming[k] for k in sorted(upcoming)], [past[k] for k in sorted(past, reverse=True)])
