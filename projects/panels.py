"""The projects panel on a circle's home page: a few columns, statements built once."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, bindparam, select

from circle.extensions import db
from circle.permissions import is_staff
from circle.text import markdown_excerpt
from projects.models import Project
from projects.permissions import can_view_projects
from projects.report.compile import STATUS_LABELS
from projects.services.plan import latest_updates
from projects.services.projects import shares_update_column


@functools.cache
def _projects() -> Select:
    return (
        select(
            Project.id,
            Project.unit_id,
            Project.title,
            Project.status,
            Project.writeup_shared_at,
            shares_update_column(),
        )
        .where(Project.circle_id == bindparam("circle_id"))
        .order_by(Project.title, Project.id)
    )


def _visible_projects(circle: Any, staff: bool) -> list[Any]:
    """The projects as the overview lists them: by unit, the informed only what is shared."""
    by_unit: dict[int, list[Any]] = {unit.id: [] for unit in circle.units}
    for row in db.session.execute(_projects(), {"circle_id": circle.id}):
        shown = by_unit.get(row.unit_id)
        if shown is not None and (staff or row.writeup_shared_at is not None or row.shares_update):
            shown.append(row)
    return [row for rows in by_unit.values() for row in rows]


def home_panel(circle: Any, member: Any) -> tuple[str, dict[str, Any]] | None:
    """Projects with their status and the latest progress updates the member may see."""
    if not can_view_projects(member, circle):
        return None
    staff = is_staff(member, circle)
    updates = latest_updates(db.session, circle, member, 5)
    return "projects/panel.html", {
        "projects": _visible_projects(circle, staff),
        "updates": [{"row": row, "excerpt": markdown_excerpt(row.body, 140)} for row in updates],
        "status_labels": STATUS_LABELS,
    }
