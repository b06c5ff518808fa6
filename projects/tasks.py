"""The plan items a member owns, for their "Mine oppgaver" page (circle.tasks)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from circle.tasks import Task
from projects.forms import PLAN_STATUS_LABELS
from projects.models import PlanItem, PlanItemStatus, Project, ProjectStatus
from projects.permissions import can_see_workspace


def my_plan_items(session: Session, circle: Any, member: Any) -> list[Task]:
    """Return the milestones and tasks in the circle's project plans that the member owns."""
    if not getattr(member, "is_authenticated", False) or not can_see_workspace(member, circle):
        return []
    rows = session.execute(
        select(PlanItem, Project)
        .join(Project, Project.id == PlanItem.project_id)
        .where(
            Project.circle_id == circle.id,
            PlanItem.owner_id == member.id,
            # A stopped project's unfinished items are nobody's tasks any more.
            or_(
                Project.status != ProjectStatus.DISCONTINUED,
                PlanItem.status == PlanItemStatus.DONE,
            ),
        )
        .order_by(PlanItem.due_on, PlanItem.id)
    )
    return [
        Task(
            title=item.title,
            url=url_for("projects.plan", slug=circle.slug, project_id=project.id),
            where=project.title,
            due_on=item.due_on,
            done=item.status == PlanItemStatus.DONE,
            status=str(PLAN_STATUS_LABELS[item.status]),
        )
        for item, project in rows
    ]
