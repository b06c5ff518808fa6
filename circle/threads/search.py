"""What the site search finds in threads: each thread (title and resolution) and each post.

A member finds only the threads the threads list shows them (visible_threads: the audience,
narrowed by the subject's), and of those only posts that are neither deleted nor hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, joinedload

from circle.hooks import SearchEntry, SearchSource, register_search_source
from circle.search.site import ids_clause, place_url
from circle.threads.models import Post, Thread

THREAD = "thread"
POST = "post"
MAX_THREADS = 100_000


def thread_entries(session: Session, ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    """Yield one entry per thread: its title and, once resolved, its resolution."""
    query = select(Thread).where(ids_clause(Thread.id, ids)).options(joinedload(Thread.circle))
    for thread in session.scalars(query.order_by(Thread.id)):
        yield SearchEntry.of(
            THREAD,
            thread.id,
            thread.circle_id,
            thread.title,
            thread.resolution or "",
            place_url("threads.show", slug=thread.circle.slug, thread_id=thread.id),
            thread.created_at.date(),
        )


def post_entries(session: Session, ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    """Yield one entry per post that is neither deleted nor hidden."""
    query = (
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(ids_clause(Post.id, ids), Post.deleted_at.is_(None), Post.hidden_at.is_(None))
        .options(joinedload(Post.thread).joinedload(Thread.circle))
    )
    for post in session.scalars(query.order_by(Post.id)):
        thread = post.thread
        yield SearchEntry.of(
            POST,
            post.id,
            thread.circle_id,
            thread.title,
            post.body,
            place_url(
                "threads.show",
                f"post-{post.id}",
                slug=thread.circle.slug,
                thread_id=thread.id,
                post=post.id,
            ),
            post.created_at.date(),
        )


def visible_thread_ids(session: Session, member: Any, circle: Any) -> set[int]:
    """Return the threads of the circle the member sees (the threads list's own rule)."""
    from circle.threads.lookup import subject_lookup
    from circle.threads.services.threads import visible_threads

    key = ("_search_visible_threads", getattr(member, "id", None), circle.id)
    cache = g.setdefault("_search_visible", {}) if has_app_context() else {}
    if key not in cache:  # the thread and post sources ask in the same search
        rows = visible_threads(session, circle, member, subject_lookup(), limit=MAX_THREADS)
        cache[key] = {row.thread.id for row in rows}
    return cache[key]


def visible_post_ids(session: Session, member: Any, circle: Any) -> set[int]:
    """Return the shown posts of the threads the member sees."""
    threads = visible_thread_ids(session, member, circle)
    if not threads:
        return set()
    return set(
        session.scalars(
            select(Post.id).where(
                Post.thread_id.in_(threads), Post.deleted_at.is_(None), Post.hidden_at.is_(None)
            )
        )
    )


def changed_threads(_session: Session, obj: Any) -> list[int]:
    """Return the threads whose entry a changed row affects."""
    return [obj.id] if isinstance(obj, Thread) and obj.id is not None else []


def changed_posts(session: Session, obj: Any) -> list[int]:
    """Return the posts whose entry a changed row affects (a thread's title is theirs too)."""
    if isinstance(obj, Post):
        return [obj.id] if obj.id is not None else []
    if isinstance(obj, Thread) and obj in session.dirty and _title_changed(obj):
        return list(session.scalars(select(Post.id).where(Post.thread_id == obj.id)))
    return []


def _title_changed(obj: Any) -> bool:
    return inspect(obj).attrs.title.history.has_changes()


SOURCES = (
    SearchSource(THREAD, _l("Tråd"), thread_entries, visible_thread_ids, changed_threads, order=30),
    SearchSource(POST, _l("Innlegg"), post_entries, visible_post_ids, changed_posts, order=40),
)


def register_search(app: Flask) -> None:
    """Let the site search find threads and posts."""
    register_search_source(app, *SOURCES)
