"""Following threads and tracking what each member has read."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from circle.models import Member, utcnow
from circle.threads.models import Post, Thread, ThreadFollow, ThreadVisit
from circle.threads.services.notifications import mark_thread_notifications_read


def is_following(session: Session, member: Member, thread: Thread) -> bool:
    """Return whether the member follows the thread."""
    return (
        session.scalar(
            select(ThreadFollow.id).where(
                ThreadFollow.thread_id == thread.id, ThreadFollow.member_id == member.id
            )
        )
        is not None
    )


def follow(session: Session, thread: Thread, member_ids: Iterable[int]) -> None:
    """Make the members follow the thread (those who already do are left as they are)."""
    ids = set(member_ids)
    if not ids:
        return
    have = set(
        session.scalars(
            select(ThreadFollow.member_id).where(
                ThreadFollow.thread_id == thread.id, ThreadFollow.member_id.in_(ids)
            )
        )
    )
    session.add_all(ThreadFollow(thread_id=thread.id, member_id=i) for i in sorted(ids - have))
    session.flush()


def unfollow(session: Session, thread: Thread, member: Member) -> bool:
    """Stop following the thread; return whether the member followed it."""
    row = session.scalar(
        select(ThreadFollow).where(
            ThreadFollow.thread_id == thread.id, ThreadFollow.member_id == member.id
        )
    )
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def visit_state(session: Session, member: Member, thread: Thread) -> tuple[int | None, bool]:
    """Return the last post the member has seen (None if they never looked) and whether they
    follow the thread, in one query."""
    row = session.execute(_visit_state(), {"thread_id": thread.id, "member_id": member.id}).one()
    return row.seen, bool(row.following)


@functools.cache
def _visit_state() -> Select:
    thread_id, member_id = bindparam("thread_id"), bindparam("member_id")
    seen = (
        select(ThreadVisit.last_seen_post_id)
        .where(ThreadVisit.thread_id == thread_id, ThreadVisit.member_id == member_id)
        .scalar_subquery()
    )
    follows = (
        select(ThreadFollow.id)
        .where(ThreadFollow.thread_id == thread_id, ThreadFollow.member_id == member_id)
        .exists()
    )
    return select(seen.label("seen"), follows.label("following"))


def mark_read(session: Session, member: Member, thread: Thread, upto_post_id: int) -> None:
    """Record that the member has seen the thread up to a post, and clear its notifications."""
    upto = max(0, min(upto_post_id, thread.last_post_id))
    visit = session.scalar(
        select(ThreadVisit).where(
            ThreadVisit.thread_id == thread.id, ThreadVisit.member_id == member.id
        )
    )
    if visit is None:
        session.add(ThreadVisit(thread_id=thread.id, member_id=member.id, last_seen_post_id=upto))
    elif upto > visit.last_seen_post_id:
        visit.last_seen_post_id = upto
        visit.seen_at = utcnow()
    mark_thread_notifications_read(session, member, thread, upto)
    session.flush()


# A list shows "99+ nye" past this: counting every unread post of a long thread would make the
# lists' cost grow with the threads (a member new to a thread of 10,000 posts paid for all).
NEW_POSTS_COUNTED = 100


def new_post_counts(session: Session, member: Member, thread_ids: Iterable[int]) -> dict[int, int]:
    """Return, per thread, how many posts by others came since the member's last visit.

    Counts stop at NEW_POSTS_COUNTED: a thread with more new posts than that says so, without
    reading them all. Threads without new posts are left out.
    """
    ids = list(set(thread_ids))
    if not ids:
        return {}
    rows = session.execute(_new_post_counts(), {"member_id": member.id, "ids": ids})
    return {thread_id: n for thread_id, n in rows if n}


@functools.cache
def _new_post_counts() -> Select:
    # Built once: every thread list asks it, and building it cost more than running it.
    member_id = bindparam("member_id")
    seen = (
        select(ThreadVisit.last_seen_post_id)
        .where(ThreadVisit.thread_id == Thread.id, ThreadVisit.member_id == member_id)
        .correlate(Thread)
        .scalar_subquery()
    )
    newer = (
        select(Post.id)
        .where(
            Post.thread_id == Thread.id,
            Post.id > func.coalesce(seen, 0),
            or_(Post.author_id.is_(None), Post.author_id != member_id),
            Post.deleted_at.is_(None),
        )
        .order_by(Post.id)
        .limit(NEW_POSTS_COUNTED)
        .correlate(Thread)
        .subquery()
    )
    counted = select(func.count()).select_from(newer).scalar_subquery()
    return select(Thread.id, counted).where(Thread.id.in_(bindparam("ids", expanding=True)))
