"""Views: the meeting list, a meeting's page, planning, invitation, answers and attendance."""

from __future__ import annotations

from typing import Any

from flask import Response as FlaskResponse
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.i18n import format_when
from circle.inputs import parse_id, parse_int
from circle.mail import Attachment, Notice
from circle.models import Circle, utcnow
from circle.permissions import can_see_contact_details
from circle.web import attachment, circle_or_404, require, require_that, require_visible_that
from meetings.forms import AgendaItemForm, CsrfForm, MeetingForm, RsvpForm
from meetings.models import AttendanceStatus, ItemKind, ItemOrigin, Meeting
from meetings.permissions import (
    can_answer,
    can_manage_meetings,
    can_record_attendance,
    can_view_attendance_series,
    can_view_minutes,
)
from meetings.readings import shown_readings
from meetings.services import agenda as agenda_services
from meetings.services import attendance as attendance_services
from meetings.services import changes
from meetings.services import meetings as services
from meetings.services.changes import can_delete
from meetings.services.common import oslo_to_utc, to_oslo
from meetings.services.ical import ICS_MAIL_TYPE, ICS_TYPE, REQUEST, meeting_ics
from meetings.services.materials import visible_materials
from meetings.views.changes import change_notices
from meetings.views.common import (
    bp,
    circle_meeting_or_404,
    deliver,
    flash_error,
    flash_form_errors,
    flash_sent,
    managed_meeting,
    meeting_link,
    meeting_or_404,
    meeting_url,
    run,
)
from meetings.views.materials import material_context


@bp.get("/c/<slug>/meetings")
@login_required
def index(slug: str) -> str:
    """The circle's meetings by semester: upcoming and past, with status."""
    circle = circle_or_404(slug)
    upcoming, past = services.list_meetings(db.session, circle, current_user)
    return render_template(
        "meetings/index.html",
        circle=circle,
        upcoming=upcoming,
        past=past,
        can_manage=can_manage_meetings(current_user, circle),
        can_see_series=can_view_attendance_series(current_user, circle),
        status_labels=services.STATUS_LABELS,
        kind_labels=services.KIND_LABELS,
    )


