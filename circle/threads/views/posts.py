"""Views: replying (with quotes), editing with history, removing, reporting, hiding posts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import Conflict, DomainError
from circle.extensions import db
from circle.inputs import parse_id
from circle.threads.forms import POST_HINT, EditPostForm, PostForm, ReportForm
from circle.threads.permissions import (
    can_delete_post,
    can_edit_post,
    can_moderate,
    can_post,
    can_report,
    can_see_history,
)
from circle.threads.services import moderation
from circle.threads.services import posts as post_services
from circle.threads.views import bp
from circle.threads.views.common import (
    flash_form_errors,
    mentions_url,
    post_or_404,
    thread_or_404,
    thread_url,
    wants_preview,
)
from circle.web import circle_or_404, flash_domain_error, require, run_and_redirect


def _status_for(error: DomainError) -> int:
    return 409 if isinstance(error, Conflict) else 400


@bp.route("/c/<slug>/threads/<int:thread_id>/reply", methods=["GET", "POST"])
@login_required
def reply(slug: str, thread_id: int) -> Response | tuple[str, int]:
    """Write a post, or a reply to one (?to=<post id>, &quote=1 to start with a quote)."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    form = PostForm()
    raw_parent = form.parent_id.data or request.args.get("to", "")
    parent_id = parse_id(raw_parent)
    parent = post_or_404(thread, parent_id) if parent_id is not None else None
    status, preview = 200, None
    if not can_post(current_user, circle, thread, subject):
        # The member sees the thread but it takes no posts: say so, keep nothing.
        status = 409
        flash(
            _("Tråden er låst og tar ikke imot nye innlegg.")
            if thread.locked
            else _("Tråden er lukket og tar ikke imot nye innlegg."),
            "error",
        )
    elif form.validate_on_submit() and wants_preview():
        preview = post_services.preview_post(
            db.session, thread, actor=current_user, body=form.body.data, subject=subject
        )
    elif form.validate_on_submit():
        try:
            post = post_services.add_post(
                db.session,
                thread,
                actor=current_user,
                body=form.body.data,
                parent=parent,
                subject=subject,
            )
        except DomainError as exc:
            flash_domain_error(exc)
            status = _status_for(exc)
        else:
            db.session.commit()
            flash(_("Innlegget er publisert."), "success")
            return redirect(thread_url(thread, post.id))
    elif request.method == "POST":
        status = 400
    elif parent is not None and request.args.get("quote"):
        form.body.data = post_services.quote_of(parent, request.args.get("passage"))
    if parent is not None:
        form.parent_id.data = str(parent.id)
    return render_template(
        "threads/reply.html",
        circle=circle,
        thread=thread,
        parent=parent,
        form=form,
        hint=POST_HINT,
        may_post=status != 409,
        preview=preview,
        mentions_url=mentions_url(thread),
    ), status


@bp.route("/c/<slug>/threads/<int:thread_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(slug: str, thread_id: int, post_id: int) -> Response | tuple[str, int]:
    """Change one's own post; the earlier text is kept in its history."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    post = post_or_404(thread, post_id)
    require(can_edit_post(current_user, post))
    form = EditPostForm(data={"body": post.body} if request.method == "GET" else None)
    status, preview = 200, None
    if not thread.accepts_posts:
        status = 409
        flash(_("Tråden er låst eller lukket, og innlegg kan ikke endres."), "error")
    elif form.validate_on_submit() and wants_preview():
        preview = post_services.preview_post(
            db.session, thread, actor=current_user, body=form.body.data, subject=subject
        )
    elif form.validate_on_submit():
        try:
            post_services.edit_post(
                db.session, post, actor=current_user, body=form.body.data, subject=subject
            )
        except DomainError as exc:
            flash_domain_error(exc)
            status = _status_for(exc)
        else:
            db.session.commit()
            flash(_("Endringen er lagret."), "success")
            return redirect(thread_url(thread, post.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "threads/edit_post.html",
        circle=circle,
        thread=thread,
        post=post,
        form=form,
        hint=POST_HINT,
        may_edit=status != 409,
        preview=preview,
        mentions_url=mentions_url(thread),
    ), status


@bp.post("/c/<slug>/threads/<int:thread_id>/posts/<int:post_id>/delete")
@login_required
def delete_post(slug: str, thread_id: int, post_id: int) -> Response:
    """Remove one's own post; "removed" stays in its place."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    post = post_or_404(thread, post_id)
    require(can_delete_post(current_user, post))
    return run_and_redirect(
        thread_url(thread, post.id),
        _("Innlegget er fjernet."),
        lambda: post_services.delete_post(db.session, post, actor=current_user, subject=subject),
    )


@bp.get("/c/<slug>/threads/<int:thread_id>/posts/<int:post_id>/history")
@login_required
def history(slug: str, thread_id: int, post_id: int) -> str:
    """Earlier versions of a post (its author and the circle's leaders)."""
    circle = circle_or_404(slug)
    thread, _subject = thread_or_404(circle, thread_id)
    post = post_or_404(thread, post_id)
    require(can_see_history(current_user, circle, post))
    return render_template(
        "threads/history.html",
        circle=circle,
        thread=thread,
        post=post,
        revisions=post_services.revisions(db.session, post),
    )


@bp.post("/c/<slug>/threads/<int:thread_id>/posts/<int:post_id>/report")
@login_required
def report(slug: str, thread_id: int, post_id: int) -> Response:
    """Report a post to the circle's leaders."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    post = post_or_404(thread, post_id)
    require(can_report(current_user, post))
    form = ReportForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(thread_url(thread, post.id))
    return run_and_redirect(
        thread_url(thread, post.id),
        _("Takk. Sirkellederne har fått beskjed."),
        lambda: moderation.report_post(
            db.session, post, actor=current_user, reason=form.reason.data or "", subject=subject
        ),
    )


def _moderate(slug: str, thread_id: int, post_id: int, run, message: str) -> Response:  # noqa: ANN001
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    post = post_or_404(thread, post_id)
    require(can_moderate(current_user, circle))
    return run_and_redirect(
        request.form.get("next") == "reports"
        and _reports_url(circle.slug)
        or thread_url(thread, post.id),
        message,
        lambda: run(db.session, post, actor=current_user, subject=subject),
    )


def _reports_url(slug: str) -> str:
    return url_for("threads.reports", slug=slug)


@bp.post("/c/<slug>/threads/<int:thread_id>/posts/<int:post_id>/hide")
@login_required
def hide(slug: str, thread_id: int, post_id: int) -> Response:
    """Hide a post from everyone but the leaders."""
    return _moderate(slug, thread_id, post_id, moderation.hide_post, _("Innlegget er skjult."))


@bp.post("/c/<slug>/threads/<int:thread_id>/posts/<int:post_id>/restore")
@login_required
def restore(slug: str, thread_id: int, post_id: int) -> Response:
    """Show a hidden post again."""
    return _moderate(slug, thread_id, post_id, moderation.restore_post, _("Innlegget vises igjen."))


@bp.post("/c/<slug>/threads/<int:thread_id>/posts/<int:post_id>/dismiss")
@login_required
def dismiss(slug: str, thread_id: int, post_id: int) -> Response:
    """Mark a post's reports as handled without hiding it."""
    return _moderate(
        slug, thread_id, post_id, moderation.dismiss_reports, _("Rapportene er avsluttet.")
    )
