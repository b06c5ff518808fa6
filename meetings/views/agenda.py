"""Views: adding, editing, removing and ordering agenda items."""

from __future__ import annotations

import math
from collections.abc import Callable

from flask import abort, current_app, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.inputs import parse_id
from circle.models import Circle
from circle.web import circle_or_404, deleted_meanwhile, require_that
from meetings.forms import AgendaItemForm, CsrfForm
from meetings.models import AgendaItem, Meeting
from meetings.permissions import can_manage_meetings
from meetings.readings import report_links
from meetings.services import agenda as services
from meetings.views.common import (
    bp,
    flash_error,
    flash_form_errors,
    managed_meeting,
    meeting_or_404,
    meeting_url,
    run,
)


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


def _item_gone(meeting: Meeting, circle: Circle, item_id: int) -> Response | None:
    """A leader's POST for an item someone deleted meanwhile: the message, back to the agenda."""
    if request.method != "POST" or any(i.id == item_id for i in meeting.items):
        return None
    require_that(can_manage_meetings, circle)
    return deleted_meanwhile(
        AgendaItem,
        item_id,
        meeting_url(meeting, circle) + "#agenda",
        _("Punktet er slettet fra dagsordenen i mellomtiden, så ingenting ble lagret."),
    )


def _matcher() -> Callable[[str], int | None] | None:
    links = report_links(current_app)
    return (lambda url: links.match(db.session, url)) if links else None


def _values(form: AgendaItemForm) -> dict[str, object]:
    return {
        "title": form.title.data,
        "kind": form.kind.data,
        "presenter": form.presenter.data,
        "minutes_planned": form.minutes_planned.data,
        "description": form.description.data,
        "preparation": form.preparation.data,
        "readings": form.readings.data,
    }


@bp.post("/c/<slug>/meetings/<int:meeting_id>/agenda")
@login_required
def add_item(slug: str, meeting_id: int) -> Response:
    """Add an agenda item (or a sub-item under a top item)."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_manage_meetings)
    form = AgendaItemForm()
    target = meeting_url(meeting, circle) + "#agenda"
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    return run(
        target,
        _("Punktet er lagt til."),
        lambda: services.add_item(
            db.session,
            meeting,
            circle,
            actor=current_user,
            parent_id=form.parent_id.data,
            match_report=_matcher(),
            **_values(form),
        ),
    )


@bp.route("/c/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_item(slug: str, meeting_id: int, item_id: int) -> Response | str:
    """Edit an agenda item's content and pre-reading."""
    circle = circle_or_404(slug)
    meeting = meeting_or_404(circle, meeting_id)
    if (gone := _item_gone(meeting, circle, item_id)) is not None:
        return gone
    item = _item_or_404(meeting, item_id)
    require_that(can_manage_meetings, circle)
    form = (
        AgendaItemForm()
        if request.method == "POST"
        else AgendaItemForm(
            data={
                "title": item.title,
                "kind": item.kind.value,
                "presenter": item.presenter,
                "minutes_planned": item.minutes_planned,
                "description": item.description,
                "preparation": item.preparation,
                "readings": "\n".join(
                    f"{r.title} | {r.url}" if r.url else r.title for r in item.readings
                ),
            }
        )
    )
    del form.parent_id
    if form.validate_on_submit():
        try:
            services.update_item(
                db.session,
                item,
                circle,
                actor=current_user,
                match_report=_matcher(),
                **_values(form),
            )
        except DomainError as exc:
            flash_error(exc)
        else:
            db.session.commit()
            return redirect(meeting_url(meeting, circle) + "#agenda")
    return render_template(
        "meetings/item.html", circle=circle, meeting=meeting, item=item, form=form
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/delete")
@login_required
def delete_item(slug: str, meeting_id: int, item_id: int) -> Response:
    """Remove an agenda item and its sub-items."""
    circle = circle_or_404(slug)
    meeting = meeting_or_404(circle, meeting_id)
    if (gone := _item_gone(meeting, circle, item_id)) is not None:
        return gone
    item = _item_or_404(meeting, item_id)
    require_that(can_manage_meetings, circle)
    return run(
        meeting_url(meeting, circle) + "#agenda",
        _("Punktet er fjernet."),
        lambda: services.delete_item(db.session, item, circle, actor=current_user),
    )


@bp.post(
    "/c/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/readings/<int:reading_id>/delete"
)
@login_required
def delete_reading(slug: str, meeting_id: int, item_id: int, reading_id: int) -> Response:
    """Delete one pre-reading entry of an agenda item."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_manage_meetings)
    if (gone := _item_gone(meeting, circle, item_id)) is not None:
        return gone
    item = _item_or_404(meeting, item_id)
    target = meeting_url(meeting, circle, "meetings.edit_item", item_id=item.id)
    form = CsrfForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    return run(
        target,
        _("Forhåndslesingen er slettet."),
        lambda: services.delete_reading(db.session, item, reading_id, circle, actor=current_user),
    )


@bp.post("/c/<slug>/meetings/<int:meeting_id>/agenda/order")
@login_required
def reorder(slug: str, meeting_id: int) -> Response:
    """Save the order: a position number and a parent per item (drag-and-drop posts the same)."""
    circle = circle_or_404(slug)
    meeting = managed_meeting(circle, meeting_id, can_manage_meetings)
    form = CsrfForm()
    target = meeting_url(meeting, circle) + "#agenda"
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    order: dict[int, tuple[float, int | None]] = {}
    for item in meeting.items:
        try:
            position = float(request.form.get(f"position-{item.id}", item.position))
            raw_parent = request.form.get(f"parent-{item.id}") or str(item.parent_id or 0)
            parent = 0 if raw_parent == "0" else parse_id(raw_parent)
            if parent is None or not math.isfinite(position):
                raise ValueError(raw_parent)
        except ValueError:
            flash_error(DomainError(_("Plasseringen må være et tall.")))
            return redirect(target)
        order[item.id] = (position, parent or None)
    return run(
        target,
        _("Rekkefølgen er lagret."),
        lambda: services.reorder_items(
            db.session, meeting, circle, actor=current_user, order=order
        ),
    )
