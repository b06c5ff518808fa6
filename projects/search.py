"""What the site search finds in projects: each write-up, and each published progress update.

Staff (can_see_workspace) find every project's write-up; the reference group and unit leaders
only write-ups shared with them (can_see_shared), and they are sent to the shared page. A
progress update is found by whoever can_see_update allows; drafts are never indexed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from circle.hooks import SearchEntry, SearchSource, register_search_source
from circle.models import Circle
from circle.search.site import ids_clause, place_url, split_key
from projects.models import ProgressUpdate, Project, ProjectSection
from projects.permissions import can_see_shared, can_see_update, can_see_workspace

WRITEUP = "writeup"
UPDATE = "update"


def writeup_entries(session: Session, ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    """Yield one entry per project: its summary and the text of its write-up's sections."""
    rows = session.execute(
        select(Project, Circle.slug)
        .join(Circle, Circle.id == Project.circle_id)
        .where(ids_clause(Project.id, ids))
        .order_by(Project.id)
    )
    rows = list(rows)
    bodies: dict[int, list[str]] = defaultdict(list)
    if rows:
        sections = session.execute(
            select(ProjectSection.project_id, ProjectSection.body)
            .where(ProjectSection.project_id.in_([p.id for p, _slug in rows]))
            .order_by(ProjectSection.id)
        )
        for project_id, body in sections:
            bodies[project_id].append(body)
    for project, slug in rows:
        parts = [project.summary, *bodies[project.id]]
        yield SearchEntry.of(
            WRITEUP,
            project.id,
            project.circle_id,
            project.title,
            "\n\n".join(p for p in parts if p and p.strip()),
            place_url("projects.workspace", "writeup", slug=slug, project_id=project.id),
            project.last_activity_at.date(),
        )


def visible_writeups(session: Session, member: Any, circle: Any) -> set[int]:
    """Return the projects whose write-up the member may read in the circle."""
    projects = session.scalars(select(Project).where(Project.circle_id == circle.id))
    if can_see_workspace(member, circle):
        return {p.id for p in projects}
    return {
        p.id
        for p in projects
        if p.writeup_shared and can_see_shared(member, circle, p, has_shared_updates=False)
    }


def writeup_link(entry: SearchEntry, member: Any, circle: Any) -> str:
    """Send those who see no workspaces to the project's shared page instead."""
    if can_see_workspace(member, circle):
        return entry.url
    _kind, project_id = split_key(entry.key)
    return place_url("projects.shared", slug=circle.slug, project_id=project_id)


def update_entries(session: Session, ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    """Yield one entry per published progress update."""
    rows = session.execute(
        select(ProgressUpdate, Project, Circle.slug)
        .join(Project, Project.id == ProgressUpdate.project_id)
        .join(Circle, Circle.id == Project.circle_id)
        .where(ids_clause(ProgressUpdate.id, ids), ProgressUpdate.published_at.isnot(None))
        .order_by(ProgressUpdate.id)
    )
    for update, project, slug in rows:
        yield SearchEntry.of(
            UPDATE,
            update.id,
            project.circle_id,
            project.title,
            update.body,
            place_url(
                "projects.update_detail", slug=slug, project_id=project.id, update_id=update.id
            ),
            (update.published_at or update.created_at).date(),
        )


def visible_updates(session: Session, member: Any, circle: Any) -> set[int]:
    """Return the published progress updates the member may read in the circle."""
    updates = session.scalars(
        select(ProgressUpdate)
        .join(Project, Project.id == ProgressUpdate.project_id)
        .where(Project.circle_id == circle.id, ProgressUpdate.published_at.isnot(None))
    )
    return {u.id for u in updates if can_see_update(member, circle, u)}


def changed_writeups(_session: Session, obj: Any) -> list[int]:
    """Return the projects whose write-up entry a changed row affects."""
    if isinstance(obj, Project):
        return [obj.id] if obj.id is not None else []
    if isinstance(obj, ProjectSection):
        return [obj.project_id] if obj.project_id is not None else []
    return []


def changed_updates(session: Session, obj: Any) -> list[int]:
    """Return the updates whose entry a changed row affects (a project's title is theirs)."""
    if isinstance(obj, ProgressUpdate):
        return [obj.id] if obj.id is not None else []
    if isinstance(obj, Project) and obj in session.dirty:
        return list(
            session.scalars(select(ProgressUpdate.id).where(ProgressUpdate.project_id == obj.id))
        )
    return []


SOURCES = (
    SearchSource(
        WRITEUP,
        _l("Delprosjekt"),
        writeup_entries,
        visible_writeups,
        changed_writeups,
        50,
        writeup_link,
    ),
    SearchSource(
        UPDATE, _l("Framdrift"), update_entries, visible_updates, changed_updates, order=60
    ),
)


def register_search(app: Flask) -> None:
    """Let the site search find project write-ups and progress updates."""
    register_search_source(app, *SOURCES)
