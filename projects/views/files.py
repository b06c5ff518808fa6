"""Views: uploading project files and new versions, file details, downloads."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.documents import describe_types
from circle.errors import DomainError
from circle.extensions import db
from circle.files import download_response
from circle.models import FileState
from circle.storage import get_storage
from circle.web import circle_or_404, commit_or_flash, flash_domain_error
from projects.forms import FileInfoForm, UploadForm, VersionForm
from projects.permissions import can_download_file, can_edit_project, can_see_withdrawn
from projects.services import files as services
from projects.services.projects import get_project
from projects.views import bp
from projects.views._helpers import (
    editable_project,
    flash_form_errors,
    workspace_project,
    workspace_url,
)


def _read(form_file) -> tuple[bytes, str]:  # noqa: ANN001
    return form_file.read(), form_file.filename or ""


@bp.post("/c/<slug>/projects/<int:project_id>/files")
@login_required
def upload(slug: str, project_id: int) -> Response:
    """Upload a new file (a product or another attachment)."""
    circle, project = editable_project(slug, project_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(workspace_url(circle, project, "files"))
    data, filename = _read(form.file.data)
    try:
        pfile = services.upload_file(
            db.session,
            circle,
            project,
            actor=current_user,
            storage=get_storage(),
            data=data,
            filename=filename,
            title=form.title.data or "",
            description=form.description.data or "",
            is_product=form.is_product.data,
            locale=str(get_locale() or "nb"),
        )
    except DomainError as exc:
        flash_domain_error(exc)
        return redirect(workspace_url(circle, project, "files"))
    db.session.commit()  # a failed commit removes the pending file with the rollback
    flash(
        _("«%(title)s» er lastet opp og leses nå.", title=pfile.title),
        "success",
    )
    return redirect(
        url_for("projects.file_detail", slug=slug, project_id=project.id, file_id=pfile.id)
    )


def _file_or_404(project, file_id: int, circle=None):  # noqa: ANN001, ANN202
    pfile = services.get_file(db.session, project, file_id)
    if pfile is None:
        abort(404)
    # A withdrawn file stays in the history for leaders only, and takes no new versions.
    if pfile.withdrawn_at is not None and not (
        circle is not None and can_see_withdrawn(current_user, circle)
    ):
        abort(404)
    return pfile


@bp.get("/c/<slug>/projects/<int:project_id>/files/<int:file_id>")
@login_required
def file_detail(slug: str, project_id: int, file_id: int) -> str:
    """A file with every version: who uploaded what, when, and what changed."""
    circle, project = workspace_project(slug, project_id)
    pfile = _file_or_404(project, file_id, circle)
    info = FileInfoForm(
        title=pfile.title, description=pfile.description, is_product=pfile.is_product
    )
    return render_template(
        "projects/file.html",
        circle=circle,
        project=project,
        pfile=pfile,
        version_form=VersionForm(),
        info_form=info,
        accepted_types=describe_types(),
        can_edit=can_edit_project(current_user, circle, project) and pfile.withdrawn_at is None,
    )


@bp.post("/c/<slug>/projects/<int:project_id>/files/<int:file_id>/versions")
@login_required
def new_version(slug: str, project_id: int, file_id: int) -> Response:
    """Upload a new version of a file; the old ones are kept."""
    circle, project = editable_project(slug, project_id)
    pfile = _file_or_404(project, file_id)
    target = url_for("projects.file_detail", slug=slug, project_id=project.id, file_id=pfile.id)
    form = VersionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    data, filename = _read(form.file.data)
    try:
        version = services.add_version(
            db.session,
            circle,
            project,
            pfile,
            actor=current_user,
            storage=get_storage(),
            data=data,
            filename=filename,
            note=form.note.data or "",
            locale=str(get_locale() or "nb"),
        )
    except DomainError as exc:
        flash_domain_error(exc)
        return redirect(target)
    db.session.commit()
    flash(_("Versjon %(n)d er lastet opp og leses nå.", n=version.number), "success")
    return redirect(target)


@bp.post("/c/<slug>/projects/<int:project_id>/files/<int:file_id>/info")
@login_required
def file_info(slug: str, project_id: int, file_id: int) -> Response:
    """Change a file's title, description and product flag."""
    circle, project = editable_project(slug, project_id)
    pfile = _file_or_404(project, file_id)
    target = url_for("projects.file_detail", slug=slug, project_id=project.id, file_id=pfile.id)
    form = FileInfoForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    commit_or_flash(
        lambda: services.update_file_info(
            db.session,
            circle,
            project,
            pfile,
            actor=current_user,
            title=form.title.data,
            description=form.description.data or "",
            is_product=form.is_product.data,
        ),
        _("Endringene er lagret."),
    )
    return redirect(target)


@bp.get("/c/<slug>/projects/<int:project_id>/files/<int:file_id>/v/<int:number>")
@login_required
def download(slug: str, project_id: int, file_id: int, number: int) -> Response:
    """Download one version under its original name (the informed: shared products only)."""
    circle = circle_or_404(slug)
    project = get_project(db.session, circle, project_id)
    if project is None:
        abort(404)
    pfile = _file_or_404(project, file_id, circle)
    if not can_download_file(current_user, circle, project, pfile):
        abort(404)
    version = next((v for v in pfile.versions if v.number == number), None)
    if version is None or version.stored.state != FileState.READY:
        abort(404)
    return download_response(version.stored, get_storage())
