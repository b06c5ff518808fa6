"""Recording notifications, the bell's count, the list, read marks and muted kinds.

Every area records through record_notification(); the bell counts and the page lists them in
one query each, leaving out what the member no longer sees (a circle they left, a thread
outside their audience).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    delete,
    exists,
    false,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql.elements import ColumnElement

from circle.models import Member, Membership, utcnow
from circle.notifications.kinds import NotificationKind
from circle.notifications.models import MutedNotificationKind, Notification
from circle.permissions import is_admin

TITLE_LIMIT = 300


def _member_ids(recipients: Iterable[Member | int]) -> list[int]:
    ids: list[int] = []
    for recipient in recipients:
        member_id = recipient if isinstance(recipient, int) else recipient.id
        if member_id not in ids:
            ids.append(member_id)
    return ids


def record_notification(
    session: Session,
    *,
    kind: NotificationKind,
    recipients: Iterable[Member | int],
    actor: Member | None,
    circle_id: int | None,
    title: str,
    subject_kind: str | None = None,
    subject_id: int | None = None,
    detail: str = "",
    thread_id: int | None = None,
    post_id: int | None = None,
    mail_due: bool = False,
    once: bool = False,
    now: datetime | None = None,
) -> list[Notification]:
    """Notify the recipients (never the actor) of something, unless they turned the kind off.

    ``once``: skip members who already have a notification of this kind about the subject.
    ``mail_due``: an e-mail may still be sent for it (thread notices); other areas send their
    own e-mail, so their notices are marked as mailed at once.
    """
    now = now or utcnow()
    ids = [i for i in _member_ids(recipients) if actor is None or i != actor.id]
    if not ids:
        return []
    skip: set[int] = set()
    if kind.can_be_muted:
        skip |= set(
            session.scalars(
                select(MutedNotificationKind.member_id).where(
                    MutedNotificationKind.member_id.in_(ids),
                    MutedNotificationKind.kind == kind.key,
                )
            )
        )
    if once and subject_kind is not None:
        skip |= set(
            session.scalars(
                select(Notification.member_id).where(
                    Notification.member_id.in_(ids),
                    Notification.kind == kind.key,
                    Notification.subject_kind == subject_kind,
                    Notification.subject_id == subject_id,
                )
            )
        )
    made = [
        Notification(
            member_id=member_id,
            circle_id=circle_id,
            kind=kind.key,
            actor_id=actor.id if actor is not None else None,
            subject_kind=subject_kind,
            subject_id=subject_id,
            title=(title or "")[:TITLE_LIMIT],
            detail=(detail or "")[:TITLE_LIMIT],
            thread_id=thread_id,
            post_id=post_id,
            created_at=now,
            mailed_at=None if mail_due else now,
        )
        for member_id in ids
        if member_id not in skip
    ]
    session.add_all(made)
    session.flush()
    return made


def visible_clause(member: Any) -> ColumnElement[bool]:
    """SQL condition on Notification (outer-joined to Thread): the member still sees it."""
    if is_admin(member):
        return true()
    if member is None or not getattr(member, "is_authenticated", False) or not member.active:
        return false()
    return _visible_to(member.id)


def _visible_to(member_id: Any) -> ColumnElement[bool]:
    """visible_clause for an active member who is not an administrator, by id or parameter."""
    from circle.threads.services.notifications import audience_clause

    in_circle = or_(
        Notification.circle_id.is_(None),
        exists().where(
            Membership.member_id == member_id, Membership.circle_id == Notification.circle_id
        ),
    )
    return or_(
        and_(Notification.thread_id.is_(None), in_circle),
        and_(Notification.thread_id.is_not(None), audience_clause(member_id)),
    )


@cache
def _unread_statement(admin: bool) -> Select[tuple[int]]:
    """The bell's COUNT, built once: every page runs it, and building it cost more than running it."""
    from circle.threads.models import Thread

    member_id = bindparam("member_id")
    query = (
        select(func.count(Notification.id))
        .select_from(Notification)
        .outerjoin(Thread, Thread.id == Notification.thread_id)
        .where(Notification.member_id == member_id, Notification.read_at.is_(None))
    )
    return query if admin else query.where(_visible_to(member_id))


