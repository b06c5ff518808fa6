"""Cancelling, moving and deleting meetings, and carrying a cancelled meeting's items forward.

A meeting that never left draft (no invitation, no minutes) may be deleted. Anything else is
kept: a cancelled meeting stays in the list and the calendars, marked CANCELLED with a higher
SEQUENCE under the same UID; a moved one remembers where and when it was before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from circle.audit import record_event
from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Circle, Member, utcnow
from meetings.models import AgendaItem, ItemOrigin, Meeting
from meetings.notifications import notify_cancelled, notify_invitation
from meetings.permissions import can_manage_meetings
from meetings.services.common import check_length, guard_text

# Items of a cancelled meeting that are regenerated for the next one, so never carried.
NOT_CARRIED = frozenset({ItemOrigin.TEMPLATE, ItemOrigin.ACTIONS})


def _check(meeting: Meeting, circle: Circle, actor: Member) -> None:
    if meeting.circle_id != circle.id or not can_manage_meetings(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan avlyse, flytte eller slette møter."))


def ensure_not_cancelled(meeting: Meeting) -> None:
    """Refuse to change a cancelled meeting."""
    if meeting.cancelled_at is not None:
        raise Conflict(_l("Møtet er avlyst og kan ikke endres."))


def can_delete(meeting: Meeting) -> bool:
    """Return whether the meeting never left draft: no invitation sent, no minutes, not cancelled."""
    return (
        meeting.invitation_sent_at is None
        and meeting.minutes is None
        and meeting.cancelled_at is None
    )


def _notice(session: Session, meeting: Meeting, actor: Member, count: int, now: datetime) -> None:
    from meetings.services.attendance import record_notice

    record_notice(session, meeting, actor, count, now, changed=True)


def _invitees(session: Session, meeting: Meeting) -> list[Member]:
    from meetings.services.attendance import audience

    if meeting.invitation_sent_at is None:
        return []  # nobody was told of the meeting, so nobody is told of the change
    return [m.member for m in audience(session, meeting)]


def cancel_meeting(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    reason: str = "",
    now: datetime | None = None,
) -> list[Member]:
    """Cancel a meeting that has not started; return the invitees to send the cancellation."""
    now = now or utcnow()
    _check(meeting, circle, actor)
    if meeting.cancelled_at is not None:
        raise Conflict(_l("Møtet er allerede avlyst."))
    if meeting.starts_at <= now:
        raise DomainError(_l("Møtet har allerede startet og kan ikke avlyses."))
    reason = (reason or "").strip()
    check_length(reason, 500, str(_l("Begrunnelsen")))
    guard_text(reason)
    meeting.cancelled_at, meeting.cancelled_by_id = now, actor.id
    meeting.cancel_reason = reason
    meeting.ical_sequence += 1
    meeting.changed_since_notice = False
    recipients = _invitees(session, meeting)
    if recipients:
        _notice(session, meeting, actor, len(recipients), now)
        notify_cancelled(session, meeting, recipients, actor, now=now)
    session.flush()
    record_event(
        session,
        "meeting_cancelled",
        actor=actor,
        circle=circle,
        detail=f"meeting {meeting.id}, {len(recipients)} told",
    )
    return recipients


def move_meeting(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str | None = None,
    address: str | None = None,
    now: datetime | None = None,
) -> list[Member]:
    """Give a meeting a new time or place; return the invitees to send the updated request."""
    from meetings.services.meetings import clean_meeting_values

    now = now or utcnow()
    _check(meeting, circle, actor)
    if meeting.cancelled_at is not None:
        raise Conflict(_l("Et avlyst møte kan ikke flyttes."))
    if meeting.starts_at <= now:
        raise DomainError(_l("Møtet har allerede startet og kan ikke flyttes."))
    if starts_at is not None and starts_at <= now:
        raise DomainError(_l("Møtet kan ikke flyttes til et tidspunkt som har vært."))
    values = {
        "title": meeting.title,
        "kind": meeting.kind,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": meeting.place if place is None else place,
        "address": meeting.address if address is None else address,
        "video_url": meeting.video_url,
        "theme": meeting.theme,
        "host_unit_id": meeting.host_unit_id,
    }
    clean = clean_meeting_values(circle, values)
    keys = MOVE_FIELDS
    if all(getattr(meeting, key) == clean[key] for key in keys):
        raise DomainError(_l("Velg en ny tid eller et nytt sted for møtet."))
    meeting.moved_from_starts_at, meeting.moved_from_place = meeting.starts_at, meeting.place
    for key in keys:
        setattr(meeting, key, clean[key])
    meeting.ical_sequence += 1
    meeting.changed_since_notice = False
    recipients = _invitees(session, meeting)
    if recipients:
        _notice(session, meeting, actor, len(recipients), now)
        notify_invitation(session, meeting, recipients, actor, changed=True, now=now)
    session.flush()
    record_event(
        session,
        "meeting_moved",
        actor=actor,
        circle=circle,
        detail=f"meeting {meeting.id}, {len(recipients)} told",
    )
    return recipients


# The fields a move changes; a change to any of them in the edit form is a move.
MOVE_FIELDS = ("starts_at", "ends_at", "place", "address")


@dataclass
class Edited:
    """What saving the edit form did: a move (the updated request is due) or an edit."""

    moved: bool
    told: list[Member] = field(default_factory=list)  # the invitees told of the move
    notify: bool = False  # an edit an invited meeting's change notice should tell of


def edit_meeting(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    now: datetime | None = None,
    **values: Any,
) -> Edited:
    """Save the edit form. A new time or place for an invited meeting that has not started is a
    move, told as the move page tells it; other changes are an ordinary update."""
    from meetings.services.meetings import clean_meeting_values, update_meeting

    now = now or utcnow()
    _check(meeting, circle, actor)
    ensure_not_cancelled(meeting)
    clean = clean_meeting_values(circle, values)
    if (
        meeting.invitation_sent_at is None
        or meeting.starts_at <= now
        or all(getattr(meeting, key) == clean[key] for key in MOVE_FIELDS)
    ):
        return Edited(False, notify=update_meeting(session, meeting, circle, actor=actor, **values))
    told = move_meeting(
        session, meeting, circle, actor=actor, now=now, **{k: clean[k] for k in MOVE_FIELDS}
    )
    # The rest of the form goes into the same updated request (built after this).
    for key in clean.keys() - set(MOVE_FIELDS):
        setattr(meeting, key, clean[key])
    session.flush()
    return Edited(True, told=told)


def delete_meeting(session: Session, meeting: Meeting, circle: Circle, *, actor: Member) -> None:
    """Delete a meeting that never left draft; anything sent or recorded is cancelled instead."""
    _check(meeting, circle, actor)
    if not can_delete(meeting):
        raise Conflict(
            _l(
                "Bare møter som ikke er sendt ut, kan slettes. Avlys møtet i stedet; "
                "da blir det stående, merket som avlyst."
            )
        )
    number = meeting.number
    session.delete(meeting)
    session.flush()
    record_event(session, "meeting_deleted", actor=actor, circle=circle, detail=f"number {number}")


def carried_items(session: Session, source: Meeting) -> list[AgendaItem]:
    """Return the top items of a cancelled meeting that the next meeting takes over."""
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == source.id, AgendaItem.parent_id.is_(None))
        .options(selectinload(AgendaItem.readings), selectinload(AgendaItem.approves_meeting))
        .order_by(AgendaItem.position)
    )
    result = []
    for item in items:
        if item.origin in NOT_CARRIED:
            continue
        approved = item.approves_meeting
        if item.origin == ItemOrigin.APPROVAL and (
            approved is None or (approved.minutes is not None and approved.minutes.is_public)
        ):
            continue  # those minutes were approved meanwhile
        result.append(item)
    return result


def next_meeting_after(session: Session, meeting: Meeting) -> Meeting | None:
    """Return the next meeting in the same series that is not cancelled."""
    from meetings.services.meetings import same_series

    return session.scalar(
        select(Meeting)
        .where(
            Meeting.circle_id == meeting.circle_id,
            same_series(meeting),
            Meeting.starts_at > meeting.starts_at,
            Meeting.cancelled_at.is_(None),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def carry_forward(
    session: Session, source: Meeting, circle: Circle, *, actor: Member
) -> tuple[Meeting, int]:
    """Put a cancelled meeting's open items on the next meeting's agenda (once each)."""
    from meetings.services.agenda import copy_carried

    _check(source, circle, actor)
    if source.cancelled_at is None:
        raise DomainError(_l("Bare punkter fra et avlyst møte kan flyttes til neste møte."))
    target = next_meeting_after(session, source)
    if target is None:
        raise DomainError(_l("Det er ikke planlagt noe senere møte. Opprett det først."))
    if target.minutes is not None and target.minutes.is_public:
        raise DomainError(_l("Referatet fra neste møte er godkjent; dagsordenen er låst."))
    have = {i.postponed_from_id for i in target.items if i.postponed_from_id is not None}
    have |= {i.approves_meeting_id for i in target.items if i.approves_meeting_id is not None}
    new = [
        item
        for item in carried_items(session, source)
        if item.id not in have
        and not (item.origin == ItemOrigin.APPROVAL and item.approves_meeting_id in have)
    ]
    start = len([i for i in target.items if i.parent_id is None])
    for offset, item in enumerate(new):
        target.items.append(copy_carried(item, start + offset))
    session.flush()
    record_event(
        session,
        "meeting_items_carried",
        actor=actor,
        circle=circle,
        detail=f"meeting {source.id} -> {target.id}, {len(new)} items",
    )
    return target, len(new)
