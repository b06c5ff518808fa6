"""Views: the action list across meetings, "my tasks", and the minutes archive."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.docx_writer import DOCX_TYPE
from circle.extensions import db
from circle.i18n import local_today
from circle.inputs import parse_id
from circle.security import is_safe_next
from circle.tasks import tasks_for
from circle.web import attachment, circle_or_404, deleted_meanwhile, require
from meetings.forms import CsrfForm
from meetings.models import ActionItem, ActionStatus, AttendanceStatus
from meetings.permissions import can_toggle_action, can_view_action, can_view_meetings
from meetings.services import actions as services
from meetings.services.archive import archive_docx, archive_entries
from meetings.services.attendance import ATTENDANCE_LABELS
from meetings.views.common import bp, flash_form_errors, run


def _filters() -> services.ActionFilter:
    def number(name: str) -> int | None:
        return parse_id(request.args.get(name))

    status = request.args.get("status", "")
    return services.ActionFilter(
        owner_id=number("owner"),
        unit_id=number("unit"),
        status=ActionStatus(status) if status in {s.value for s in ActionStatus} else None,
        overdue=request.args.get("overdue") == "1",
    )


@bp.get("/c/<slug>/actions")
@login_required
def actions(slug: str) -> str:
    """Every action item of the circle the member may see, with filters."""
    circle = circle_or_404(slug)
    filters = _filters()
    items = services.list_actions(db.session, circle, current_user, filters, local_today())
    return render_template(
        "meetings/actions.html",
        circle=circle,
        items=items,
        filters=filters,
        owners=services.owners(db.session, circle),
        mine=False,
        today=local_today(),
        labels=services.STATUS_LABELS,
        can_toggle=lambda a: can_toggle_action(current_user, a, circle),
        csrf_form=CsrfForm(),
        Status=ActionStatus,
    )


@bp.get("/c/<slug>/actions/mine")
@login_required
def my_actions(slug: str) -> str:
    """The member's own tasks ("Mine oppgaver"): action items, and the other areas' tasks."""
    circle = circle_or_404(slug)
    filters = services.ActionFilter(owner_id=current_user.id)
    items = services.list_actions(db.session, circle, current_user, filters, local_today())
    return render_template(
        "meetings/actions.html",
        circle=circle,
        items=items,
        other_tasks=tasks_for(current_app, db.session, circle, current_user),
        filters=filters,
        owners=[],
        mine=True,
        today=local_today(),
        labels=services.STATUS_LABELS,
        can_toggle=lambda a: can_toggle_action(current_user, a, circle),
        csrf_form=CsrfForm(),
        Status=ActionStatus,
    )


@bp.post("/c/<slug>/actions/<int:action_id>/toggle")
@login_required
def toggle_action(slug: str, action_id: int) -> Response:
    """Mark an action item done, or open again."""
    circle = circle_or_404(slug)
    action = services.get_action(db.session, circle, action_id)
    if action is None:
        gone = deleted_meanwhile(
            ActionItem,
            action_id,
            url_for("meetings.actions", slug=slug),
            _("Oppgaven er slettet fra referatet i mellomtiden, så ingenting ble endret."),
        )
        if gone is not None:
            return gone
    if action is None or not can_view_action(current_user, action, circle):
        abort(404)
    require(can_toggle_action(current_user, action, circle))
    form = CsrfForm()
    wanted = request.form.get("next")
    target = wanted if is_safe_next(wanted) else url_for("meetings.actions", slug=slug)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    done = request.form.get("done") == "1"
    return run(
        target,
        _("Oppgaven er markert som utført.") if done else _("Oppgaven er åpnet igjen."),
        lambda: services.toggle_action(db.session, action, circle, actor=current_user, done=done),
    )


@bp.get("/c/<slug>/minutes/archive")
@login_required
def archive(slug: str) -> str:
    """All approved minutes with attendance and decisions, for printing."""
    circle = circle_or_404(slug)
    require(can_view_meetings(current_user, circle))
    return render_template(
        "meetings/archive.html",
        circle=circle,
        entries=archive_entries(db.session, circle),
        attendance_labels=ATTENDANCE_LABELS,
        Status=AttendanceStatus,
        action_labels=services.STATUS_LABELS,
    )


@bp.get("/c/<slug>/minutes/archive.docx")
@login_required
def archive_word(slug: str) -> FlaskResponse:
    """All approved minutes as a Word document."""
    circle = circle_or_404(slug)
    require(can_view_meetings(current_user, circle))
    data = archive_docx(circle, archive_entries(db.session, circle))
    return attachment(data, DOCX_TYPE, f"referater-{circle.slug}.docx")
