"""Reading a thread: one page of its branches, what is new on it and elsewhere, how far it
may be marked as read.

A thread's replies to the opening post each start a branch (with its replies, three levels at
most). A long thread is shown REPLIES_PER_PAGE branches a page, oldest first, the opening post
on every page; a branch is never split over two pages. Every query ranges over a window of the
thread, so a page of a thread with 10,000 posts costs what a short thread's page costs.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, bindparam, func, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from circle.models import Member
from circle.threads.models import Post, PostMention, PostReport, Thread
from circle.threads.services.following import NEW_POSTS_COUNTED

REPLIES_PER_PAGE = 40


@dataclass
class ThreadPage:
    """Everything one page of a thread shows, loaded in a fixed number of queries."""

    thread: Thread
    opening: Post | None
    roots: list[Post]
    children: dict[int, list[Post]]
    by_id: dict[int, Post]
    mentions: dict[int, list[Member]] = field(default_factory=dict)
    # Replies below each post, at every level: long branches are shown collapsible.
    branch_sizes: dict[int, int] = field(default_factory=dict)
    report_counts: dict[int, int] = field(default_factory=dict)
    number: int = 1
    page_count: int = 1
    # Posts by others since the reader's last visit, in the whole thread (counted up to
    # NEW_POSTS_COUNTED), and the first of them (on this page or another).
    new_count: int = 0
    first_new_id: int | None = None
    # The newest post the reader may be marked as having read after seeing this page: no
    # unread post on another page lies below it.
    read_upto: int = 0

    @property
    def new_count_capped(self) -> bool:
        """Whether the thread has at least this many new posts (the count stops there)."""
        return self.new_count >= NEW_POSTS_COUNTED

    @property
    def first_new_here(self) -> bool:
        """Whether the first new post is on this page."""
        return self.first_new_id is not None and self.first_new_id in self.by_id


def page_of_post(session: Session, thread: Thread, post_id: int) -> int:
    """Return the page that shows the post (1 for the opening post or a post not in the thread)."""
    if thread.post_count <= REPLIES_PER_PAGE:
        return 1
    before = session.scalar(
        _queries()["replies_before"], {"thread_id": thread.id, "post_id": post_id}
    )
    return (before or 0) // REPLIES_PER_PAGE + 1


def load_thread_page(  # noqa: PLR0913 - one keyword per thing a page depends on
    session: Session,
    thread: Thread,
    *,
    with_reports: bool,
    reader: Member | None = None,
    seen: int = 0,
    page: int = 1,
) -> ThreadPage:
    """Load a page of the thread's branches with authors, mentions and report counts, and what
    is new for the reader since the post they had seen (`seen`)."""
    queries = _queries()
    params = {"thread_id": thread.id}
    # A thread with no more posts than a page holds has one page: no count, no window.
    single = thread.post_count <= REPLIES_PER_PAGE
    if single:
        page_count, number = 1, 1
        posts = list(session.scalars(queries["all_posts"], params))
    else:
        replies = session.scalar(queries["reply_count"], params) or 0
        page_count = max(1, math.ceil(replies / REPLIES_PER_PAGE))
        number = min(max(page, 1), page_count)
        window = {"limit": REPLIES_PER_PAGE, "offset": (number - 1) * REPLIES_PER_PAGE}
        posts = list(session.scalars(queries["window_posts"], {**params, **window}))
    result = _arrange(thread, posts)
    result.number, result.page_count = number, page_count
    ids = list(result.by_id)
    if ids:
        for post_id, member in session.execute(queries["mentions"], {**params, "ids": ids}):
            result.mentions.setdefault(post_id, []).append(member)
        if with_reports:
            result.report_counts = dict(
                session.execute(queries["reports"], {**params, "ids": ids}).all()
            )
    me = reader.id if reader is not None else None
    if single:
        new = [p.id for p in posts if p.id > seen and p.author_id != me and p.deleted_at is None]
        result.new_count = min(len(new), NEW_POSTS_COUNTED)
        result.first_new_id = new[0] if new else None
        result.read_upto = thread.last_post_id
    else:
        row = session.execute(
            queries["new_elsewhere"],
            {**params, "seen": seen, "member_id": me, "ids": ids or [0]},
        ).one()
        result.new_count, result.first_new_id = row.new_count, row.first_new
        upto = max(ids, default=seen)
        if row.first_unshown is not None:
            upto = min(upto, row.first_unshown - 1)
        result.read_upto = max(upto, seen)
    return result


def _arrange(thread: Thread, posts: list[Post]) -> ThreadPage:
    """Put the posts (in id order) into their branches."""
    page = ThreadPage(
        thread=thread, opening=None, roots=[], children={}, by_id={p.id: p for p in posts}
    )
    for post in posts:
        if post.depth == 0:
            page.opening = post
        elif post.parent_id is None or post.parent_id not in page.by_id:
            page.roots.append(post)
        else:
            page.children.setdefault(post.parent_id, []).append(post)
    # Children always have higher ids than their parents: newest first sums each branch once.
    for post in reversed(posts):
        below = page.children.get(post.id, [])
        page.branch_sizes[post.id] = len(below) + sum(page.branch_sizes[c.id] for c in below)
    return page


@functools.cache
def _queries() -> dict[str, Select]:
    # Built once: a thread page runs them on every request, and building them cost more than
    # running them.
    thread_id = bindparam("thread_id")
    ids = bindparam("ids", expanding=True)
    member_id = bindparam("member_id")
    seen = bindparam("seen")
    is_reply = and_(Post.thread_id == thread_id, Post.depth == 1)
    # The page's branches: a window of the replies to the opening post, with the posts below
    # them (parents always come before their children), and the opening post.
    window = (
        select(Post.id)
        .where(is_reply)
        .order_by(Post.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    tops = union_all(
        select(window.c.id),
        select(Post.id).where(Post.thread_id == thread_id, Post.depth == 0),
    ).subquery()
    starts = select(tops.c.id).cte("shown", recursive=True)
    shown = starts.union_all(select(Post.id).where(Post.parent_id == starts.c.id))
    # The page a post is on: how many replies to the opening post come before its branch's.
    up = (
        select(Post.id, Post.parent_id, Post.depth)
        .where(Post.id == bindparam("post_id"), Post.thread_id == thread_id)
        .cte("up", recursive=True)
    )
    up = up.union_all(select(Post.id, Post.parent_id, Post.depth).where(Post.id == up.c.parent_id))
    branch = select(up.c.id).where(up.c.depth == 1).scalar_subquery()
    by_others = and_(
        Post.thread_id == thread_id,
        Post.id > seen,
        or_(Post.author_id.is_(None), Post.author_id != member_id),
        Post.deleted_at.is_(None),
    )
    newer = select(Post.id).where(by_others).order_by(Post.id).limit(NEW_POSTS_COUNTED).subquery()
    return {
        "all_posts": select(Post)
        .where(Post.thread_id == thread_id)
        .options(joinedload(Post.author))
        .order_by(Post.id),
        "reply_count": select(func.count()).where(is_reply),
        "window_posts": select(Post)
        .where(Post.id.in_(select(shown.c.id)))
        .options(joinedload(Post.author))
        .order_by(Post.id),
        "replies_before": select(func.count()).where(is_reply, Post.id < branch),
        "new_elsewhere": select(
            select(func.count()).select_from(newer).scalar_subquery().label("new_count"),
            select(func.min(Post.id)).where(by_others).scalar_subquery().label("first_new"),
            select(func.min(Post.id))
            .where(by_others, Post.id.not_in(ids))
            .scalar_subquery()
            .label("first_unshown"),
        ),
        "mentions": select(PostMention.post_id, Member)
        .join(Member, Member.id == PostMention.member_id)
        .where(PostMention.thread_id == thread_id, PostMention.post_id.in_(ids))
        .order_by(PostMention.id),
        "reports": select(PostReport.post_id, func.count(PostReport.id))
        .where(
            PostReport.thread_id == thread_id,
            PostReport.post_id.in_(ids),
            PostReport.handled_at.is_(None),
        )
        .group_by(PostReport.post_id),
    }
