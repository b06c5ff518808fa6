"""Editing thread titles and status updates, keeping each earlier version (as posts do)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from circle.errors import NotAllowed
from circle.models import Member, utcnow
from circle.threads.models import RevisionTarget, StatusUpdate, TextRevision, Thread
from circle.threads.permissions import can_edit_thread_title, can_view_thread, can_write_status
from circle.threads.services.common import clean_text, clean_title, not_found
from circle.threads.subjects import Subject


def _keep(session: Session, target: RevisionTarget, target_id: int, **version: object) -> None:
    """Keep the version being replaced (title, body, written_at, editor_id)."""
    session.add(TextRevision(target=target, target_id=target_id, **version))


def edit_thread_title(
    session: Session, thread: Thread, *, actor: Member, title: str, subject: Subject | None = None
) -> Thread:
    """Change a thread's title; the earlier title is kept in its history."""
    if not can_view_thread(actor, thread.circle, thread, subject):
        raise not_found()
    if not can_edit_thread_title(actor, thread.circle, thread):
        raise NotAllowed(_l("Bare den som startet tråden og sirkellederne kan endre tittelen."))
    title = clean_title(title)
    if title == thread.title:
        return thread
    _keep(
        session,
        RevisionTarget.THREAD,
        thread.id,
        title=thread.title,
        body="",
        written_at=thread.title_edited_at or thread.created_at,
        editor_id=actor.id,
    )
    thread.title = title
    thread.title_edited_at = utcnow()
    session.flush()
    return thread


def edit_status_update(
    session: Session, status: StatusUpdate, *, actor: Member, title: str, body: str
) -> StatusUpdate:
    """Change a status update's title and text; the earlier version is kept."""
    if not can_write_status(actor, status.circle):
        raise NotAllowed(_l("Bare sirkellederne kan endre statusoppdateringer."))
    title, body = clean_title(title), clean_text(body)
    if (title, body) == (status.title, status.body):
        return status
    _keep(
        session,
        RevisionTarget.STATUS,
        status.id,
        title=status.title,
        body=status.body,
        written_at=status.edited_at or status.created_at,
        editor_id=actor.id,
    )
    status.title, status.body = title, body
    status.edited_at = utcnow()
    session.flush()
    return status


def text_revisions(session: Session, target: RevisionTarget, target_id: int) -> list[TextRevision]:
    """Return the earlier versions of a thread title or status update, newest first."""
    return list(
        session.scalars(
            select(TextRevision)
            .where(TextRevision.target == target, TextRevision.target_id == target_id)
            .order_by(TextRevision.id.desc())
        )
    )
