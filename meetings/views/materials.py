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
from circle.storage import get_storage
from circle.web import circle_or_404, require
from meetings.forms import MaterialForm
from meetings.models import Meeting
from meetings.permissions import can_attach_to_item, can_attach_to_minutes, can_view_material
from meetings.services import materials as services
from meetings.views.common import (
    bp,
    flash_error,
    flash_form_errors,
    meeting_or_404,
    meeting_url,
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
