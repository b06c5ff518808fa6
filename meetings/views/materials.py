"""Views: attaching materials to agenda items or the minutes, and downloading them."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.files import download_response
from circle.models import Circle
from circle.permissions import can_manage_circle
from circle.storage import get_storage
from circle.web import circle_or_404, require
from meetings.forms import CsrfForm, MaterialForm
from meetings.models import Material, Meeting
from meetings.permissions import (
    can_attach_to_item,
    can_attach_to_minutes,
    can_view_material,
    can_withdraw_material,
)
from meetings.services import materials as services
from meetings.views.common import (
    bp,
    flash_error,
    flash_form_errors,
    meeting_or_404,
    meeting_url,
    run,
)


def material_context(meeting: Meeting, circle: Circle, *, minutes_page: bool) -> dict[str, Any]:
    """Return what a page needs to list the materials and (if allowed) the upload form."""
    choices: list[tuple[int, str]] = []
    if can_attach_to_minutes(current_user, meeting, circle):
        choices.append((0, _("Referatet")))
    if not minutes_page and can_attach_to_item(current_user, meeting, circle):
        choices += [(i.id, i.title) for i in meeting.items if i.parent_id is None]
    form = None
    if choices:
        form = MaterialForm()
        form.attach_to.choices = choices
    return {
        "materials": services.visible_materials(db.session, meeting, circle, current_user),
        "material_form": form,
        "can_withdraw_material": lambda m: (
            m.withdrawn_at is None and can_withdraw_material(current_user, m, meeting, circle)
        ),
    }


@bp.post("/c/<slug>/meetings/<int:meeting_id>/materials")
@login_required
def attach_material(slug: str, meeting_id: int) -> Response:
    """Attach a file to an agenda item (participants, leaders) or the minutes (leaders)."""
    circle = circle_or_404(slug)
    meeting = meeting_or_404(circle, meeting_id, page=False)
    on_minutes = request.form.get("attach_to") == "0"
    if not can_view_material(current_user, meeting, circle, on_minutes):
        abort(404)
    allowed = (
        can_attach_to_minutes(current_user, meeting, circle)
        if on_minutes
        else can_attach_to_item(current_user, meeting, circle)
    )
    require(allowed)
    target = meeting_url(meeting, circle, "meetings.minutes" if on_minutes else "meetings.show")
    form = MaterialForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    upload = form.file.data
    try:
        services.attach_material(
            db.session,
            meeting,
            circle,
            actor=current_user,
            storage=get_storage(),
            data=upload.read(),
            filename=upload.filename or "",
            item_id=form.attach_to.data or None,
            locale=str(get_locale() or "nb"),
        )
    except DomainError as exc:
        flash_error(exc)
        return redirect(target)
    db.session.commit()  # a failed commit removes the pending file with the rollback
    flash(_("Filen er lastet opp og leses nå. Den vises når den er lest."), "success")
    return redirect(target)


@bp.get("/c/<slug>/meetings/<int:meeting_id>/materials/<int:material_id>")
@login_required
def material(slug: str, meeting_id: int, material_id: int) -> Response:
    """Download a material under its name (404 for what the member may not see)."""
    circle = circle_or_404(slug)
    meeting = meeting_or_404(circle, meeting_id, page=False)
    found = services.material_for_download(db.session, meeting, circle, current_user, material_id)
    if found is None:
        abort(404)
    return download_response(found.stored_file, get_storage())


@bp.post("/c/<slug>/meetings/<int:meeting_id>/materials/<int:material_id>/withdraw")
@login_required
def withdraw_material(slug: str, meeting_id: int, material_id: int) -> Response:
    """Withdraw a material (whoever attached it, or a leader); the leaders keep the file."""
    circle = circle_or_404(slug)
    meeting = meeting_or_404(circle, meeting_id, page=False)
    found = db.session.get(Material, material_id)
    if found is None or found.meeting_id != meeting.id:
        abort(404)
    on_minutes = found.item_id is None
    if not can_view_material(current_user, meeting, circle, on_minutes) or not (
        found.withdrawn_at is None or can_manage_circle(current_user, circle)
    ):
        abort(404)
    target = meeting_url(meeting, circle, "meetings.minutes" if on_minutes else "meetings.show")
    form = CsrfForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    if found.withdrawn_at is not None:
        flash(_("Filen er allerede trukket tilbake."), "info")
        return redirect(target)
    require(can_withdraw_material(current_user, found, meeting, circle))
    return run(
        target,
        _("«%(name)s» er trukket tilbake.", name=found.stored_file.original_name),
        lambda: services.withdraw_material(db.session, meeting, circle, found, actor=current_user),
    )
