"""Progress updates as subjects of feedback threads (kind "project_update") and feed items."""

from __future__ import annotations

import functools
from typing import Any

from flask import Flask, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from circle.i18n import format_day
from circle.models import Circle
from projects.models import ProgressUpdate, Project
from projects.permissions import update_audience

KIND = "project_update"
FEED_LIMIT = 20


def _update_path(slug: str, project_id: int, update_id: int) -> str:
    try:
        return url_for(
            "projects.update_detail", slug=slug, project_id=project_id, update_id=update_id
        )
    except RuntimeError:  # outside a request (a CLI job): the same path, built by hand
        return f"/c/{slug}/projects/{project_id}/updates/{update_id}"


def _title(project: Project, update: ProgressUpdate) -> str:
    if has_request_context():
        day = format_day(update.published_at) if update.published_at else ""
        return str(_l("%(project)s: statusoppdatering %(day)s", project=project.title, day=day))
    # Outside a request the locale cannot be chosen; the source language is used then.
    day = format_day(update.published_at, locale="nb") if update.published_at else ""
    return f"{project.title}: statusoppdatering {day}"


def resolve_update(session: Session, update_id: int) -> Any:
    """Return the Subject for a published update, or None (missing or still a draft)."""
    from circle.threads.subjects import Subject

    update = session.get(ProgressUpdate, update_id)
    if update is None or not update.is_published:
        return None
    project = session.get(Project, update.project_id)
    circle = session.get(Circle, project.circle_id) if project else None
    if project is None or circle is None:
        return None
    return Subject(
        kind=KIND,
        id=update.id,
        circle_id=circle.id,
        title=_title(project, update),
        url=_update_path(circle.slug, project.id, update.id),
        audience_ok=update_audience(project, update),
    )


def reference_feed_items(session: Session, circle: Circle) -> list[dict[str, Any]]:
    """Published updates shared with the reference group, for its start page."""
    rows = session.execute(_feed_query(), {"circle_id": circle.id})
    return [
        {
            "title": _title(project, update),
            "kind": KIND,
            "id": update.id,
            "url": _update_path(circle.slug, project.id, update.id),
            "date": update.published_at,
        }
        for update, project in rows
    ]


@functools.cache
def _feed_query() -> Select:
    # Built once: the reference group's start page runs it on every request.
    return (
        select(ProgressUpdate, Project)
        .join(Project, Project.id == ProgressUpdate.project_id)
        .where(
            Project.circle_id == bindparam("circle_id"),
            ProgressUpdate.published_at.is_not(None),
            ProgressUpdate.shared_with_reference.is_(True),
        )
        .order_by(ProgressUpdate.published_at.desc())
        .limit(FEED_LIMIT)
    )


def register_subjects(app: Flask) -> None:
    """Register "project_update" and the reference feed with the threads registries."""
    from circle.threads.subjects import register_reference_feed, register_subject_kind

    register_subject_kind(app, KIND, resolve_update)
    register_reference_feed(app, reference_feed_items)
