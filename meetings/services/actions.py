"""Action items: agreed in minutes, listed across meetings, marked done or open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Circle, Member, Membership, utcnow
from meetings.models import ActionItem, ActionStatus, Meeting, Minutes
from meetings.notifications import notify_assigned
from meetings.permissions import can_edit_minutes, can_toggle_action, can_view_action
from meetings.services.common import check_length, guard_text

STATUS_LABELS = {ActionStatus.OPEN: _l("Åpen"), ActionStatus.DONE: _l("Utført")}


def _editable(minutes: Minutes, circle: Circle, actor: Member) -> None:
    if minutes.circle_id != circle.id or not can_edit_minutes(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere fører oppgaver i referatet."))
    if minutes.is_public:
        raise Conflict(_l("Referatet er godkjent og låst; oppgavene kan ikke endres her."))


def add_action(
    session: Session,
    minutes: Minutes,
    circle: Circle,
    *,
    actor: Member,
    what: str,
    owner_id: int | None = None,
    due_on: date | None = None,
    item_id: int | None = None,
) -> ActionItem:
    """Add an action item (what, owner, due date) to draft minutes."""
    _editable(minutes, circle, actor)
    what = (what or "").strip()
    if not what:
        raise DomainError(_l("Beskriv oppgaven."))
    check_length(what, 500, str(_l("Oppgaven")))
    guard_text(what)
    unit_id = None
    if owner_id is not None:
        membership = session.scalar(
            select(Membership).where(
                Membership.circle_id == circle.id, Membership.member_id == owner_id
            )
        )
        if membership is None:
            raise DomainError(_l("Den ansvarlige må være med i sirkelen."))
        unit_id = membership.unit_id
    if item_id is not None and item_id not in {i.id for i in minutes.meeting.items}:
        raise DomainError(_l("Punktet står ikke på dagsordenen."))
    action = ActionItem(
        circle_id=circle.id,
        minutes_id=minutes.id,
        item_id=item_id,
        what=what,
        owner_id=owner_id,
        unit_id=unit_id,
        due_on=due_on,
    )
    session.add(action)
    session.flush()
    notify_assigned(session, [action], actor, circle)
    return action


def delete_action(session: Session, action: ActionItem, circle: Circle, *, actor: Member) -> None:
    """Remove an action item from draft minutes."""
    _editable(action.minutes, circle, actor)
    session.delete(action)
    session.flush()


def toggle_action(
    session: Session,
    action: ActionItem,
    circle: Circle,
    *,
    actor: Member,
    done: bool,
    now: datetime | None = None,
) -> None:
    """Mark an action item done or open again (leaders and its owner)."""
    if not can_toggle_action(actor, action, circle):
        raise NotAllowed(_l("Bare sirkelledere og den ansvarlige kan endre status på oppgaven."))
    action.status = ActionStatus.DONE if done else ActionStatus.OPEN
    action.done_at = (now or utcnow()) if done else None
    session.flush()


@dataclass(frozen=True)
class ActionFilter:
    """Filters for the action list."""

    owner_id: int | None = None
    unit_id: int | None = None
    status: ActionStatus | None = None
    overdue: bool = False


def list_actions(
    session: Session, circle: Circle, member: Any, filters: ActionFilter, today: date
) -> list[ActionItem]:
    """Return the circle's action items the member may see, filtered, oldest meeting first."""
    query = (
        select(ActionItem)
        .join(Minutes, ActionItem.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(ActionItem.circle_id == circle.id)
        .options(
            selectinload(ActionItem.owner),
            selectinload(ActionItem.unit),
            selectinload(ActionItem.minutes).selectinload(Minutes.reviewers),
            selectinload(ActionItem.minutes).selectinload(Minutes.meeting),
        )
        .order_by(Meeting.starts_at, ActionItem.id)
    )
    if filters.owner_id is not None:
        query = query.where(ActionItem.owner_id == filters.owner_id)
    if filters.unit_id is not None:
        query = query.where(ActionItem.unit_id == filters.unit_id)
    if filters.status is not None:
        query = query.where(ActionItem.status == filters.status)
    if filters.overdue:
        query = query.where(ActionItem.status == ActionStatus.OPEN, ActionItem.due_on < today)
    return [a for a in session.scalars(query) if can_view_action(member, a, circle)]


def get_action(session: Session, circle: Circle, action_id: int) -> ActionItem | None:
    """Return the circle's action item, or None."""
    action = session.get(ActionItem, action_id)
    return action if action is not None and action.circle_id == circle.id else None


def owners(session: Session, circle: Circle) -> list[Member]:
    """Return the circle's members who can own an action item, by name."""
    return list(
        session.scalars(
            select(Member)
            .join(Membership)
            .where(Membership.circle_id == circle.id, Member.active.is_(True))
            .order_by(Member.name)
        )
    )
