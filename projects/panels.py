"""The projects panel on a circle's home page."""

from __future__ import annotations

from typing import Any

from circle.extensions import db
from circle.text import markdown_excerpt
from projects.permissions import can_view_projects
from projects.report.compile import STATUS_LABELS
from projects.services.plan import latest_updates
from projects.services.projects import overview


def home_panel(circle: Any, member: Any) -> tuple[str, dict[str, Any]] | None:
    """Projects with their status and the latest progress updates the member may see."""
    if not can_view_projects(member, circle):
        return None
    projects = [
        card
        for unit in overview(db.session, circle, member, details=False)
        for card in unit.projects
    ]
    return "projects/panel.html", {
        "projects": projects,
        "updates": [
            {
                "status_update": item.update,
                "project": item.project,
                "excerpt": markdown_excerpt(item.update.body, 140),
            }
            for item in latest_updates(db.session, circle, member, limit=5)
        ],
        "status_labels": STATUS_LABELS,
    }
