"""Links to a thread and to a post in it (pages, notifications, e-mails, search hits)."""

from __future__ import annotations

from flask import url_for


def thread_path(slug: str, thread_id: int, post_id: int | None = None) -> str:
    """Return the path to a thread, or to a post in it: `?post=` opens the page of a long
    thread that shows the post, and the anchor scrolls to it."""
    if not post_id:
        return url_for("threads.show", slug=slug, thread_id=thread_id)
    return (
        url_for("threads.show", slug=slug, thread_id=thread_id, post=post_id) + f"#post-{post_id}"
    )
