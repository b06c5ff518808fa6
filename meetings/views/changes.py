"""Views: cancel, move or delete a meeting, and carry a cancelled meeting's items forward."""

from __future__ import annotations

from email.utils import parseaddr

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.i18n import format_when
from circle.mail import Attachment, Notice
from circle.models import Circle, Member
from circle.web import circle_or_404, require_that
from meetings.forms import CancelMeetingForm, CsrfForm, MoveMeetingForm, ReminderSettingsForm
from meetings.models import Meeting
from meetings.permissions import can_manage_meetings
from meetings.services import changes as services
from meetings.services import reminders
from meetings.services.common import oslo_to_utc, to_oslo
from meetings.services.ical import CANCEL, REQUEST, mail_type, meeting_ics
from meetings.views.common import (
    bp,
    deliver,
    flash_error,
    flash_form_errors,
    flash_sent,
    managed_meeting,
    meeting_link,
    meeting_url,
)


def change_notices(
    meeting: Meeting, circle: Circle, recipients: list[Member], method: str
) -> list[Notice]:
    """Return the e-mails telling invitees of a move (REQUEST) or a cancellation (CANCEL)."""
    link = meeting_link(meeting)
    organizer = parseaddr(str(current_app.config.get("MAIL_FROM") or ""))[1]
    when = format_when(meeting.starts_at, "short_datetime")
    where = ", ".join(p for p in (meeting.place, meeting.address) if p)
    if method == CANCEL:
        subject = _("Avlyst: ") + meeting.title
        intro = _("Møtet er avlyst.") + (
            " " + _("Begrunnelse: %(r)s", r=meeting.cancel_reason) if meeting.cancel_reason else ""
        )
    else:
        subject = _("Flyttet: ") + meeting.title
        intro = _("Møtet er flyttet. Ny tid og nytt sted står nedenfor og på nettsiden.")
    title = f"{meeting.title} – {when}" + (f", {where}" if where else "")
    return [
        Notice(
            to=member.email,
            subject=subject,
            intro=intro,
            link=link,
            title=title,
            attachments=(
                Attachment(
                    f"mote-{meeting.number}.ics",
                    mail_type(method),
                    meeting_ics(
                        meeting,
                        circle,
                        link,
                        method=method,
                        organizer=organizer,
                        attendee=member.email,
                    ),
                ),
            ),
        )
        for member in recipients
    ]


@bp.route("/c/<slug>/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug: str, meeting_id: int) -> Response | str:
    """Cancel a meeting: it stays, marked cancelled; invitees get a cancellation."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_manage_meetings)
    form = CancelMeetingForm()
    if form.validate_on_submit():
        try:
            recipients = services.cancel_meeting(
                db.session, meeting, circle, actor=current_user, reason=form.reason.data or ""
            )
            deliver(change_notices(meeting, circle, recipients, CANCEL), circle)
        except DomainError as exc:
            flash_error(exc)
            return redirect(meeting_url(meeting, circle))
        db.session.commit()
        flash_sent(
            _("Møtet er avlyst."), _("Avlysning er sendt til %(n)d.", n=len(recipients)), recipients
        )
        return redirect(meeting_url(meeting, circle))
    return render_template(
        "meetings/cancel.html", circle=circle, meeting=meeting, form=form, csrf_form=CsrfForm()
    )


@bp.route("/c/<slug>/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
@login_required
def move(slug: str, meeting_id: int) -> Response | str:
    """Give a meeting a new time or place; invitees get the updated calendar entry."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_manage_meetings)
    form = MoveMeetingForm(obj=meeting)
    if not form.is_submitted():
        form.starts_at.data = to_oslo(meeting.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_oslo(meeting.ends_at).replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            recipients = services.move_meeting(
                db.session,
                meeting,
                circle,
                actor=current_user,
                starts_at=oslo_to_utc(form.starts_at.data),
                ends_at=oslo_to_utc(form.ends_at.data),
                place=form.place.data or "",
                address=form.address.data or "",
            )
            deliver(change_notices(meeting, circle, recipients, REQUEST), circle)
        except DomainError as exc:
            flash_error(exc)
        else:
            db.session.commit()
            flash_sent(
                _("Møtet er flyttet."),
                _("Ny innkalling er sendt til %(n)d.", n=len(recipients)),
                recipients,
            )
            return redirect(meeting_url(meeting, circle))
    return render_template("meetings/move.html", circle=circle, meeting=meeting, form=form)


def _posted(slug: str, meeting_id: int) -> tuple[Circle, Meeting, Response | None]:
    """Load a meeting a leader acts on by POST; the third value is set when the form failed."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_manage_meetings)
    form = CsrfForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return circle, meeting, redirect(meeting_url(meeting, circle))
    return circle, meeting, None


@bp.post("/c/<slug>/meetings/<int:meeting_id>/delete")
@login_required
def delete(slug: str, meeting_id: int) -> Response:
    """Delete a meeting that never left draft."""
    circle, meeting, failed = _posted(slug, meeting_id)
    if failed is not None:
        return failed
    try:
        services.delete_meeting(db.session, meeting, circle, actor=current_user)
    except DomainError as exc:
        flash_error(exc)
        return redirect(meeting_url(meeting, circle))
    db.session.commit()
    flash(_("Møtet er slettet."), "success")
    return redirect(url_for("meetings.index", slug=circle.slug))


@bp.post("/c/<slug>/meetings/<int:meeting_id>/carry-forward")
@login_required
def carry_forward(slug: str, meeting_id: int) -> Response:
    """Put a cancelled meeting's open items on the next meeting's agenda."""
    circle, meeting, failed = _posted(slug, meeting_id)
    if failed is not None:
        return failed
    try:
        target, count = services.carry_forward(db.session, meeting, circle, actor=current_user)
    except DomainError as exc:
        flash_error(exc)
        return redirect(meeting_url(meeting, circle))
    db.session.commit()
    flash(_("%(n)d punkter er satt opp på møtet %(t)s.", n=count, t=target.title), "success")
    return redirect(meeting_url(target, circle))


@bp.route("/c/<slug>/meetings/reminders", methods=["GET", "POST"])
@login_required
def reminder_settings(slug: str) -> Response | str:
    """How many days before each meeting the invitees get a reminder."""
    circle = circle_or_404(slug)
    require_that(can_manage_meetings, circle)
    form = ReminderSettingsForm()
    if not form.is_submitted():
        form.days.data = reminders.reminder_days(db.session, circle.id)
    if form.validate_on_submit():
        try:
            reminders.set_reminder_days(db.session, circle, actor=current_user, days=form.days.data)
        except DomainError as exc:
            flash_error(exc)
        else:
            db.session.commit()
            flash(_("Påminnelsene er lagret."), "success")
            return redirect(url_for("meetings.reminder_settings", slug=circle.slug))
    return render_template("meetings/reminders.html", circle=circle, form=form)
