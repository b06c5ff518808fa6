"""Views: withdrawing files, deleting log entries, plan items and matrix rows, archiving."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.extensions import db
from circle.web import circle_or_404, require, require_visible_that, run_and_redirect
from projects.models import LogEntry, PlanItem
from projects.permissions import can_archive_project, can_edit_matrix
from projects.services import matrix as matrix_services
from projects.services import removal
from projects.services.files import get_file
from projects.views import bp
from projects.views._helpers import editable_project, workspace_project, workspace_url


def _gone(target: str) -> Response:
    """Answer a second removal (someone else was first) with a message, not an error page."""
    flash(_("Det du ville fjerne, er allerede fjernet."), "info")
    return redirect(target)


@bp.post("/c/<slug>/projects/<int:project_id>/files/<int:file_id>/withdraw")
@login_required
def withdraw_file(slug: str, project_id: int, file_id: int) -> Response:
    """Withdraw a file from the workspace (leaders keep its versions)."""
    circle, project = editable_project(slug, project_id)
    target = workspace_url(circle, project, "files")
    pfile = get_file(db.session, project, file_id)
    if pfile is None or pfile.withdrawn_at is not None:
        return _gone(target)
    return run_and_redirect(
        target,
        _("«%(title)s» er trukket tilbake.", title=pfile.title),
        lambda: removal.withdraw_file(db.session, circle, project, pfile, actor=current_user),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/log/<int:entry_id>/delete")
@login_required
def delete_log_entry(slug: str, project_id: int, entry_id: int) -> Response:
    """Delete a log entry."""
    circle, project = editable_project(slug, project_id)
    target = url_for("projects.log", slug=slug, project_id=project.id)
    entry = db.session.get(LogEntry, entry_id)
    if entry is None or entry.project_id != project.id:
        return _gone(target)
    return run_and_redirect(
        target,
        _("Loggføringen er slettet."),
        lambda: removal.delete_log_entry(db.session, circle, project, entry, actor=current_user),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/plan/<int:item_id>/delete")
@login_required
def delete_plan_item(slug: str, project_id: int, item_id: int) -> Response:
    """Delete a plan item."""
    circle, project = editable_project(slug, project_id)
    target = url_for("projects.plan", slug=slug, project_id=project.id)
    item = db.session.get(PlanItem, item_id)
    if item is None or item.project_id != project.id:
        return _gone(target)
    return run_and_redirect(
        target,
        _("Punktet er slettet fra planen."),
        lambda: removal.delete_plan_item(db.session, circle, project, item, actor=current_user),
    )


@bp.post("/c/<slug>/matrix/rows/<int:row_id>/delete")
@login_required
def delete_matrix_row(slug: str, row_id: int) -> Response:
    """Delete a row of the transition matrix."""
    circle = circle_or_404(slug)
    require_visible_that(can_edit_matrix, circle)
    target = url_for("projects.matrix", slug=slug)
    row = matrix_services.get_row(db.session, circle, row_id)
    if row is None:
        return _gone(target)
    return run_and_redirect(
        target,
        _("Raden er slettet fra matrisen."),
        lambda: removal.delete_matrix_row(db.session, circle, row, actor=current_user),
    )


def _archive(slug: str, project_id: int, *, archived: bool) -> Response:
    circle, project = workspace_project(slug, project_id)
    require(can_archive_project(current_user, circle, project))
    return run_and_redirect(
        workspace_url(circle, project),
        _("Prosjektet er arkivert.") if archived else _("Prosjektet er hentet fram igjen."),
        lambda: removal.set_archived(
            db.session, circle, project, actor=current_user, archived=archived
        ),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/archive")
@login_required
def archive(slug: str, project_id: int) -> Response:
    """Archive a project: kept whole and read-only."""
    return _archive(slug, project_id, archived=True)


@bp.post("/c/<slug>/projects/<int:project_id>/unarchive")
@login_required
def unarchive(slug: str, project_id: int) -> Response:
    """Bring an archived project back."""
    return _archive(slug, project_id, archived=False)
