"""Views: the project log with a date filter, the plan, meeting dates, progress updates."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.extensions import db
from circle.i18n import OSLO, local_today
from circle.web import circle_or_404, deleted_meanwhile, require, run_and_redirect
from projects.forms import (
    LOG_LABELS,
    PLAN_KIND_LABELS,
    PLAN_STATUS_LABELS,
    LogForm,
    MeetingForm,
    PlanItemForm,
    PlanStatusForm,
    PublishUpdateForm,
    UpdateForm,
)
from projects.models import LogKind, PlanItem, PlanItemKind, PlanItemStatus
from projects.permissions import can_edit_project, can_see_update
from projects.services import plan as services
from projects.services.projects import get_project
from projects.views import bp
from projects.views._helpers import (
    editable_project,
    flash_form_errors,
    workspace_project,
    workspace_url,
)


def _day(name: str) -> date | None:
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        flash(
            _("Datoen «%(value)s» forstås ikke; bruk formatet ÅÅÅÅ-MM-DD.", value=value[:20]),
            "error",
        )
        return None


@bp.get("/c/<slug>/projects/<int:project_id>/log")
@login_required
def log(slug: str, project_id: int) -> str:
    """The whole project log, filtered by date (?from=&to=)."""
    circle, project = workspace_project(slug, project_id)
    date_from, date_to = _day("from"), _day("to")
    entries = services.list_log(db.session, project, date_from=date_from, date_to=date_to)
    return render_template(
        "projects/log.html",
        circle=circle,
        project=project,
        entries=entries,
        date_from=date_from,
        date_to=date_to,
        log_labels=LOG_LABELS,
        log_form=LogForm(happened_on=local_today()),
        can_edit=can_edit_project(current_user, circle, project),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/log")
@login_required
def add_log(slug: str, project_id: int) -> Response:
    """Add an entry to the project log."""
    circle, project = editable_project(slug, project_id)
    form = LogForm()
    target = url_for("projects.log", slug=slug, project_id=project.id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    return run_and_redirect(
        target,
        _("Loggføringen er lagret."),
        lambda: services.add_log_entry(
            db.session,
            circle,
            project,
            actor=current_user,
            happened_on=form.happened_on.data,
            kind=LogKind(form.kind.data),
            text=form.text.data,
        ),
    )


@bp.get("/c/<slug>/projects/<int:project_id>/plan")
@login_required
def plan(slug: str, project_id: int) -> str:
    """Milestones, tasks (overdue ones highlighted) and the project's meeting dates."""
    circle, project = workspace_project(slug, project_id)
    form = PlanItemForm()
    form.owner.choices = [(0, _("Ingen"))] + [
        (pm.member_id, pm.member.name) for pm in project.members
    ]
    return render_template(
        "projects/plan.html",
        circle=circle,
        project=project,
        items=services.list_plan(db.session, project),
        meetings=services.list_project_meetings(db.session, project),
        today=local_today(),
        plan_form=form,
        meeting_form=MeetingForm(),
        status_form=PlanStatusForm(),
        kind_labels=PLAN_KIND_LABELS,
        status_labels=PLAN_STATUS_LABELS,
        can_edit=can_edit_project(current_user, circle, project),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/plan/items")
@login_required
def add_plan_item(slug: str, project_id: int) -> Response:
    """Add a milestone or task."""
    circle, project = editable_project(slug, project_id)
    form = PlanItemForm()
    target = url_for("projects.plan", slug=slug, project_id=project.id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    return run_and_redirect(
        target,
        _("Punktet er lagt til i planen."),
        lambda: services.add_plan_item(
            db.session,
            circle,
            project,
            actor=current_user,
            kind=PlanItemKind(form.kind.data),
            title=form.title.data,
            due_on=form.due_on.data,
            owner_id=form.owner.data or None,
        ),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/plan/items/<int:item_id>/status")
@login_required
def plan_item_status(slug: str, project_id: int, item_id: int) -> Response:
    """Change a milestone's or task's status."""
    circle, project = editable_project(slug, project_id)
    item = db.session.get(PlanItem, item_id)
    if item is None and (
        gone := deleted_meanwhile(
            PlanItem,
            item_id,
            url_for("projects.plan", slug=slug, project_id=project.id),
            _("Punktet er slettet fra planen i mellomtiden, så statusen ble ikke endret."),
        )
    ):
        return gone
    if item is None or item.project_id != project.id:
        abort(404)
    form = PlanStatusForm()
    require(form.validate_on_submit())
    return run_and_redirect(
        url_for("projects.plan", slug=slug, project_id=project.id),
        _("Statusen er endret."),
        lambda: services.set_plan_item_status(
            db.session,
            circle,
            project,
            item,
            actor=current_user,
            status=PlanItemStatus(form.status.data),
        ),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/plan/meetings")
@login_required
def add_meeting(slug: str, project_id: int) -> Response:
    """Add a date to the project's meeting plan (Norwegian time)."""
    circle, project = editable_project(slug, project_id)
    form = MeetingForm()
    target = url_for("projects.plan", slug=slug, project_id=project.id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    starts_at = datetime.combine(form.day.data, form.time.data, tzinfo=OSLO)
    return run_and_redirect(
        target,
        _("Møtet er lagt inn i møteplanen."),
        lambda: services.add_project_meeting(
            db.session,
            circle,
            project,
            actor=current_user,
            starts_at=starts_at,
            place=form.place.data or "",
            note=form.note.data or "",
        ),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/updates")
@login_required
def post_update(slug: str, project_id: int) -> Response:
    """Write a progress update (published at once or saved as a draft)."""
    circle, project = editable_project(slug, project_id)
    form = UpdateForm()
    target = workspace_url(circle, project, "updates")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    message = (
        _("Statusoppdateringen er publisert.")
        if form.publish.data
        else _("Statusoppdateringen er lagret som utkast.")
    )
    return run_and_redirect(
        target,
        message,
        lambda: services.post_update(
            db.session,
            circle,
            project,
            actor=current_user,
            body=form.body.data,
            publish=form.publish.data,
            share_with_reference=form.share_with_reference.data,
        ),
    )


@bp.get("/c/<slug>/projects/<int:project_id>/updates/<int:update_id>")
@login_required
def update_detail(slug: str, project_id: int, update_id: int) -> str:
    """One progress update (the informed: only published ones shared with them)."""
    circle = circle_or_404(slug)
    project = get_project(db.session, circle, project_id)
    if project is None:
        abort(404)
    update = services.get_update(db.session, project, update_id)
    if update is None or not can_see_update(current_user, circle, update):
        abort(404)
    return render_template(
        "projects/update.html",
        circle=circle,
        project=project,
        update=update,
        publish_form=PublishUpdateForm(),
        can_edit=can_edit_project(current_user, circle, project),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/updates/<int:update_id>/publish")
@login_required
def publish_update(slug: str, project_id: int, update_id: int) -> Response:
    """Publish a draft update."""
    circle, project = editable_project(slug, project_id)
    update = services.get_update(db.session, project, update_id)
    if update is None:
        abort(404)
    form = PublishUpdateForm()
    require(form.validate_on_submit())
    return run_and_redirect(
        workspace_url(circle, project, "updates"),
        _("Statusoppdateringen er publisert."),
        lambda: services.publish_update(
            db.session,
            circle,
            project,
            update,
            actor=current_user,
            share_with_reference=form.share_with_reference.data,
        ),
    )
