"""Views: editing a thread's title and a status update, and the history of each."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.models import Circle
from circle.text import render_markdown
from circle.threads.forms import StatusEditForm, TitleForm
from circle.threads.models import RevisionTarget, StatusUpdate
from circle.threads.permissions import (
    can_edit_thread_title,
    can_view_reference_page,
    can_write_status,
)
from circle.threads.services import editing
from circle.threads.views import bp
from circle.threads.views.common import thread_or_404, thread_url, wants_preview
from circle.web import circle_or_404, flash_domain_error, require, require_that


def _status_or_404(circle: Circle, status_id: int) -> StatusUpdate:
    status = db.session.get(StatusUpdate, status_id)
    if status is None or status.circle_id != circle.id:
        abort(404)
    return status


@bp.route("/c/<slug>/threads/<int:thread_id>/title", methods=["GET", "POST"])
@login_required
def edit_title(slug: str, thread_id: int) -> Response | tuple[str, int]:
    """Change a thread's title (its starter and the leaders); the old title is kept."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    require(can_edit_thread_title(current_user, circle, thread))
    form = TitleForm(data={"title": thread.title} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            editing.edit_thread_title(
                db.session, thread, actor=current_user, title=form.title.data, subject=subject
            )
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Tittelen er endret."), "success")
            return redirect(thread_url(thread))
    return render_template("threads/edit_title.html", circle=circle, thread=thread, form=form), (
        400 if request.method == "POST" else 200
    )


@bp.get("/c/<slug>/threads/<int:thread_id>/title/history")
@login_required
def title_history(slug: str, thread_id: int) -> str:
    """Earlier titles of a thread, for everyone who sees it."""
    circle = circle_or_404(slug)
    thread, _subject = thread_or_404(circle, thread_id)
    return render_template(
        "threads/text_history.html",
        circle=circle,
        heading=_("Tidligere titler på tråden"),
        back=thread_url(thread),
        current_title=thread.title,
        current_body=None,
        edited_at=thread.title_edited_at,
        revisions=editing.text_revisions(db.session, RevisionTarget.THREAD, thread.id),
    )


@bp.route("/c/<slug>/status/<int:status_id>/edit", methods=["GET", "POST"])
@login_required
def edit_status(slug: str, status_id: int) -> Response | tuple[str, int]:
    """Change a status update (leaders); the earlier version is kept, a preview is offered."""
    circle = circle_or_404(slug)
    status = _status_or_404(circle, status_id)
    require_that(can_write_status, circle)
    data = {"title": status.title, "body": status.body} if request.method == "GET" else None
    form = StatusEditForm(data=data)
    preview = None
    if form.validate_on_submit() and wants_preview():
        preview = render_markdown(form.body.data)
    elif form.validate_on_submit():
        try:
            editing.edit_status_update(
                db.session, status, actor=current_user, title=form.title.data, body=form.body.data
            )
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Statusoppdateringen er endret."), "success")
            return redirect(url_for("threads.show_status", slug=slug, status_id=status.id))
    failed = request.method == "POST" and preview is None
    return render_template(
        "threads/status_edit.html", circle=circle, status=status, form=form, preview=preview
    ), (400 if failed else 200)


@bp.get("/c/<slug>/status/<int:status_id>/history")
@login_required
def status_history(slug: str, status_id: int) -> str:
    """Earlier versions of a status update (everyone who sees the reference page)."""
    circle = circle_or_404(slug)
    status = _status_or_404(circle, status_id)
    require_that(can_view_reference_page, circle)
    return render_template(
        "threads/text_history.html",
        circle=circle,
        heading=_("Tidligere versjoner av statusoppdateringen"),
        back=url_for("threads.show_status", slug=slug, status_id=status.id),
        current_title=status.title,
        current_body=status.body,
        edited_at=status.edited_at,
        revisions=editing.text_revisions(db.session, RevisionTarget.STATUS, status.id),
    )
