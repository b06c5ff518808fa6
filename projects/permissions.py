"""Who may see and change what in the projects area: the one policy module."""

from __future__ import annotations

from typing import Any

from circle.models import Circle, Role
from circle.permissions import can_manage_circle, is_admin, is_staff, role_in

INFORMED_ROLES = frozenset({Role.REFERENCE, Role.UNIT_LEADER})


def can_view_projects(member: Any, circle: Circle) -> bool:
    """Every member of the circle sees the overview (the informed only what is shared)."""
    return is_admin(member) or role_in(member, circle) is not None


def can_see_workspace(member: Any, circle: Circle) -> bool:
    """Leaders and participants see every project's workspace; the informed never do."""
    return is_staff(member, circle)


def can_create_project(member: Any, circle: Circle) -> bool:
    """Leaders and participants start projects."""
    return is_staff(member, circle)


def can_edit_project(member: Any, circle: Circle, project: Any) -> bool:
    """Project members edit; circle leaders and site administrators too; nobody when archived."""
    if getattr(project, "archived_at", None) is not None:
        return False  # an archived project is read-only until it is brought back
    return can_archive_project(member, circle, project)


def can_archive_project(member: Any, circle: Circle, project: Any) -> bool:
    """Whoever may edit the project archives it (and brings it back)."""
    if is_admin(member):
        return True
    role = role_in(member, circle)
    if role == Role.LEADER:
        return True
    return role == Role.PARTICIPANT and member.id in project.member_ids()


def can_see_shared(member: Any, circle: Circle, project: Any, *, has_shared_updates: bool) -> bool:
    """The shared view: staff always; the informed only when the project shares something."""
    if is_staff(member, circle):
        return True
    return role_in(member, circle) in INFORMED_ROLES and (
        project.writeup_shared or has_shared_updates
    )


def can_see_update(member: Any, circle: Circle, update: Any) -> bool:
    """Staff see every update (drafts too); the informed only published, shared ones."""
    if is_staff(member, circle):
        return True
    return (
        role_in(member, circle) in INFORMED_ROLES
        and update.is_published
        and update.shared_with_reference
    )


def can_see_withdrawn(member: Any, circle: Circle) -> bool:
    """Circle leaders keep seeing withdrawn files and their versions."""
    return can_manage_circle(member, circle)


def can_download_file(member: Any, circle: Circle, project: Any, project_file: Any) -> bool:
    """Staff download every file; the informed only products of a shared write-up."""
    if getattr(project_file, "withdrawn_at", None) is not None:
        return can_see_withdrawn(member, circle)
    if is_staff(member, circle):
        return True
    return (
        role_in(member, circle) in INFORMED_ROLES
        and project.writeup_shared
        and project_file.is_product
    )


def can_edit_template(member: Any, circle: Circle) -> bool:
    """Circle leaders adjust the write-up template."""
    return can_manage_circle(member, circle)


def can_edit_matrix(member: Any, circle: Circle) -> bool:
    """The whole circle (leaders and participants) edits the transition matrix."""
    return is_staff(member, circle)


def can_view_report(member: Any, circle: Circle) -> bool:
    """Leaders and participants compile and read the final report."""
    return is_staff(member, circle)


def update_audience(project: Any, update: Any) -> frozenset[str]:
    """Return the roles that may see a published update (for feedback threads)."""
    roles = {"leader", "participant"}
    if update.shared_with_reference:
        roles |= {"reference", "unit_leader"}
    return frozenset(roles)
