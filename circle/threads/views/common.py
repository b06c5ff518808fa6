"""Helpers the thread views share: loading a visible thread or post, finishing a POST."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, request, url_for
from flask_login import current_user

from circle import web
from circle.extensions import db
from circle.models import Circle
from circle.threads.links import thread_path
from circle.threads.lookup import subject_lookup
from circle.threads.models import Post, Thread
from circle.threads.permissions import allowed_audiences, audience_roles, can_view_thread
from circle.threads.services.posts import get_post
from circle.threads.services.threads import get_thread, threads_on_subject
from circle.threads.subjects import Subject


def thread_or_404(circle: Circle, thread_id: int) -> tuple[Thread, Subject | None]:
    """Return the thread and its subject; 404 unless the member is in its audience."""
    thread = get_thread(db.session, circle, thread_id)
    if thread is None:
        abort(404)
    lookup = subject_lookup()
    subject = lookup(thread.subject_kind, thread.subject_id) if thread.subject_kind else None
    if not can_view_thread(current_user, circle, thread, subject):
        abort(404)
    return thread, subject


def post_or_404(thread: Thread, post_id: int) -> Post:
    """Return the thread's post with this id, or 404."""
    post = get_post(db.session, thread, post_id)
    if post is None:
        abort(404)
    return post


def thread_url(thread: Thread, post_id: int | None = None) -> str:
    """Return the path to the thread (at a post)."""
    return thread_path(thread.circle.slug, thread.id, post_id)


def flash_form_errors(form) -> None:  # noqa: ANN001
    """Show a form's validation errors as messages."""
    web.flash_form_errors(form)


def wants_preview() -> bool:
    """Return whether the form was sent with the preview button rather than to publish."""
    return "preview" in request.form


def mentions_url(thread: Thread) -> str:
    """Return the address the mention picker asks for the thread's audience."""
    return url_for("threads.mentions", slug=thread.circle.slug, thread_id=thread.id)


def wants_no_page() -> bool:
    """Return whether the request came from our script and needs no page back."""
    return request.headers.get("X-Requested-With") == "fetch"


@dataclass
class SubjectThreads:
    """What an object's page shows about its threads: the ones the member sees, and a link
    to start one when they may."""

    subject: Subject | None
    threads: list[Thread] = field(default_factory=list)
    start_url: str | None = None


def subject_threads(circle: Circle, kind: str, subject_id: int | None) -> SubjectThreads:
    """Return the threads about an object (a subject kind and id) for the signed-in member."""
    subject = subject_lookup()(kind, subject_id) if subject_id is not None else None
    if subject is None or subject.circle_id not in (None, circle.id):
        return SubjectThreads(None)
    threads = threads_on_subject(
        db.session, circle, current_user, subject_lookup(), kind, subject.id
    )
    audiences = [
        a
        for a in allowed_audiences(current_user, circle)
        if audience_roles(a) <= subject.audience_ok
    ]
    start = (
        url_for("threads.new", slug=circle.slug, subject_kind=kind, subject_id=subject.id)
        if audiences
        else None
    )
    return SubjectThreads(subject, threads, start)
