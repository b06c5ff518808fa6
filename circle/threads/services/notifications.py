"""Thread notifications: who hears of what, which threads a member sees, e-mail modes, muting.

The notifications themselves are the core's (circle.notifications); this module decides who
in a thread's audience gets one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, false, or_, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from circle.jobs import enqueue
from circle.models import Circle, Member, Membership, Role, utcnow
from circle.notifications.services import record_notification
from circle.permissions import is_admin
from circle.threads.models import (
    MailMode,
    NoticeKind,
    Notification,
    NotificationSetting,
    Post,
    Thread,
)
from circle.threads.permissions import AUDIENCE_ROLES, visible_roles
from circle.threads.subjects import Subject

DEFAULT_MODE = MailMode.IMMEDIATE

# The job that mails what is due at once (registered by circle.threads.delivery).
DELIVER_JOB = "threads.deliver"


def visible_clause(member: Member) -> ColumnElement[bool]:
    """SQL condition: the member's role in Thread's circle is in the thread's audience."""
    if is_admin(member):
        return true()
    if member is None or not getattr(member, "is_authenticated", False) or not member.active:
        return false()
    return audience_clause(member.id)


def audience_clause(member_id: Any) -> ColumnElement[bool]:
    """SQL condition: member `member_id` (a value or a bound parameter) is in Thread's audience.

    Only for an active member who is not an administrator (visible_clause decides that).
    """
    by_audience = or_(
        *[
            and_(Thread.audience == audience, Membership.role.in_([Role(r) for r in roles]))
            for audience, roles in AUDIENCE_ROLES.items()
        ]
    )
    return exists().where(
        Membership.member_id == member_id, Membership.circle_id == Thread.circle_id, by_audience
    )


def recipients(
    session: Session,
    thread: Thread,
    subject: Subject | None,
    member_ids: Iterable[int] | None = None,
) -> list[Member]:
    """Return the active members who see the thread (all of them, or those among member_ids)."""
    roles = visible_roles(thread, subject)
    if thread.subject_kind is not None and subject is None:
        return []
    query = (
        select(Member)
        .join(Membership, Membership.member_id == Member.id)
        .where(
            Membership.circle_id == thread.circle_id,
            Member.active.is_(True),
            Membership.role.in_([Role(r) for r in roles]),
        )
    )
    ids = None if member_ids is None else set(member_ids)
    if ids is not None:
        if not ids:
            return []
        query = query.where(Member.id.in_(ids))
    found = list(session.scalars(query))
    if ids is not None:
        # Site administrators see every thread without a membership; they hear of threads
        # they follow.
        known = {m.id for m in found}
        found += [
            m
            for m in session.scalars(
                select(Member).where(
                    Member.id.in_(ids - known), Member.is_admin.is_(True), Member.active.is_(True)
                )
            )
        ]
    return found


def notify(
    session: Session,
    thread: Thread,
    subject: Subject | None,
    *,
    kind: NoticeKind,
    actor: Member | None,
    member_ids: Iterable[int] | None = None,
    post: Post | None = None,
    mentioned: Iterable[int] = (),
) -> list[Notification]:
    """Notify the members (default: the whole audience) who see the thread; those mentioned
    hear of a mention instead."""
    from circle.threads.kinds import THREAD_KINDS

    mentioned = set(mentioned)
    targets = set(member_ids) | mentioned if member_ids is not None else None
    members = [m.id for m in recipients(session, thread, subject, targets)]
    made: list[Notification] = []
    for notice_kind, ids in (
        (NoticeKind.MENTION, [m for m in members if m in mentioned]),
        (NoticeKind(kind), [m for m in members if m not in mentioned]),
    ):
        made += record_notification(
            session,
            kind=THREAD_KINDS[notice_kind],
            recipients=ids,
            actor=actor,
            circle_id=thread.circle_id,
            title=thread.title,
            subject_kind="thread",
            subject_id=thread.id,
            thread_id=thread.id,
            post_id=post.id if post is not None else None,
            mail_due=True,
        )
    if made:  # the mail due at once goes out from a job after the commit
        enqueue(session, DELIVER_JOB, {"thread_id": thread.id})
    return made