def _meeting_form(circle: Circle, meeting: Meeting | None = None) -> MeetingForm:
    form = MeetingForm(obj=meeting)
    form.host_unit_id.choices = [(0, _("Høgskolen / ingen vertsenhet"))] + [
        (u.id, u.name) for u in circle.units
    ]
    if meeting is not None and request.method == "GET":
        form.starts_at.data = to_oslo(meeting.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_oslo(meeting.ends_at).replace(tzinfo=None)
        form.kind.data = meeting.kind.value
    return form


def _form_values(form: MeetingForm) -> dict[str, Any]:
    return {
        "kind": form.kind.data,
        "title": form.title.data,
        "starts_at": oslo_to_utc(form.starts_at.data),
        "ends_at": oslo_to_utc(form.ends_at.data),
        "place": form.place.data,
        "host_unit_id": form.host_unit_id.data,
        "address": form.address.data,
        "video_url": form.video_url.data,
        "theme": form.theme.data,
    }


@bp.route("/c/<slug>/meetings/new", methods=["GET", "POST"])
@login_required
def create(slug: str) -> Response | str:
    """Plan a meeting; its agenda starts from the template and what carries forward."""
    circle = circle_or_404(slug)
    require_that(can_manage_meetings, circle)
    form = _meeting_form(circle)
    if request.method == "GET" and not form.starts_at.data:
        form.place.data = circle.institution
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(
                db.session, circle, actor=current_user, **_form_values(form)
            )
        except DomainError as exc:
            flash_error(exc)
        else:
            db.session.commit()
            flash(_("Møtet er opprettet med dagsorden fra malen."), "success")
            return redirect(meeting_url(meeting, circle))
    return render_template("meetings/edit.html", circle=circle, form=form, meeting=None)


@bp.route("/c/<slug>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, meeting_id: int) -> Response | str:
    """Change a meeting's time, place or title; invitees get a change notice."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_manage_meetings)
    form = _meeting_form(circle, meeting)
    if form.validate_on_submit():
        try:
            edited = changes.edit_meeting(
                db.session, meeting, circle, actor=current_user, **_form_values(form)
            )
            if edited.moved:
                recipients = edited.told
                notices = change_notices(meeting, circle, recipients, REQUEST)
            else:
                recipients = (
                    attendance_services.send_invitation(
                        db.session, meeting, circle, actor=current_user
                    )[0]
                    if edited.notify and meeting.starts_at > utcnow()
                    else []
                )
                notices = _invitation_notices(meeting, circle, recipients, changed=True)
        except DomainError as exc:
            flash_error(exc)
        else:
            deliver(notices, circle)
            db.session.commit()
            if edited.moved:
                flash_sent(
                    _("Møtet er flyttet."),
                    _("Ny innkalling er sendt til %(n)d.", n=len(recipients)),
                    recipients,
                )
            else:
                flash_sent(
                    _("Endringene er lagret."),
                    _("Endringsvarsel er sendt til %(n)d.", n=len(recipients)),
                    recipients,
                )
            return redirect(meeting_url(meeting, circle))
    return render_template("meetings/edit.html", circle=circle, form=form, meeting=meeting)


@bp.get("/c/<slug>/meetings/<int:meeting_id>")
@login_required
def show(slug: str, meeting_id: int) -> str:
    """A meeting: details, agenda with running times, answers and the minutes' state."""
    circle, meeting = circle_meeting_or_404(slug, meeting_id)
    can_manage = can_manage_meetings(current_user, circle)
    times = agenda_services.running_times(meeting)
    readings = shown_readings(
        current_app, db.session, [r for i in meeting.items for r in i.readings], current_user
    )
    review_actions = (
        agenda_services.actions_for_review(db.session, meeting, circle, current_user)
        if any(i.origin == ItemOrigin.ACTIONS for i in meeting.items)
        else []
    )
    answerable = can_answer(current_user, meeting, circle)
    item_form = AgendaItemForm()
    item_form.parent_id.choices = [(0, _("Nytt hovedpunkt"))] + [
        (i.id, _("Under: %(t)s", t=i.title)) for i in meeting.items if i.parent_id is None
    ]
    rsvp_form = RsvpForm()
    mine = attendance_services.my_rsvp(db.session, meeting, current_user) if answerable else None
    if mine is not None:
        rsvp_form.answer.data, rsvp_form.message.data = mine.answer.value, mine.message
    minutes = meeting.minutes
    return render_template(
        "meetings/show.html",
        circle=circle,
        meeting=meeting,
        times=times,
        readings=readings,
        review_actions=review_actions,
        postponed_from=agenda_services.postponed_from_numbers(db.session, meeting.items),
        can_manage=can_manage,
        answerable=answerable,
        status=services.meeting_status(meeting),
        status_labels=services.STATUS_LABELS,
        kind_labels=services.KIND_LABELS,
        item_kind_labels=agenda_services.KIND_LABELS,
        summary=attendance_services.rsvp_summary(db.session, meeting) if can_manage else None,
        coming=attendance_services.coming(
            db.session, meeting, details=can_see_contact_details(current_user, circle)
        ),
        can_delete=can_manage and can_delete(meeting),
        mine=mine,
        rsvp_form=rsvp_form,
        item_form=item_form,
        csrf_form=CsrfForm(),
        minutes_visible=minutes is not None and can_view_minutes(current_user, minutes, circle),
        now=utcnow(),
        ItemOrigin=ItemOrigin,
        ItemKind=ItemKind,
        **material_context(meeting, circle, minutes_page=False),
    )


@bp.get("/c/<slug>/meetings/<int:meeting_id>/agenda/print")
@login_required
def print_agenda(slug: str, meeting_id: int) -> str:
    """The invitation with agenda, laid out for printing."""
    circle = circle_or_404(slug)
    meeting = meeting_or_404(circle, meeting_id)
    readings = shown_readings(
        current_app, db.session, [r for i in meeting.items for r in i.readings], current_user
    )
    return render_template(
        "meetings/print_agenda.html",
        circle=circle,
        meeting=meeting,
        times=agenda_services.running_times(meeting),
        readings=readings,
        kind_labels=services.KIND_LABELS,
        item_kind_labels=agenda_services.KIND_LABELS,
        materials=visible_materials(db.session, meeting, circle, current_user),
    )


@bp.get("/c/<slug>/meetings/<int:meeting_id>.ics")
@login_required
def ics(slug: str, meeting_id: int) -> FlaskResponse:
    """The meeting as a calendar file."""
    circle = circle_or_404(slug)
    meeting = meeting_or_404(circle, meeting_id)
    body = meeting_ics(meeting, circle, meeting_link(meeting))
    return attachment(body, ICS_TYPE, f"mote-{meeting.number}.ics")


def _invitation_notices(
    meeting: Meeting, circle: Circle, recipients: list, changed: bool
) -> list[Notice]:
    link = meeting_link(meeting)
    calendar_file = Attachment(
        f"mote-{meeting.number}.ics", ICS_MAIL_TYPE, meeting_ics(meeting, circle, link)
    )
    when = format_when(meeting.starts_at, "short_datetime")
    where = ", ".join(p for p in (meeting.place, meeting.address) if p)
    prefix = _("Endret: ") if changed else _("Innkalling: ")
    intro = (
        _("Møtet er endret. Se oppdatert tid, sted og dagsorden på nettsiden.")
        if changed
        else _(
            "Du er invitert til et møte i %(circle)s. Dagsorden og svarskjema finner du "
            "på nettsiden.",
            circle=circle.name,
        )
    )
    title = f"{meeting.title} – {when}" + (f", {where}" if where else "")
    return [
        Notice(
            to=m.email,
            subject=prefix + meeting.title,
            intro=intro,
            link=link,
            title=title,
            attachments=(calendar_file,),
        )
        for m in recipients
    ]


@bp.post("/c/<slug>/meetings/<int:meeting_id>/invite")
@login_required
def invite(slug: str, meeting_id: int) -> Response:
    """Send the invitation (or, once sent, a change notice) with an .ics attachment."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_manage_meetings)

    def action() -> None:
        recipients, changed = attendance_services.send_invitation(
            db.session, meeting, circle, actor=current_user
        )
        deliver(_invitation_notices(meeting, circle, recipients, changed), circle)

    return run(meeting_url(meeting, circle), _("Innkallingen er sendt."), action)


@bp.post("/c/<slug>/meetings/<int:meeting_id>/rsvp")
@login_required
def rsvp(slug: str, meeting_id: int) -> Response:
    """Answer the invitation: attending, or absent with an optional message."""
    circle = circle_or_404(slug)
    meeting = meeting_or_404(circle, meeting_id)
    require(can_answer(current_user, meeting, circle))
    form = RsvpForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(meeting_url(meeting, circle))
    return run(
        meeting_url(meeting, circle),
        _("Svaret ditt er registrert."),
        lambda: attendance_services.answer_invitation(
            db.session,
            meeting,
            circle,
            actor=current_user,
            answer=form.answer.data,
            message=form.message.data or "",
        ),
    )


@bp.route("/c/<slug>/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(slug: str, meeting_id: int) -> Response | str:
    """The attendance register: present, absent or excused per member, by unit."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_record_attendance)
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash_form_errors(form)
            return redirect(request.path)
        if request.form.get("mark") == "all_present":
            # Everyone present at once; the leader then marks the exceptions and saves.
            return run(
                request.path,
                _("Alle er markert som til stede. Rett opp for dem som ikke kom, og lagre."),
                lambda: attendance_services.mark_all_present(
                    db.session, meeting, circle, actor=current_user
                ),
            )
        statuses = {
            member_id: v
            for k, v in request.form.items()
            if k.startswith("status-") and (member_id := parse_id(k[7:])) is not None
        }
        return run(
            meeting_url(meeting, circle),
            _("Oppmøtet er lagret."),
            lambda: attendance_services.record_attendance(
                db.session, meeting, circle, actor=current_user, statuses=statuses
            ),
        )
    groups = attendance_services.attendance_register(db.session, meeting)
    return render_template(
        "meetings/attendance.html",
        circle=circle,
        meeting=meeting,
        groups=groups,
        form=form,
        Status=AttendanceStatus,
        labels=attendance_services.ATTENDANCE_LABELS,
        rsvp_labels=attendance_services.RSVP_LABELS,
        default_status=attendance_services.default_status,
    )


@bp.get("/c/<slug>/attendance")
@login_required
def attendance_series(slug: str) -> str:
    """Attendance across the series, per meeting and per unit."""
    circle = circle_or_404(slug)
    require_visible_that(can_view_attendance_series, circle)
    series = attendance_services.attendance_series(db.session, circle)
    return render_template(
        "meetings/series.html",
        circle=circle,
        series=series,
        Status=AttendanceStatus,
        labels=attendance_services.ATTENDANCE_LABELS,
    )


@bp.route("/c/<slug>/meetings/template", methods=["GET", "POST"])
@login_required
def template(slug: str) -> Response | str:
    """The circle's standard agenda, editable by its leaders."""
    circle = circle_or_404(slug)
    require_that(can_manage_meetings, circle)
    form = CsrfForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash_form_errors(form)
            return redirect(request.path)
        rows = []
        for index in range(
            min(parse_int(request.form.get("rows"), 0) or 0, agenda_services.MAX_TEMPLATE_ROWS)
        ):
            rows.append(
                {
                    key: request.form.get(f"{key}-{index}", "")
                    for key in ("title", "kind", "minutes_planned", "description")
                }
                | {"position": _number(request.form.get(f"position-{index}"), index)}
            )
        return run(
            url_for("meetings.template", slug=slug),
            _("Standarddagsordenen er lagret."),
            lambda: agenda_services.save_template(
                db.session, circle, actor=current_user, rows=rows
            ),
        )
    rows = agenda_services.template_rows(db.session, circle)
    return render_template(
        "meetings/template.html",
        circle=circle,
        rows=rows,
        form=form,
        blank=3,
        kinds=agenda_services.KIND_LABELS,
    )


def _number(value: str | None, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default
