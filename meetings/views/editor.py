"""Views: the minutes editor (draft minutes with their tasks) and correcting approved minutes.

The editor is one form: every button in it (save an item, add or remove a task, save and go
to the minutes) saves what is typed first, so nothing typed is lost. static/js/minutes.js adds
autosave and a warning before leaving with unsaved changes; the form works the same without it.
Autosaves (X-Requested-With: fetch) get JSON back and keep the optimistic locking: a stale one
answers 409.
"""

from __future__ import annotations

import re

from flask import Response as FlaskResponse
from flask import abort, flash, jsonify, redirect, render_template, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.mail import Notice
from circle.models import Circle, utcnow
from circle.web import circle_or_404, deleted_meanwhile
from meetings.forms import ActionForm, CorrectionForm, CsrfForm, MinutesForm
from meetings.models import ActionItem, Meeting
from meetings.permissions import can_approve_minutes, can_edit_minutes
from meetings.services import actions as action_services
from meetings.services import minutes as services
from meetings.services import workflow
from meetings.services.agenda import running_times
from meetings.services.attendance import ATTENDANCE_LABELS, attendance_register
from meetings.views.common import (
    absolute,
    bp,
    deliver,
    flash_error,
    flash_form_errors,
    managed_minutes_meeting,
    meeting_or_404,
    meeting_url,
    run,
)

ACTION_GONE = _l("Oppgaven var allerede fjernet (av en annen eller i en annen fane).")
_FOCUS_RE = re.compile(r"^(item-\d{1,12}|actions|evaluation)$")
_THEN = {"view": "meetings.minutes", "attendance": "meetings.attendance"}


def _fetch() -> bool:
    """Return whether our script sent the request (an autosave) and wants JSON back."""
    return request.headers.get("X-Requested-With") == "fetch"


def _action_form(circle: Circle, rows: list) -> ActionForm:
    form = ActionForm()
    form.owner_id.choices = [(0, _("Ingen"))] + [
        (m.id, m.name) for m in action_services.owners(db.session, circle)
    ]
    form.item_id.choices = [(0, _("Hele møtet"))] + [
        (row.item.id, f"{row.number}. {row.item.title}") for row in rows
    ]
    return form


def edit_context(
    meeting: Meeting, circle: Circle, form: MinutesForm, action_form: ActionForm | None = None
) -> dict[str, object]:
    """Return what the editor template needs besides the content and any conflict."""
    rows = running_times(meeting).rows
    return {
        "circle": circle,
        "meeting": meeting,
        "minutes": meeting.minutes,
        "rows": rows,
        "form": form,
        "action_form": action_form or _action_form(circle, rows),
        "actions": services.load_actions(db.session, meeting.minutes),
        "attendance": attendance_register(db.session, meeting),
        "attendance_labels": ATTENDANCE_LABELS,
        "csrf_form": CsrfForm(),
    }


def values_for(meeting: Meeting) -> dict[int, services.ItemContent]:
    """Return the content to show: what was posted, else what is saved."""
    if request.method == "POST":
        return services.content_from_form(meeting, request.form)
    return services.current_content(meeting)


def form_version(form: MinutesForm) -> int:
    """Return the edit version the form was loaded with (-1 when it is not a number)."""
    try:
        return int(form.version.data or 0)
    except ValueError:
        return -1


def _target(meeting: Meeting, circle: Circle) -> str:
    then = _THEN.get(request.form.get("then", ""))
    if then is not None:
        return meeting_url(meeting, circle, then)
    focus = request.form.get("focus", "")
    anchor = f"#{focus}" if _FOCUS_RE.match(focus) else ""
    return meeting_url(meeting, circle, "meetings.edit_minutes") + anchor


