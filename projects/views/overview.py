"""Views: the project overview, creating and editing projects, the workspace, the shared view."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.documents import describe_types
from circle.errors import DomainError
from circle.extensions import db
from circle.i18n import local_today
from circle.models import Circle, Role
from circle.permissions import role_in
from circle.web import circle_or_404, flash_domain_error, require, require_that, run_and_redirect
from projects.forms import (
    LOG_LABELS,
    PLAN_KIND_LABELS,
    PLAN_STATUS_LABELS,
    LogForm,
    ProjectForm,
    ShareForm,
    UpdateForm,
    UploadForm,
)
from projects.models import ProjectStatus
from projects.permissions import (
    can_archive_project,
    can_create_project,
    can_edit_matrix,
    can_edit_project,
    can_edit_template,
    can_see_shared,
    can_see_withdrawn,
    can_see_workspace,
    can_view_projects,
    can_view_report,
)
from projects.report.compile import STATUS_LABELS
from projects.services import plan as plan_services
from projects.services import projects as services
from projects.services.removal import withdrawn_files
from projects.views import bp
from projects.views._helpers import editable_project, workspace_project, workspace_url


@bp.get("/c/<slug>/projects")
@login_required
def index(slug: str) -> str:
    """One card per unit with its projects (the informed see only what is shared)."""
    circle = circle_or_404(slug)
    require_that(can_view_projects, circle)
    return render_template(
        "projects/index.html",
        circle=circle,
        cards=services.overview(db.session, circle, current_user),
        status_labels=STATUS_LABELS,
        can_create=can_create_project(current_user, circle),
        can_edit_template=can_edit_template(current_user, circle),
        can_report=can_view_report(current_user, circle),
        can_matrix=can_edit_matrix(current_user, circle),
        staff=can_see_workspace(current_user, circle),
    )


def _fill_choices(form: ProjectForm, circle: Circle) -> None:
    form.unit.choices = [(0, _("Velg enhet"))] + [(u.id, u.name) for u in circle.units]
    form.members.choices = services.member_choices(db.session, circle)


def _data(form: ProjectForm) -> services.ProjectData:
    return services.ProjectData(
        title=form.title.data or "",
        unit_id=form.unit.data or None,
        summary=form.summary.data or "",
        status=ProjectStatus(form.status.data),
        status_reason=form.status_reason.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        member_ids=list(form.members.data or []),
    )


@bp.route("/c/<slug>/projects/new", methods=["GET", "POST"])
@login_required
def create(slug: str) -> Response | str:
    """Start a project for a unit."""
    circle = circle_or_404(slug)
    require_that(can_create_project, circle)
    form = ProjectForm()
    _fill_choices(form, circle)
    if request.method == "GET":
        membership = next((m for m in current_user.memberships if m.circle_id == circle.id), None)
        unit_id = membership.unit_id if membership else None
        form.unit.data = unit_id or 0
        form.members.data = services.unit_participant_ids(db.session, circle, unit_id)
    if form.validate_on_submit():
        try:
            project = services.create_project(db.session, circle, _data(form), actor=current_user)
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Prosjektet er opprettet."), "success")
            return redirect(workspace_url(circle, project))
    return render_template("projects/edit.html", circle=circle, form=form, project=None), (
        422 if form.is_submitted() else 200
    )


@bp.route("/c/<slug>/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, project_id: int) -> Response | str:
    """Change a project's title, unit, members, status and period."""
    circle, project = editable_project(slug, project_id)
    form = ProjectForm(obj=project if request.method == "GET" else None)
    _fill_choices(form, circle)
    if request.method == "GET":
        form.unit.data = project.unit_id
        form.members.data = sorted(project.member_ids())
        form.status.data = project.status.value
    if form.validate_on_submit():
        try:
            services.update_project(db.session, circle, project, _data(form), actor=current_user)
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Endringene er lagret."), "success")
            return redirect(workspace_url(circle, project))
    return render_template("projects/edit.html", circle=circle, form=form, project=project), (
        422 if form.is_submitted() else 200
    )


@bp.get("/c/<slug>/projects/<int:project_id>")
@login_required
def workspace(slug: str, project_id: int) -> str:
    """The project's workspace: write-up, products and files, log, plan, updates."""
    circle, project = workspace_project(slug, project_id)
    ws = services.workspace(db.session, circle, project)
    # Only the forms the page shows: the plan, meeting, ready and share forms live on other
    # pages (or are written out by hand in the template), so building them here was wasted.
    return render_template(
        "projects/workspace.html",
        circle=circle,
        project=project,
        ws=ws,
        today=local_today(),
        can_edit=can_edit_project(current_user, circle, project),
        status_labels=STATUS_LABELS,
        log_labels=LOG_LABELS,
        plan_kind_labels=PLAN_KIND_LABELS,
        plan_status_labels=PLAN_STATUS_LABELS,
        upload_form=UploadForm(),
        accepted_types=describe_types(),
        log_form=LogForm(happened_on=local_today()),
        update_form=UpdateForm(),
        is_leader=role_in(current_user, circle) == Role.LEADER,
        can_archive=can_archive_project(current_user, circle, project),
        withdrawn=withdrawn_files(db.session, project)
        if can_see_withdrawn(current_user, circle)
        else [],
    )


@bp.get("/c/<slug>/projects/<int:project_id>/shared")
@login_required
def shared(slug: str, project_id: int) -> str:
    """What the project shares with the reference group and unit leaders."""
    circle = circle_or_404(slug)
    project = services.get_project(db.session, circle, project_id)
    if project is None:
        abort(404)
    updates = plan_services.shared_updates(db.session, project)
    if not can_see_shared(current_user, circle, project, has_shared_updates=bool(updates)):
        abort(404)
    sections = services.section_views(db.session, circle, project) if project.writeup_shared else []
    files = (
        [f for f in services.project_files(db.session, project) if f.is_product]
        if project.writeup_shared
        else []
    )
    return render_template(
        "projects/shared.html",
        circle=circle,
        project=project,
        sections=sections,
        products=files,
        updates=updates,
        status_labels=STATUS_LABELS,
    )


@bp.post("/c/<slug>/projects/<int:project_id>/share")
@login_required
def share(slug: str, project_id: int) -> Response:
    """Share the write-up with the reference group and unit leaders, or stop sharing."""
    circle, project = editable_project(slug, project_id)
    form = ShareForm()
    require(form.validate_on_submit())
    shared_now = form.shared.data == "1"
    message = (
        _("Skrivingen er delt med referansegruppen og enhetslederne.")
        if shared_now
        else _("Skrivingen deles ikke lenger.")
    )
    return run_and_redirect(
        workspace_url(circle, project, "writeup"),
        message,
        lambda: services.set_writeup_shared(
            db.session, circle, project, actor=current_user, shared=shared_now
        ),
    )