def mark_thread_notifications_read(
    session: Session,
    member: Member,
    thread: Thread,
    upto_post_id: int,
    *,
    now: datetime | None = None,
) -> None:
    """Mark the member's notifications about this thread, up to a post, as read."""
    session.execute(
        update(Notification)
        .where(
            Notification.member_id == member.id,
            Notification.thread_id == thread.id,
            Notification.read_at.is_(None),
            or_(Notification.post_id.is_(None), Notification.post_id <= upto_post_id),
        )
        .values(read_at=now or utcnow())
    )
    session.flush()


def mail_modes(session: Session, member_ids: Iterable[int], circle_id: int) -> dict[int, MailMode]:
    """Return each member's e-mail mode for the circle (circle choice, else default)."""
    ids = set(member_ids)
    if not ids:
        return {}
    modes = {member_id: DEFAULT_MODE for member_id in ids}
    rows = session.execute(
        select(
            NotificationSetting.member_id, NotificationSetting.circle_id, NotificationSetting.mode
        )
        .where(
            NotificationSetting.member_id.in_(ids),
            or_(
                NotificationSetting.circle_id.is_(None), NotificationSetting.circle_id == circle_id
            ),
        )
        .order_by(NotificationSetting.circle_id.is_(None).desc())  # defaults first
    )
    for member_id, _circle_id, mode in rows:
        modes[member_id] = MailMode(mode)
    return modes


def mail_mode(session: Session, member: Member, circle_id: int | None) -> MailMode:
    """Return the member's mode for a circle, or their default when circle_id is None."""
    setting = _setting(session, member, circle_id)
    if setting is not None:
        return setting.mode
    if circle_id is not None:
        return mail_mode(session, member, None)
    return DEFAULT_MODE


def circle_mode_choice(session: Session, member: Member, circle_id: int) -> MailMode | None:
    """Return the member's own choice for a circle, or None when the default applies."""
    setting = _setting(session, member, circle_id)
    return setting.mode if setting is not None else None


def _setting(session: Session, member: Member, circle_id: int | None) -> NotificationSetting | None:
    condition = (
        NotificationSetting.circle_id.is_(None)
        if circle_id is None
        else NotificationSetting.circle_id == circle_id
    )
    return session.scalar(
        select(NotificationSetting).where(NotificationSetting.member_id == member.id, condition)
    )


def set_mail_mode(
    session: Session, member: Member, circle: Circle | None, mode: MailMode | None
) -> None:
    """Set the member's e-mail mode for a circle (None: follow the default) or the default."""
    circle_id = circle.id if circle is not None else None
    setting = _setting(session, member, circle_id)
    if mode is None:
        if setting is not None and circle_id is not None:
            session.delete(setting)
    elif setting is None:
        session.add(
            NotificationSetting(member_id=member.id, circle_id=circle_id, mode=MailMode(mode))
        )
    else:
        setting.mode = MailMode(mode)
    session.flush()


def mute_circle(session: Session, member: Member, circle: Circle) -> None:
    """Stop e-mail from the circle's threads (mentions still notify, see mail_due)."""
    set_mail_mode(session, member, circle, MailMode.OFF)


def stop_thread_mail(session: Session, member: Member) -> None:
    """Stop e-mail from threads in every circle: default off, no circle set otherwise."""
    set_mail_mode(session, member, None, MailMode.OFF)
    circle_ids = session.scalars(
        select(Membership.circle_id).where(Membership.member_id == member.id)
    )
    for circle_id in circle_ids:
        circle = session.get(Circle, circle_id)
        if circle is not None:
            set_mail_mode(session, member, circle, MailMode.OFF)
    session.flush()


def mail_due(kind: NoticeKind, mode: MailMode) -> MailMode:
    """Return how a notification of this kind is mailed under the member's mode."""
    # A mention always notifies: it reaches the member even in a muted circle.
    if kind == NoticeKind.MENTION and mode == MailMode.OFF:
        return MailMode.IMMEDIATE
    return mode
