"""Moderation and thread states: reports, hiding posts, locking, pinning, resolving, closing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from circle.audit import record_event
from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Circle, Member, utcnow
from circle.threads.models import NoticeKind, Post, PostReport, Thread, ThreadFollow, ThreadState
from circle.threads.permissions import can_moderate, can_report, can_view_thread
from circle.threads.services.common import MAX_NOTE, MAX_REASON, clean_text, not_found
from circle.threads.services.notifications import notify
from circle.threads.subjects import Subject


def _audit(
    session: Session, action: str, actor: Member, thread: Thread, post: Post | None = None
) -> None:
    detail = f"thread={thread.id}" + (f" post={post.id}" if post is not None else "")
    record_event(session, f"threads.{action}", actor=actor, circle=thread.circle, detail=detail)


def _moderator(actor: Member, thread: Thread, subject: Subject | None) -> None:
    if not can_view_thread(actor, thread.circle, thread, subject):
        raise not_found()
    if not can_moderate(actor, thread.circle):
        raise NotAllowed(_l("Bare sirkelledere kan gjøre dette."))


def report_post(
    session: Session, post: Post, *, actor: Member, reason: str = "", subject: Subject | None = None
) -> PostReport:
    """Report a post to the circle's leaders (once per member and post)."""
    thread = post.thread
    if not can_view_thread(actor, thread.circle, thread, subject):
        raise not_found()
    if not can_report(actor, post):
        raise NotAllowed(_l("Du kan ikke rapportere dette innlegget."))
    reason = clean_text(reason, limit=MAX_REASON, required=False)
    existing = session.scalar(
        select(PostReport).where(PostReport.post_id == post.id, PostReport.reporter_id == actor.id)
    )
    if existing is not None:
        raise Conflict(_l("Du har allerede rapportert dette innlegget. Sirkellederne ser på det."))
    report = PostReport(post_id=post.id, thread_id=thread.id, reporter_id=actor.id, reason=reason)
    session.add(report)
    _audit(session, "post_reported", actor, thread, post)
    return report


def hide_post(
    session: Session, post: Post, *, actor: Member, subject: Subject | None = None
) -> None:
    """Hide a post from everyone but the leaders; its reports count as handled."""
    _moderator(actor, post.thread, subject)
    if post.hidden_at is not None:
        raise Conflict(_l("Innlegget er allerede skjult."))
    post.hidden_at, post.hidden_by_id = utcnow(), actor.id
    _close_reports(session, post)
    _audit(session, "post_hidden", actor, post.thread, post)


def restore_post(
    session: Session, post: Post, *, actor: Member, subject: Subject | None = None
) -> None:
    """Show a hidden post again."""
    _moderator(actor, post.thread, subject)
    if post.hidden_at is None:
        raise Conflict(_l("Innlegget er ikke skjult."))
    post.hidden_at, post.hidden_by_id = None, None
    _audit(session, "post_restored", actor, post.thread, post)


def dismiss_reports(
    session: Session, post: Post, *, actor: Member, subject: Subject | None = None
) -> None:
    """Mark a post's reports as handled without hiding it."""
    _moderator(actor, post.thread, subject)
    _close_reports(session, post)
    _audit(session, "reports_dismissed", actor, post.thread, post)


def _close_reports(session: Session, post: Post) -> None:
    session.execute(
        update(PostReport)
        .where(PostReport.post_id == post.id, PostReport.handled_at.is_(None))
        .values(handled_at=utcnow())
    )


def open_reports(session: Session, circle: Circle) -> list[PostReport]:
    """Return the circle's unhandled reports, oldest first."""
    return list(
        session.scalars(
            select(PostReport)
            .join(Thread, Thread.id == PostReport.thread_id)
            .where(Thread.circle_id == circle.id, PostReport.handled_at.is_(None))
            .options(
                joinedload(PostReport.post).joinedload(Post.thread), joinedload(PostReport.reporter)
            )
            .order_by(PostReport.id)
        )
    )


def set_locked(
    session: Session, thread: Thread, locked: bool, *, actor: Member, subject: Subject | None = None
) -> None:
    """Lock (no new posts or edits) or unlock a thread."""
    _moderator(actor, thread, subject)
    thread.locked = locked
    _audit(session, "locked" if locked else "unlocked", actor, thread)


def set_pinned(
    session: Session, thread: Thread, pinned: bool, *, actor: Member, subject: Subject | None = None
) -> None:
    """Pin a thread to the top of the list, or unpin it."""
    _moderator(actor, thread, subject)
    thread.pinned = pinned
    _audit(session, "pinned" if pinned else "unpinned", actor, thread)


def close_thread(
    session: Session, thread: Thread, *, actor: Member, subject: Subject | None = None
) -> None:
    """Close a thread: it stays readable, but takes no new posts."""
    _moderator(actor, thread, subject)
    if thread.state == ThreadState.CLOSED:
        raise Conflict(_l("Tråden er allerede lukket."))
    thread.state = ThreadState.CLOSED
    _audit(session, "closed", actor, thread)


def reopen_thread(
    session: Session, thread: Thread, *, actor: Member, subject: Subject | None = None
) -> None:
    """Open a resolved or closed thread again (the resolution note is kept)."""
    _moderator(actor, thread, subject)
    if thread.state == ThreadState.OPEN:
        raise Conflict(_l("Tråden er allerede åpen."))
    thread.state = ThreadState.OPEN
    _audit(session, "reopened", actor, thread)


def resolve_thread(
    session: Session,
    thread: Thread,
    *,
    actor: Member,
    resolution: str,
    subject: Subject | None = None,
) -> None:
    """Mark the input as answered, recording how it was used; followers hear of it."""
    _moderator(actor, thread, subject)
    note = clean_text(resolution, limit=MAX_NOTE, required=False)
    if not note:
        raise DomainError(_l("Skriv kort hvordan innspillene ble brukt."))
    thread.state = ThreadState.RESOLVED
    thread.resolution, thread.resolved_by_id, thread.resolved_at = note, actor.id, utcnow()
    followers = set(
        session.scalars(select(ThreadFollow.member_id).where(ThreadFollow.thread_id == thread.id))
    )
    notify(session, thread, subject, kind=NoticeKind.RESOLVED, actor=actor, member_ids=followers)
    _audit(session, "resolved", actor, thread)
