"""The project log, the plan (milestones, tasks, meetings) and progress updates."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from circle.errors import Conflict, DomainError
from circle.models import Circle, Member, Membership, utcnow
from circle.permissions import is_staff
from projects.models import (
    LogEntry,
    LogKind,
    PlanItem,
    PlanItemKind,
    PlanItemStatus,
    ProgressUpdate,
    Project,
    ProjectMeeting,
)
from projects.permissions import can_edit_project
from projects.services._common import check_length, guard_text, require_allowed, touch

NOT_MEMBER = _l("Bare prosjektets medlemmer og sirkelens ledere kan endre prosjektet.")


def _text(value: str, limit: int, empty_message: object) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(empty_message)
    check_length(value, limit)
    guard_text(value)
    return value


# Log ------------------------------------------------------------------------------------------


def add_log_entry(
    session: Session,
    circle: Circle,
    project: Project,
    *,
    actor: Member,
    happened_on: date,
    kind: LogKind,
    text: str,
) -> LogEntry:
    """Add a dated entry to the project log."""
    require_allowed(can_edit_project(actor, circle, project), NOT_MEMBER)
    if happened_on is None:
        raise DomainError(_l("Loggføringen må ha en dato."))
    entry = LogEntry(
        project_id=project.id,
        happened_on=happened_on,
        kind=kind,
        text=_text(text, 20_000, _l("Skriv hva som skjedde.")),
        author_id=actor.id,
    )
    session.add(entry)
    touch(project)
    session.flush()
    return entry


def list_log(
    session: Session,
    project: Project,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[LogEntry]:
    """Return the log, newest first, between the given days (both included)."""
    query = select(LogEntry).where(LogEntry.project_id == project.id)
    if date_from:
        query = query.where(LogEntry.happened_on >= date_from)
    if date_to:
        query = query.where(LogEntry.happened_on <= date_to)
    return list(
        session.scalars(
            query.options(joinedload(LogEntry.author)).order_by(
                LogEntry.happened_on.desc(), LogEntry.id.desc()
            )
        )
    )


# Plan -----------------------------------------------------------------------------------------


def add_plan_item(
    session: Session,
    circle: Circle,
    project: Project,
    *,
    actor: Member,
    kind: PlanItemKind,
    title: str,
    due_on: date | None = None,
    owner_id: int | None = None,
) -> PlanItem:
    """Add a milestone or task."""
    require_allowed(can_edit_project(actor, circle, project), NOT_MEMBER)
    title = _text(title, 200, _l("Skriv hva som skal gjøres."))
    if (
        owner_id is not None
        and session.scalar(
            select(Membership.id).where(
                Membership.circle_id == circle.id, Membership.member_id == owner_id
            )
        )
        is None
    ):
        raise DomainError(_l("Den ansvarlige må være med i sirkelen."))
    item = PlanItem(project_id=project.id, kind=kind, title=title, due_on=due_on, owner_id=owner_id)
    session.add(item)
    touch(project)
    session.flush()
    return item


def set_plan_item_status(
    session: Session,
    circle: Circle,
    project: Project,
    item: PlanItem,
    *,
    actor: Member,
    status: PlanItemStatus,
) -> None:
    """Change a milestone's or task's status."""
    require_allowed(can_edit_project(actor, circle, project), NOT_MEMBER)
    if item.project_id != project.id:
        raise DomainError(_l("Punktet hører ikke til dette prosjektet."))
    item.status = status
    touch(project)
    session.flush()


def list_plan(session: Session, project: Project) -> list[PlanItem]:
    """Return the plan: undated last, then by due date."""
    return list(
        session.scalars(
            select(PlanItem)
            .where(PlanItem.project_id == project.id)
            .options(joinedload(PlanItem.owner))
            .order_by(PlanItem.due_on.is_(None), PlanItem.due_on, PlanItem.id)
        )
    )


def add_project_meeting(
    session: Session,
    circle: Circle,
    project: Project,
    *,
    actor: Member,
    starts_at: datetime,
    place: str = "",
    note: str = "",
) -> ProjectMeeting:
    """Add a date to the project's own meeting plan."""
    require_allowed(can_edit_project(actor, circle, project), NOT_MEMBER)
    if starts_at is None or starts_at.tzinfo is None:
        raise DomainError(_l("Møtet må ha dato og klokkeslett."))
    place, note = (place or "").strip(), (note or "").strip()
    if len(place) > 200 or len(note) > 500:
        raise DomainError(_l("Sted eller merknad er for langt."))
    guard_text(place, note)
    meeting = ProjectMeeting(project_id=project.id, starts_at=starts_at, place=place, note=note)
    session.add(meeting)
    touch(project)
    session.flush()
    return meeting


