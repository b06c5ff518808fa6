"""Views: reading, writing, reviewing, approving, distributing and correcting minutes."""

from __future__ import annotations

from flask import abort, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from circle.extensions import db
from circle.i18n import format_when
from circle.inputs import parse_id
from circle.mail import Notice
from circle.models import Circle
from circle.web import circle_or_404, require, require_that
from meetings.forms import (
    ApproveForm,
    CommentForm,
    CsrfForm,
    DecideForm,
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
from meetings.services.attendance import ATTENDANCE_LABELS, attendance_names
from meetings.services.common import oslo_to_utc
from meetings.views.common import (
    absolute,
    bp,
    circle_meeting_or_404,
    deliver,
    flash_form_errors,
    managed_minutes_meeting,
    meeting_or_404,
    meeting_url,
    minutes_meeting_or_404,
    run,
)
from meetings.views.materials import material_context


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
    circle, meeting = circle_meeting_or_404(slug, meeting_id, minutes_page=True)
    record = meeting.minutes
    trail = can_view_review_trail(current_user, record, circle)
    is_leader = can_approve_minutes(current_user, circle)
    rows = running_times(meeting).rows
    comment_form = CommentForm()
    comment_form.item_id.choices = [(0, _("Hele referatet"))] + [
        (row.item.id, f"{row.number}. {row.item.title}") for row in rows
    ]
    review_form = ReviewForm()
    return render_template(
        "meetings/minutes.html",
        circle=circle,
        meeting=meeting,
        minutes=record,
        rows=rows,
        notes=services.notes_by_item(record),
        attendance=attendance_names(db.session, meeting),
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
        **material_context(meeting, circle, minutes_page=True),
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
        attendance=attendance_names(db.session, meeting),
        actions=services.load_actions(db.session, meeting.minutes),
        state_labels=workflow.STATE_LABELS,
        action_labels=action_services.STATUS_LABELS,
        Status=AttendanceStatus,
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
        local = format_when(deadline, "short_datetime")
        deliver(
            (
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
            ),
            circle,
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
        at_meeting_id = parse_id(form.at_meeting.data)
        at_meeting = meeting_or_404(circle, at_meeting_id) if at_meeting_id else abort(404)
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
            (
                Notice(
                    to=m.email,
                    subject=_("Godkjent referat: %(t)s", t=meeting.title),
                    intro=_(
                        "Et godkjent referat fra %(c)s er lagt ut til orientering.", c=circle.name
                    ),
                    link=absolute("meetings.minutes", slug=slug, meeting_id=meeting.id),
                    title=meeting.title,
                )
                for m in recipients
            ),
            circle,
        )

    return run(
        target,
        _("Referatet er sendt ut."),
        lambda: workflow.distribute_minutes(db.session, meeting, circle, actor=current_user),
        notify,
    )
