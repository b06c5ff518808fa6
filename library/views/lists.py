"""Views for the circle's reading lists."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.models import Circle
from circle.web import (
    circle_or_404,
    flash_domain_error,
    flash_form_errors,
    require,
    require_that,
    run_and_redirect,
)
from library.forms import AddToListForm, MoveForm, NoteForm, ReadingListForm
from library.models import ReadingList
from library.permissions import can_edit_reading_lists, can_view_reading_list
from library.services import citations
from library.services import reading_lists as services
from library.views.common import bp, export_response, report_or_404


def _list_or_404(circle: Circle, list_id: int) -> ReadingList:
    reading_list = services.get_reading_list(db.session, circle, list_id)
    if reading_list is None or not can_view_reading_list(current_user, circle, reading_list):
        abort(404)
    return reading_list


@bp.get("/c/<slug>/library/lists")
@login_required
def lists(slug: str) -> str:
    """The circle's reading lists."""
    circle = circle_or_404(slug)
    return render_template(
        "library/lists.html",
        circle=circle,
        form=ReadingListForm(),
        lists=services.list_reading_lists(db.session, circle),
        can_edit=can_edit_reading_lists(current_user, circle),
    )


@bp.post("/c/<slug>/library/lists")
@login_required
def create_list(slug: str) -> Response:
    """Create a reading list."""
    circle = circle_or_404(slug)
    require_that(can_edit_reading_lists, circle)
    form = ReadingListForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("library.lists", slug=slug))
    try:
        reading_list = services.create_reading_list(
            db.session,
            circle,
            actor=current_user,
            title=form.title.data,
            description=form.description.data or "",
        )
    except DomainError as exc:
        flash_domain_error(exc)
        return redirect(url_for("library.lists", slug=slug))
    db.session.commit()
    flash(_("Leselisten er opprettet."), "success")
    return redirect(url_for("library.show_list", slug=slug, list_id=reading_list.id))


@bp.get("/c/<slug>/library/lists/<int:list_id>")
@login_required
def show_list(slug: str, list_id: int) -> str:
    """A reading list with its reports in order and their notes."""
    circle = circle_or_404(slug)
    reading_list = _list_or_404(circle, list_id)
    entries = services.visible_entries(reading_list, circle)
    form = ReadingListForm(obj=reading_list)
    return render_template(
        "library/list.html",
        circle=circle,
        reading_list=reading_list,
        entries=entries,
        form=form,
        apa={e.id: citations.apa(e.report) for e in entries},
        can_edit=can_edit_reading_lists(current_user, circle),
    )


@bp.post("/c/<slug>/library/lists/<int:list_id>/edit")
@login_required
def edit_list(slug: str, list_id: int) -> Response:
    """Rename a reading list or change its description."""
    circle = circle_or_404(slug)
    reading_list = _list_or_404(circle, list_id)
    require_that(can_edit_reading_lists, circle)
    form = ReadingListForm()
    target = url_for("library.show_list", slug=slug, list_id=list_id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(target)
    return run_and_redirect(
        target,
        _("Leselisten er lagret."),
        lambda: services.update_reading_list(
            db.session,
            reading_list,
            circle,
            actor=current_user,
            title=form.title.data,
            description=form.description.data or "",
        ),
    )


@bp.post("/c/<slug>/library/lists/<int:list_id>/delete")
@login_required
def delete_list(slug: str, list_id: int) -> Response:
    """Delete a reading list."""
    circle = circle_or_404(slug)
    reading_list = _list_or_404(circle, list_id)
    require_that(can_edit_reading_lists, circle)
    return run_and_redirect(
        url_for("library.lists", slug=slug),
        _("Leselisten er slettet."),
        lambda: services.delete_reading_list(db.session, reading_list, circle, actor=current_user),
    )


@bp.post("/c/<slug>/library/reports/<int:report_id>/lists")
@login_required
def add_to_list(slug: str, report_id: int) -> Response:
    """Put a report on one of the circle's reading lists, with a note."""
    circle = circle_or_404(slug)
    report = report_or_404(circle, report_id)
    require_that(can_edit_reading_lists, circle)
    form = AddToListForm()
    target = url_for("library.show", slug=slug, report_id=report_id)
    if not form.validate_on_submit() or not form.list_id.data:
        flash_form_errors(form)
        return redirect(target)
    reading_list = _list_or_404(circle, form.list_id.data)
    return run_and_redirect(
        target,
        _("Rapporten er lagt på leselisten «%(title)s».", title=reading_list.title),
        lambda: services.add_entry(
            db.session, reading_list, circle, report, actor=current_user, note=form.note.data or ""
        ),
    )


def _entry_action(
    slug: str,
    list_id: int,
    entry_id: int,
    message: str,
    action: Callable[[Circle, ReadingList], object],
) -> Response:
    circle = circle_or_404(slug)
    reading_list = _list_or_404(circle, list_id)
    if not any(e.id == entry_id for e in services.visible_entries(reading_list, circle)):
        abort(404)
    require(can_edit_reading_lists(current_user, circle))
    target = url_for("library.show_list", slug=slug, list_id=list_id)
    return run_and_redirect(target, message, lambda: action(circle, reading_list))


@bp.post("/c/<slug>/library/lists/<int:list_id>/entries/<int:entry_id>/move")
@login_required
def move_entry(slug: str, list_id: int, entry_id: int) -> Response:
    """Move an entry up or down."""
    form = MoveForm()
    direction = form.direction.data if form.validate_on_submit() else ""
    return _entry_action(
        slug,
        list_id,
        entry_id,
        _("Rekkefølgen er endret."),
        lambda circle, rl: services.move_entry(
            db.session, rl, circle, entry_id, actor=current_user, direction=direction or ""
        ),
    )


@bp.post("/c/<slug>/library/lists/<int:list_id>/entries/<int:entry_id>/note")
@login_required
def set_note(slug: str, list_id: int, entry_id: int) -> Response:
    """Change an entry's note."""
    form = NoteForm()
    valid = form.validate_on_submit()

    def save(circle: Circle, reading_list: ReadingList) -> None:
        if not valid:
            errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
            raise DomainError(" ".join(errors) or _("Notatet ble ikke lagret."))
        services.set_note(
            db.session,
            reading_list,
            circle,
            entry_id,
            actor=current_user,
            note=form.note.data or "",
        )

    return _entry_action(slug, list_id, entry_id, _("Notatet er lagret."), save)


@bp.post("/c/<slug>/library/lists/<int:list_id>/entries/<int:entry_id>/remove")
@login_required
def remove_entry(slug: str, list_id: int, entry_id: int) -> Response:
    """Take a report off the list."""
    return _entry_action(
        slug,
        list_id,
        entry_id,
        _("Rapporten er tatt av leselisten."),
        lambda circle, rl: services.remove_entry(
            db.session, rl, circle, entry_id, actor=current_user
        ),
    )


@bp.get("/c/<slug>/library/lists/<int:list_id>/export.<fmt>")
@login_required
def export_list(slug: str, list_id: int, fmt: str) -> Response:
    """Export a reading list as BibTeX, RIS or CSL-JSON, in the list's order."""
    circle = circle_or_404(slug)
    reading_list = _list_or_404(circle, list_id)
    reports = [e.report for e in services.visible_entries(reading_list, circle)]
    return export_response(reports, fmt, f"leseliste-{reading_list.id}")