def list_project_meetings(session: Session, project: Project) -> list[ProjectMeeting]:
    """Return the project's meeting dates in order."""
    return list(
        session.scalars(
            select(ProjectMeeting)
            .where(ProjectMeeting.project_id == project.id)
            .order_by(ProjectMeeting.starts_at)
        )
    )


# Progress updates ------------------------------------------------------------------------------


def post_update(
    session: Session,
    circle: Circle,
    project: Project,
    *,
    actor: Member,
    body: str,
    publish: bool,
    share_with_reference: bool = False,
) -> ProgressUpdate:
    """Write a progress update, as a draft or published at once."""
    require_allowed(can_edit_project(actor, circle, project), NOT_MEMBER)
    update = ProgressUpdate(
        project_id=project.id,
        author_id=actor.id,
        body=_text(body, 5000, _l("Skriv en kort status.")),
        shared_with_reference=share_with_reference,
        published_at=utcnow() if publish else None,
    )
    session.add(update)
    touch(project)
    session.flush()
    return update


def publish_update(
    session: Session,
    circle: Circle,
    project: Project,
    update: ProgressUpdate,
    *,
    actor: Member,
    share_with_reference: bool,
) -> None:
    """Publish a draft update to the circle (and, if chosen, the reference group)."""
    require_allowed(can_edit_project(actor, circle, project), NOT_MEMBER)
    if update.project_id != project.id:
        raise DomainError(_l("Oppdateringen hører ikke til dette prosjektet."))
    if update.is_published:
        raise Conflict(_l("Oppdateringen er allerede publisert."))
    update.published_at = utcnow()
    update.shared_with_reference = share_with_reference
    touch(project)
    session.flush()


def get_update(session: Session, project: Project, update_id: int) -> ProgressUpdate | None:
    """Return one of the project's updates."""
    return session.scalar(
        select(ProgressUpdate)
        .where(ProgressUpdate.id == update_id, ProgressUpdate.project_id == project.id)
        .options(joinedload(ProgressUpdate.author))
    )


@cache
def _latest_updates(shared_only: bool) -> Select[Any]:
    # Built once per audience: the circle's home page runs it on every visit.
    query = (
        select(
            ProgressUpdate.id,
            ProgressUpdate.body,
            ProgressUpdate.published_at,
            Project.id.label("project_id"),
            Project.title,
        )
        .join(Project, Project.id == ProgressUpdate.project_id)
        .where(
            Project.circle_id == bindparam("circle_id"), ProgressUpdate.published_at.is_not(None)
        )
        .order_by(ProgressUpdate.published_at.desc(), ProgressUpdate.id.desc())
        .limit(bindparam("limit"))
    )
    if shared_only:
        query = query.where(ProgressUpdate.shared_with_reference.is_(True))
    return query


def latest_updates(session: Session, circle: Circle, member: object, limit: int = 5) -> list[Row]:
    """Return the latest published updates the member may see (the informed: shared ones).

    Rows of id, body, published_at, project_id and title: the home page shows no more.
    """
    query = _latest_updates(not is_staff(member, circle))
    return list(session.execute(query, {"circle_id": circle.id, "limit": limit}))


def shared_updates(session: Session, project: Project) -> list[ProgressUpdate]:
    """Return the project's published updates shared with the reference group."""
    return list(
        session.scalars(
            select(ProgressUpdate)
            .where(
                ProgressUpdate.project_id == project.id,
                ProgressUpdate.published_at.is_not(None),
                ProgressUpdate.shared_with_reference.is_(True),
            )
            .options(joinedload(ProgressUpdate.author))
            .order_by(ProgressUpdate.published_at.desc())
        )
    )