def _editor_changes(meeting: Meeting, circle: Circle, action_form: ActionForm) -> None:
    """Apply the task changes posted with the minutes: a new task, a removed one."""
    raw = request.form.get("delete_action", "")
    if raw:
        action = action_services.get_action(db.session, circle, int(raw)) if raw.isdigit() else None
        if action is None and raw.isdigit() and db.session.get(ActionItem, int(raw)) is None:
            flash(str(ACTION_GONE), "info")  # removed meanwhile: the notes typed are still saved
        elif action is None or action.minutes_id != meeting.minutes.id:
            abort(404)
        else:
            action_services.delete_action(db.session, action, circle, actor=current_user)
    if (action_form.what.data or "").strip():
        action_services.add_action(
            db.session,
            meeting.minutes,
            circle,
            actor=current_user,
            what=action_form.what.data,
            owner_id=action_form.owner_id.data,
            due_on=action_form.due_on.data,
            item_id=action_form.item_id.data,
        )


def _json(status: int, **body: object) -> tuple[FlaskResponse, int]:
    return jsonify(body), status


@bp.route("/c/<slug>/meetings/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(slug: str, meeting_id: int) -> Response | tuple[object, int] | str:
    """Write the draft minutes and their tasks; a stale save is refused and shown the
    difference."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_edit_minutes)
    locked = _("Referatet er godkjent og låst. Bruk «Rett referatet» for å lage en ny versjon.")
    if meeting.minutes is not None and meeting.minutes.is_public:
        if _fetch():
            return _json(409, error=locked)
        flash_error(DomainError(locked))
        return redirect(meeting_url(meeting, circle, "meetings.minutes"))
    if meeting.cancelled_at is not None and request.method == "GET":
        flash_error(DomainError(services.CANCELLED_NO_MINUTES))
        return redirect(meeting_url(meeting, circle))
    form = MinutesForm()
    if request.method == "GET":
        form.version.data = str(meeting.minutes.edit_version if meeting.minutes else 0)
        form.evaluation.data = meeting.minutes.evaluation if meeting.minutes else ""
    content = values_for(meeting)
    action_form = _action_form(circle, running_times(meeting).rows)
    status = 200
    if form.validate_on_submit():
        with_task = not _fetch() and bool((action_form.what.data or "").strip())
        if with_task and not action_form.validate():
            flash_form_errors(action_form)  # nothing is saved; the typed text stays in the form
            return render_template(
                "meetings/minutes_edit.html",
                content=content,
                diff=None,
                conflict=None,
                **edit_context(meeting, circle, form, action_form),
            ), 422
        try:
            services.save_minutes(
                db.session,
                meeting,
                circle,
                actor=current_user,
                expected_version=form_version(form),
                content=content,
                evaluation=form.evaluation.data or "",
                autosave=_fetch(),
            )
            if not _fetch():
                _editor_changes(meeting, circle, action_form)
        except services.EditConflict as exc:
            db.session.rollback()
            if _fetch():
                return _json(409, error=str(exc.message), version=exc.current_version)
            diff = services.diff_html(
                exc.current_text, exc.their_text, _("Lagret nå"), _("Din versjon")
            )
            meeting = meeting_or_404(circle, meeting_id, page=False)
            form.version.data = str(exc.current_version)
            return render_template(
                "meetings/minutes_edit.html",
                content=content,
                diff=diff,
                conflict=exc.message,
                **edit_context(meeting, circle, form, action_form),
            ), 409
        except DomainError as exc:
            if _fetch():
                db.session.rollback()
                return _json(422, error=str(exc.message))
            flash_error(exc)
            meeting = meeting_or_404(circle, meeting_id, page=False)
            status = 422
        else:
            db.session.commit()
            if _fetch():
                return _json(
                    200,
                    version=meeting.minutes.edit_version,
                    saved=_("Lagret kl. %(t)s", t=format_datetime(utcnow(), "HH:mm")),
                )
            flash(_("Referatet er lagret."), "success")
            return redirect(_target(meeting, circle))
    elif form.is_submitted():
        if _fetch():
            return _json(400, error=_("Skjemaet kunne ikke lagres. Last siden på nytt."))
        flash_form_errors(form)
        status = 400
    return render_template(
        "meetings/minutes_edit.html",
        content=content,
        diff=None,
        conflict=None,
        **edit_context(meeting, circle, form, action_form),
    ), status


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes/actions")
@login_required
def add_action(slug: str, meeting_id: int) -> Response:
    """Add an action item to the draft minutes (the editor posts tasks with the minutes)."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_edit_minutes)
    target = meeting_url(meeting, circle, "meetings.edit_minutes") + "#actions"
    form = ActionForm()
    if meeting.minutes is None:
        flash_error(DomainError(_("Lagre referatet én gang før du legger til oppgaver.")))
        return redirect(target)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    return run(
        target,
        _("Oppgaven er lagt til."),
        lambda: action_services.add_action(
            db.session,
            meeting.minutes,
            circle,
            actor=current_user,
            what=form.what.data,
            owner_id=form.owner_id.data,
            due_on=form.due_on.data,
            item_id=form.item_id.data,
        ),
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes/actions/<int:action_id>/delete")
@login_required
def delete_action(slug: str, meeting_id: int, action_id: int) -> Response:
    """Remove an action item from the draft minutes."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_edit_minutes)
    action = action_services.get_action(db.session, circle, action_id)
    target = meeting_url(meeting, circle, "meetings.edit_minutes") + "#actions"
    if action is None and (
        gone := deleted_meanwhile(ActionItem, action_id, target, str(ACTION_GONE))
    ):
        return gone
    if action is None or meeting.minutes is None or action.minutes_id != meeting.minutes.id:
        abort(404)
    return run(
        target,
        _("Oppgaven er fjernet."),
        lambda: action_services.delete_action(db.session, action, circle, actor=current_user),
    )


@bp.route("/c/<slug>/meetings/<int:meeting_id>/minutes/correct", methods=["GET", "POST"])
@login_required
def correct(slug: str, meeting_id: int) -> Response | tuple[str, int] | str:
    """Correct approved minutes: a new version with a reason; earlier recipients are told."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_approve_minutes)
    if meeting.minutes is None or not meeting.minutes.is_public:
        abort(404)
    form = CorrectionForm()
    if request.method == "GET":
        form.version.data = str(meeting.minutes.edit_version)
        form.evaluation.data = meeting.minutes.evaluation
    content = values_for(meeting)
    if form.validate_on_submit():
        try:
            version, earlier = workflow.correct_minutes(
                db.session,
                meeting,
                circle,
                actor=current_user,
                expected_version=form_version(form),
                content=content,
                evaluation=form.evaluation.data or "",
                reason=form.reason.data,
            )
        except DomainError as exc:
            flash_error(exc)
            meeting = meeting_or_404(circle, meeting_id, page=False)
        else:
            link = absolute(
                "meetings.versions",
                slug=slug,
                meeting_id=meeting.id,
                a=version.number - 1,
                b=version.number,
            )
            deliver(
                (
                    Notice(
                        to=m.email,
                        subject=_("Rettet referat: %(t)s", t=meeting.title),
                        intro=_(
                            "Et referat du har fått tidligere, er rettet (versjon "
                            "%(n)d). Se hva som er endret på nettsiden.",
                            n=version.number,
                        ),
                        link=link,
                        title=meeting.title,
                    )
                    for m in earlier
                ),
                circle,
            )
            db.session.commit()
            flash(_("Referatet er rettet som versjon %(n)d.", n=version.number), "success")
            return redirect(
                meeting_url(
                    meeting, circle, "meetings.versions", a=version.number - 1, b=version.number
                )
            )
    return render_template(
        "meetings/minutes_edit.html",
        content=content,
        diff=None,
        conflict=None,
        correcting=True,
        **edit_context(meeting, circle, form),
    )
