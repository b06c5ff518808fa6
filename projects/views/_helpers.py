"""Helpers shared by the projects views: loading with the right 404/403, form errors."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_login import current_user

from circle import web
from circle.extensions import db
from circle.models import Circle
from circle.permissions import can_view_circle
from circle.web import require
from projects.models import Project
from projects.permissions import can_edit_project, can_see_workspace
from projects.services.projects import get_circle_project


def workspace_project(slug: str, project_id: int) -> tuple[Circle, Project]:
    """Return circle and project for a workspace page; the informed get 404, like outsiders."""
    # Circle and project in one query: every answer but the page itself is the same 404.
    circle, project = get_circle_project(db.session, slug, project_id)
    if circle is None or not can_view_circle(current_user, circle):
        abort(404)
    if not can_see_workspace(current_user, circle) or project is None:
        abort(404)
    return circle, project


def editable_project(slug: str, project_id: int) -> tuple[Circle, Project]:
    """Return circle and project for a change; staff who are not editors get 403."""
    circle, project = workspace_project(slug, project_id)
    require(can_edit_project(current_user, circle, project))
    return circle, project


def flash_form_errors(form: Any) -> None:
    """Flash every validation error of a form."""
    web.flash_form_errors(form)


def workspace_url(circle: Circle, project: Project, anchor: str = "") -> str:
    """Return the workspace address, with an optional fragment."""
    url = url_for("projects.workspace", slug=circle.slug, project_id=project.id)
    return f"{url}#{anchor}" if anchor else url
