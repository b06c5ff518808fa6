"""Withdrawing files, deleting log entries, plan items and matrix rows, archiving projects.

Each leaves a line in the audit log (ids and titles only, never the text itself).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from circle.audit import record_event
from circle.errors import Conflict, DomainError
from circle.models import Circle, Member, utcnow
from projects.models import LogEntry, MatrixRow, PlanItem, Project, ProjectFile
from projects.permissions import can_archive_project, can_edit_matrix, can_edit_project
from projects.services._common import require_allowed, touch

NOT_EDITOR = _l("Bare prosjektets medlemmer og sirkellederne kan endre prosjektet.")


def _check_owner(project: Project, owner_project_id: int) -> None:
    if owner_project_id != project.id:
        raise DomainError(_l("Fant ikke det du ville fjerne i dette prosjektet."))


def withdraw_file(
    session: Session, circle: Circle, project: Project, pfile: ProjectFile, *, actor: Member
) -> None:
    """Withdraw a file from the workspace; its versions stay in the history for leaders."""
    require_allowed(can_edit_project(actor, circle, project), NOT_EDITOR)
    _check_owner(project, pfile.project_id)
    if pfile.withdrawn_at is not None:
        raise Conflict(_l("Filen er allerede trukket tilbake."))
    pfile.withdrawn_at = utcnow()
    touch(project)
    record_event(
        session,
        "project.file_withdrawn",
        actor=actor,
        circle=circle,
        detail=f"project={project.id} file={pfile.id} versions={len(pfile.versions)}",
    )


def delete_log_entry(
    session: Session, circle: Circle, project: Project, entry: LogEntry, *, actor: Member
) -> None:
    """Delete an entry from the project log."""
    require_allowed(can_edit_project(actor, circle, project), NOT_EDITOR)
    _check_owner(project, entry.project_id)
    detail = f"project={project.id} log={entry.id} day={entry.happened_on.isoformat()}"
    session.delete(entry)
    touch(project)
    record_event(session, "project.log_deleted", actor=actor, circle=circle, detail=detail)


def delete_plan_item(
    session: Session, circle: Circle, project: Project, item: PlanItem, *, actor: Member
) -> None:
    """Delete an item (activity or milestone) from the project plan."""
    require_allowed(can_edit_project(actor, circle, project), NOT_EDITOR)
    _check_owner(project, item.project_id)
    detail = f"project={project.id} plan_item={item.id} title={item.title}"
    session.delete(item)
    touch(project)
    record_event(session, "project.plan_item_deleted", actor=actor, circle=circle, detail=detail)


def delete_matrix_row(session: Session, circle: Circle, row: MatrixRow, *, actor: Member) -> None:
    """Delete a row of the transition matrix with its cells and their history."""
    require_allowed(
        can_edit_matrix(actor, circle), _l("Bare sirkelens ledere og deltakere endrer matrisen.")
    )
    if row.circle_id != circle.id:
        raise DomainError(_l("Fant ikke raden."))
    detail = f"matrix_row={row.id} title={row.title}"
    session.delete(row)
    session.flush()
    record_event(session, "project.matrix_row_deleted", actor=actor, circle=circle, detail=detail)


def set_archived(
    session: Session, circle: Circle, project: Project, *, actor: Member, archived: bool
) -> None:
    """Archive a project (kept whole, read-only, out of the overview) or bring it back."""
    require_allowed(can_archive_project(actor, circle, project), NOT_EDITOR)
    if project.archived == archived:
        raise Conflict(
            _l("Prosjektet er allerede arkivert.")
            if archived
            else _l("Prosjektet er ikke arkivert.")
        )
    project.archived_at = utcnow() if archived else None
    record_event(
        session,
        "project.archived" if archived else "project.unarchived",
        actor=actor,
        circle=circle,
        detail=f"project={project.id}",
    )


def withdrawn_files(session: Session, project: Project) -> list[ProjectFile]:
    """Return the project's withdrawn files, newest withdrawal first."""
    return list(
        session.scalars(
            select(ProjectFile)
            .where(ProjectFile.project_id == project.id, ProjectFile.withdrawn_at.is_not(None))
            .order_by(ProjectFile.withdrawn_at.desc())
        )
    )