def unread_count(session: Session, member: Any) -> int:
    """Return the member's unread notifications that they still see (one query)."""
    if member is None or not getattr(member, "is_authenticated", False) or not member.active:
        return 0
    statement = _unread_statement(is_admin(member))
    return session.scalar(statement, {"member_id": member.id}) or 0


def list_notifications(
    session: Session,
    member: Member,
    *,
    keep: Callable[[Notification], bool] | None = None,
    limit: int = 50,
) -> list[Notification]:
    """Return the member's latest notifications that they still see, newest first."""
    if member is None or not getattr(member, "is_authenticated", False) or not member.active:
        return []
    statement = _list_statement(is_admin(member), limit)
    rows = list(session.scalars(statement, {"member_id": member.id}))
    return [row for row in rows if keep is None or keep(row)]


@cache
def _list_statement(admin: bool, limit: int) -> Select[tuple[Notification]]:
    """The list's query, built once per variant (as the bell's count is)."""
    from circle.threads.models import Thread

    member_id = bindparam("member_id")
    query = (
        select(Notification)
        .outerjoin(Thread, Thread.id == Notification.thread_id)
        .where(Notification.member_id == member_id)
        .options(
            joinedload(Notification.circle),
            joinedload(Notification.actor),
            joinedload(Notification.thread),
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return query if admin else query.where(_visible_to(member_id))


def mark_all_read(session: Session, member: Member, *, now: datetime | None = None) -> int:
    """Mark every notification of the member as read; return how many changed."""
    result = session.execute(
        update(Notification)
        .where(Notification.member_id == member.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    session.flush()
    return result.rowcount or 0


def mark_read(session: Session, member: Member, note: Notification) -> None:
    """Mark one of the member's notifications as read."""
    if note.member_id != member.id:
        raise ValueError("not the member's notification")
    if note.read_at is None:
        note.read_at = utcnow()
    session.flush()


def mark_subject_read(
    session: Session,
    member: Any,
    subject_kind: str,
    subject_ids: Iterable[int],
    *,
    kinds: Iterable[str] | None = None,
    now: datetime | None = None,
) -> int:
    """Mark the member's notifications about these subjects as read (they opened the page)."""
    ids = list(subject_ids)
    if not ids or not getattr(member, "is_authenticated", False):
        return 0
    query = update(Notification).where(
        Notification.member_id == member.id,
        Notification.read_at.is_(None),
        Notification.subject_kind == subject_kind,
        Notification.subject_id.in_(ids),
    )
    if kinds is not None:
        query = query.where(Notification.kind.in_(list(kinds)))
    result = session.execute(query.values(read_at=now or utcnow()))
    session.flush()
    return result.rowcount or 0


def muted_kinds(session: Session, member: Member) -> set[str]:
    """Return the keys of the kinds the member has turned off."""
    return set(
        session.scalars(
            select(MutedNotificationKind.kind).where(MutedNotificationKind.member_id == member.id)
        )
    )


def set_muted_kinds(
    session: Session, member: Member, muted: Iterable[str], kinds: Iterable[NotificationKind]
) -> None:
    """Turn off exactly the given kinds among those that can be turned off."""
    allowed = {k.key for k in kinds if k.can_be_muted}
    wanted = set(muted) & allowed
    have = muted_kinds(session, member)
    if have - wanted:
        session.execute(
            delete(MutedNotificationKind).where(
                MutedNotificationKind.member_id == member.id,
                MutedNotificationKind.kind.in_(list(have - wanted)),
            )
        )
    session.add_all(
        MutedNotificationKind(member_id=member.id, kind=key) for key in sorted(wanted - have)
    )
    session.flush()
