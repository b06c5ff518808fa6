"""Views: reading, writing, reviewing, approving, distributing and correcting minutes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.mail import Notice
from circle.models import Circle
from circle.web import circle_or_404, require, require_that
from meetings.forms import (
    ActionForm,
    ApproveForm,
    CommentForm,
    CorrectionForm,
    CsrfForm,
    DecideForm,
    MinutesForm,
    ReviewForm,
)
from meetings.models import (
    AgendaItem,
    AttendanceStatus,
    CommentStatus,
    ItemOrigin,
    Meeting,
    MinutesState,
    ReviewComment,
)
from meetings.permissions import (
    can_approve_minutes,
    can_comment_minutes,
    can_edit_minutes,
    can_view_draft_history,
    can_view_review_trail,
)
from meetings.services import actions as action_services
from meetings.services import minutes as services
from meetings.services import workflow
from meetings.services.agenda import running_times
from meetings.services.attendance import ATTENDANCE_LABELS, attendance_register
from meetings.services.common import oslo_to_utc, to_oslo
from meetings.views.common import (
    absolute,
    bp,
    deliver,
    flash_error,
    flash_form_errors,
    managed_minutes_meeting,
    meeting_or_404,
    meeting_url,
    minutes_meeting_or_404,
    run,
)


def _minutes_url(
    meeting: Meeting, circle: Circle, endpoint: str = "meetings.minutes", **values: object
) -> str:
    return meeting_url(meeting, circle, endpoint, **values)


def _approval_meetings(meeting: Meeting) -> list[Meeting]:
    """Return later meetings whose agenda has the approval of these minutes."""
    return list(
        db.session.scalars(
            select(Meeting)
            .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
            .where(
                AgendaItem.origin == ItemOrigin.APPROVAL,
                AgendaItem.approves_meeting_id == meeting.id,
            )
            .order_by(Meeting.starts_at)
        )
    )


@bp.get("/c/<slug>/meetings/<int:meeting_id>/minutes")
@login_required
def minutes(slug: str, meeting_id: int) -> str:
    """The minutes, with the review trail for leaders and reviewers."""
    circle = circle_or_404(slug)
    meeting = minutes_meeting_or_404(circle, meeting_id)
    record = meeting.minutes
    trail = can_view_review_trail(current_user, record, circle)
    is_leader = can_approve_minutes(current_user, circle)
    comment_form = CommentForm()
    comment_form.item_id.choices = [(0, _("Hele referatet"))] + [
        (row.item.id, f"{row.number}. {row.item.title}") for row in running_times(meeting).rows
    ]
    review_form = ReviewForm()
    return render_template(
        "meetings/minutes.html",
        circle=circle,
        meeting=meeting,
        minutes=record,
        rows=running_times(meeting).rows,
        notes=services.notes_by_item(record),
        attendance=attendance_register(db.session, meeting),
        actions=services.load_actions(db.session, record),
        comments=services.comments_for(db.session, record) if trail else [],
        trail=trail,
        is_leader=is_leader,
        can_edit=can_edit_minutes(current_user, circle),
        can_see_revisions=can_view_draft_history(current_user, circle),
        can_comment=can_comment_minutes(current_user, record, circle),
        versions=workflow.list_versions(db.session, record) if record.is_public else [],
        distributions=workflow.list_distributions(db.session, record) if is_leader else [],
        approval_meetings=_approval_meetings(meeting) if is_leader else [],
        comment_form=comment_form,
        review_form=review_form,
        decide_form=DecideForm(),
        csrf_form=CsrfForm(),
        State=MinutesState,
        CommentStatus=CommentStatus,
        state_labels=workflow.STATE_LABELS,
        attendance_labels=ATTENDANCE_LABELS,
        action_labels=action_services.STATUS_LABELS,
        Status=AttendanceStatus,
    )


@bp.get("/c/<slug>/meetings/<int:meeting_id>/minutes/print")
@login_required
def print_minutes(slug: str, meeting_id: int) -> str:
    """The minutes laid out for printing."""
    circle = circle_or_404(slug)
    meeting = minutes_meeting_or_404(circle, meeting_id)
    return render_template(
        "meetings/print_minutes.html",
        circle=circle,
        meeting=meeting,
        minutes=meeting.minutes,
        rows=running_times(meeting).rows,
        notes=services.notes_by_item(meeting.minutes),
        attendance=attendance_register(db.session, meeting),
        actions=services.load_actions(db.session, meeting.minutes),
        state_labels=workflow.STATE_LABELS,
        action_labels=action_services.STATUS_LABELS,
        Status=AttendanceStatus,
    )


def _edit_context(meeting: Meeting, circle: Circle, form: MinutesForm) -> dict[str, object]:
    action_form = ActionForm()
    action_form.owner_id.choices = [(0, _("Ingen"))] + [
        (m.id, m.name) for m in action_services.owners(db.session, circle)
    ]
    rows = running_times(meeting).rows
    action_form.item_id.choices = [(0, _("Hele møtet"))] + [
        (row.item.id, f"{row.number}. {row.item.title}") for row in rows
    ]
    return {
        "circle": circle,
        "meeting": meeting,
        "minutes": meeting.minutes,
        "rows": rows,
        "form": form,
        "action_form": action_form,
        "actions": services.load_actions(db.session, meeting.minutes),
        "attendance": attendance_register(db.session, meeting),
        "attendance_labels": ATTENDANCE_LABELS,
        "csrf_form": CsrfForm(),
    }


def _values_for(meeting: Meeting) -> dict[int, services.ItemContent]:
    if request.method == "POST":
        return services.content_from_form(meeting, request.form)
    return services.current_content(meeting)


def _version(form: MinutesForm) -> int:
    try:
        return int(form.version.data or 0)
    except ValueError:
        return -1


@bp.route("/c/<slug>/meetings/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(slug: str, meeting_id: int) -> Response | tuple[str, int] | str:
    """Write the draft minutes; a stale save is refused and shown the difference."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_edit_minutes)
    if meeting.minutes is not None and meeting.minutes.is_public:
        flash_error(
            DomainError(
                _("Referatet er godkjent og låst. Bruk «Rett referatet» for å lage en ny versjon.")
            )
        )
        return redirect(_minutes_url(meeting, circle))
    form = MinutesForm()
    if request.method == "GET":
        form.version.data = str(meeting.minutes.edit_version if meeting.minutes else 0)
        form.evaluation.data = meeting.minutes.evaluation if meeting.minutes else ""
    content = _values_for(meeting)
    if form.validate_on_submit():
        try:
            services.save_minutes(
                db.session,
                meeting,
                circle,
                actor=current_user,
                expected_version=_version(form),
                content=content,
                evaluation=form.evaluation.data or "",
            )
        except services.EditConflict as exc:
            db.session.rollback()
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
                **_edit_context(meeting, circle, form),
            ), 409
        except DomainError as exc:
            flash_error(exc)
            meeting = meeting_or_404(circle, meeting_id, page=False)
        else:
            db.session.commit()
            flash(_("Referatet er lagret."), "success")
            return redirect(_minutes_url(meeting, circle, "meetings.edit_minutes"))
    return render_template(
        "meetings/minutes_edit.html",
        content=content,
        diff=None,
        conflict=None,
        **_edit_context(meeting, circle, form),
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes/actions")
@login_required
def add_action(slug: str, meeting_id: int) -> Response:
    """Add an action item to the draft minutes."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_edit_minutes)
    target = _minutes_url(meeting, circle, "meetings.edit_minutes") + "#actions"
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
    if action is None or meeting.minutes is None or action.minutes_id != meeting.minutes.id:
        abort(404)
    return run(
        _minutes_url(meeting, circle, "meetings.edit_minutes") + "#actions",
        _("Oppgaven er fjernet."),
        lambda: action_services.delete_action(db.session, action, circle, actor=current_user),
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes/review")
@login_required
def send_for_review(slug: str, meeting_id: int) -> Response:
    """Send the draft to those present, with a deadline for comments."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_approve_minutes)
    target = _minutes_url(meeting, circle) if meeting.minutes else meeting_url(meeting, circle)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    deadline = oslo_to_utc(form.deadline.data)

    def notify(reviewers: list) -> None:
        local = to_oslo(deadline).strftime("%d.%m.%Y kl. %H:%M")
        deliver(
            Notice(
                to=m.email,
                subject=_("Referat til gjennomlesning: %(t)s", t=meeting.title),
                intro=_(
                    "Referatet fra et møte du var på, er klart for gjennomlesning. "
                    "Kommenter eller foreslå rettelser innen %(d)s.",
                    d=local,
                ),
                link=absolute("meetings.minutes", slug=slug, meeting_id=meeting.id),
                title=meeting.title,
            )
            for m in reviewers
        )

    return run(
        target,
        _("Referatet er sendt til godkjenning."),
        lambda: workflow.send_for_review(
            db.session, meeting, circle, actor=current_user, deadline=deadline
        ),
        notify,
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes/comments")
@login_required
def comment(slug: str, meeting_id: int) -> Response:
    """Comment on the minutes, or suggest a correction of an item's notes."""
    circle = circle_or_404(slug)
    meeting = minutes_meeting_or_404(circle, meeting_id)
    require(can_comment_minutes(current_user, meeting.minutes, circle))
    form = CommentForm()
    target = _minutes_url(meeting, circle) + "#review"
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    return run(
        target,
        _("Kommentaren er registrert."),
        lambda: workflow.add_comment(
            db.session,
            meeting.minutes,
            circle,
            actor=current_user,
            kind=form.kind.data,
            body=form.body.data or "",
            item_id=form.item_id.data,
            suggested_text=form.suggested_text.data or "",
        ),
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes/comments/<int:comment_id>")
@login_required
def decide_comment(slug: str, meeting_id: int, comment_id: int) -> Response:
    """Accept or decline a review comment (an accepted correction changes the notes)."""
    circle = circle_or_404(slug)
    meeting = minutes_meeting_or_404(circle, meeting_id)
    require_that(can_approve_minutes, circle)
    record = db.session.get(ReviewComment, comment_id)
    if record is None or record.minutes_id != meeting.minutes.id:
        abort(404)
    form = DecideForm()
    target = _minutes_url(meeting, circle) + "#review"
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    return run(
        target,
        _("Beslutningen er registrert."),
        lambda: workflow.decide_comment(
            db.session,
            record,
            circle,
            actor=current_user,
            accept=form.decision.data == "accept",
            note=form.note.data or "",
        ),
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes/approve")
@login_required
def approve(slug: str, meeting_id: int) -> Response:
    """Approve the minutes (version 1), between meetings or at a later meeting."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_approve_minutes)
    form = ApproveForm()
    at_meeting = None
    if form.at_meeting.data:
        at_meeting = (
            meeting_or_404(circle, int(form.at_meeting.data))
            if (form.at_meeting.data.isdigit())
            else abort(404)
        )
    target = _minutes_url(meeting, circle) if meeting.minutes else meeting_url(meeting, circle)
    return run(
        target,
        _("Referatet er godkjent."),
        lambda: workflow.approve_minutes(
            db.session, meeting, circle, actor=current_user, at_meeting=at_meeting
        ),
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/minutes/distribute")
@login_required
def distribute(slug: str, meeting_id: int) -> Response:
    """Send the approved minutes to the unit leaders and the reference group (link only)."""
    circle = circle_or_404(slug)
    meeting = managed_minutes_meeting(circle, meeting_id, can_approve_minutes)
    target = _minutes_url(meeting, circle) if meeting.minutes else meeting_url(meeting, circle)

    def notify(recipients: list) -> None:
        deliver(
            Notice(
                to=m.email,
                subject=_("Godkjent referat: %(t)s", t=meeting.title),
                intro=_("Et godkjent referat fra %(c)s er lagt ut til orientering.", c=circle.name),
                link=absolute("meetings.minutes", slug=slug, meeting_id=meeting.id),
                title=meeting.title,
            )
            for m in recipients
        )

    return run(
        target,
        _("Referatet er sendt ut."),
        lambda: workflow.distribute_minutes(db.session, meeting, circle, actor=current_user),
        notify,
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
    content = _values_for(meeting)
    if form.validate_on_submit():
        try:
            version, earlier = workflow.correct_minutes(
                db.session,
                meeting,
                circle,
                actor=current_user,
                expected_version=_version(form),
                content=content,
                evaluation=form.evaluation.data or "",
                reason=form.reason.data,
            )
        except DomainError as exc:
            flash_error(exc)
            meeting = meeting_or_404(circle, meeting_id, page=False)
        else:
            db.session.commit()
            link = absolute(
                "meetings.versions",
                slug=slug,
                meeting_id=meeting.id,
                a=version.number - 1,
                b=version.number,
            )
            deliver(
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
            )
            flash(_("Referatet er rettet som versjon %(n)d.", n=version.number), "success")
            return redirect(
                _minutes_url(
                    meeting, circle, "meetings.versions", a=version.number - 1, b=version.number
                )
            )
    return render_template(
        "meetings/minutes_edit.html",
        content=content,
        diff=None,
        conflict=None,
        correcting=True,
        **_edit_context(meeting, circle, form),
    )
