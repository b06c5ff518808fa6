"""Views: the list of threads, starting one, reading one, following, states and moderation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.i18n import local_today
from circle.inputs import parse_id
from circle.text import render_markdown
from circle.threads.forms import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    STATE_LABELS,
    PostForm,
    ResolveForm,
    ThreadForm,
)
from circle.threads.lookup import subject_lookup
from circle.threads.models import Audience, ThreadKind, ThreadState
from circle.threads.permissions import (
    allowed_audiences,
    audience_roles,
    can_edit_thread_title,
    can_moderate,
    can_post,
    can_start_thread,
    can_view_threads,
)
from circle.threads.rendering import day_formatter
from circle.threads.services import following, moderation
from circle.threads.services.posts import LONG_BRANCH, Preview
from circle.threads.services.reading import load_thread_page, page_of_post
from circle.threads.services.threads import create_thread, threads_on_subject, visible_threads
from circle.threads.views import bp
from circle.threads.views.common import (
    flash_form_errors,
    thread_or_404,
    thread_url,
    wants_no_page,
    wants_preview,
)
from circle.web import circle_or_404, flash_domain_error, require, require_that, run_and_redirect

FILTERS = {
    "open": (ThreadState.OPEN,),
    "resolved": (ThreadState.RESOLVED,),
    "closed": (ThreadState.CLOSED,),
}


@bp.get("/c/<slug>/threads")
@login_required
def index(slug: str) -> str:
    """The threads the member sees: pinned first, then the latest activity."""
    circle = circle_or_404(slug)
    require_that(can_view_threads, circle)
    state = request.args.get("state", "")
    rows = visible_threads(
        db.session, circle, current_user, subject_lookup(), states=FILTERS.get(state)
    )
    return render_template(
        "threads/index.html",
        circle=circle,
        rows=rows,
        state=state if state in FILTERS else "",
        state_labels=STATE_LABELS,
        audience_labels=AUDIENCE_LABELS,
        today=local_today(),
        can_start=can_start_thread(current_user, circle),
        can_moderate=can_moderate(current_user, circle),
    )


def _subject_from_args(form: ThreadForm):  # noqa: ANN202
    kind = form.subject_kind.data or request.args.get("subject_kind") or ""
    raw_id = form.subject_id.data or request.args.get("subject_id") or ""
    if not kind:
        return None, None, None
    subject_id = parse_id(raw_id)
    if subject_id is None:
        abort(404)
    subject = subject_lookup()(kind, subject_id)
    return kind, subject_id, subject


@bp.route("/c/<slug>/threads/new", methods=["GET", "POST"])
@login_required
def new(slug: str) -> Response | str:
    """Start a thread, a consultation, or a thread about a shared document."""
    circle = circle_or_404(slug)
    require(can_start_thread(current_user, circle))
    form = ThreadForm()
    audiences = allowed_audiences(current_user, circle)
    form.audience.choices = [(a.value, AUDIENCE_LABELS[a]) for a in audiences]
    kind, subject_id, subject = _subject_from_args(form)
    if kind is not None:
        # A subject that does not resolve (a draft, another circle's) gets no thread: 404.
        if subject is None or subject.circle_id not in (None, circle.id):
            abort(404)
        audiences = [a for a in audiences if audience_roles(a) <= subject.audience_ok]
        if not audiences:
            abort(404)
        form.audience.choices = [(a.value, AUDIENCE_LABELS[a]) for a in audiences]
        form.subject_kind.data, form.subject_id.data = kind, str(subject_id)
    if request.method == "GET" and not form.audience.data:
        form.audience.data = (
            Audience.REFERENCE.value if (Audience.REFERENCE in audiences) else audiences[0].value
        )
    preview = None
    if form.validate_on_submit() and wants_preview():
        # Before the thread exists its audience is not settled: mentions are linked once posted.
        preview = Preview(html=render_markdown(form.body.data or ""), problem=None)
    elif form.validate_on_submit():
        thread_kind = ThreadKind.SUBJECT if subject is not None else ThreadKind(form.kind.data)
        try:
            thread = create_thread(
                db.session,
                circle,
                actor=current_user,
                title=form.title.data,
                body=form.body.data or "",
                audience=Audience(form.audience.data),
                kind=thread_kind,
                deadline=form.deadline.data,
                requested_by=form.requested_by.data or "",
                subject=subject,
            )
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Tråden er startet."), "success")
            return redirect(thread_url(thread))
    existing = (
        threads_on_subject(db.session, circle, current_user, subject_lookup(), kind, subject_id)
        if subject is not None
        else []
    )
    return render_template(
        "threads/new.html",
        circle=circle,
        form=form,
        subject=subject,
        existing=existing,
        preview=preview,
    ), (400 if form.errors else 200)


@bp.get("/c/<slug>/threads/<int:thread_id>")
@login_required
def show(slug: str, thread_id: int) -> str:
    """A page of a thread's branches (`?page=`, or the page showing `?post=`); what is new
    since the member's last visit is marked."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    moderator = can_moderate(current_user, circle)
    seen, follows = following.visit_state(db.session, current_user, thread)
    at_post = parse_id(request.args.get("post"))
    number = (
        page_of_post(db.session, thread, at_post)
        if at_post is not None
        else parse_id(request.args.get("page")) or 1
    )
    page = load_thread_page(
        db.session,
        thread,
        with_reports=moderator,
        reader=current_user,
        seen=seen or 0,
        page=number,
    )
    return render_template(
        "threads/show.html",
        circle=circle,
        thread=thread,
        subject=subject,
        page=page,
        seen=seen if seen is not None else 0,
        first_visit=seen is None,
        following=follows,
        moderator=moderator,
        may_post=can_post(current_user, circle, thread, subject),
        me=current_user.id,
        day=day_formatter(),
        post_form=PostForm(formdata=None),
        resolve_form=ResolveForm(formdata=None),
        audience_labels=AUDIENCE_LABELS,
        kind_labels=KIND_LABELS,
        state_labels=STATE_LABELS,
        base=thread_url(thread),
        today=local_today(),
        long_branch=LONG_BRANCH,
        may_edit_title=can_edit_thread_title(current_user, circle, thread),
    )


@bp.post("/c/<slug>/threads/<int:thread_id>/read")
@login_required
def mark_read(slug: str, thread_id: int) -> Response:
    """Record that the member has read the thread up to the newest post shown to them."""
    circle = circle_or_404(slug)
    thread, _subject = thread_or_404(circle, thread_id)
    raw = request.form.get("upto", "")
    upto = parse_id(raw) or thread.last_post_id
    following.mark_read(db.session, current_user, thread, upto)
    db.session.commit()
    if wants_no_page():
        return Response(status=204)
    return redirect(thread_url(thread))


@bp.post("/c/<slug>/threads/<int:thread_id>/follow")
@login_required
def follow(slug: str, thread_id: int) -> Response:
    """Follow a thread one can see."""
    circle = circle_or_404(slug)
    thread, _subject = thread_or_404(circle, thread_id)
    return run_and_redirect(
        thread_url(thread),
        _("Du følger nå tråden."),
        lambda: following.follow(db.session, thread, {current_user.id}),
    )


@bp.post("/c/<slug>/threads/<int:thread_id>/unfollow")
@login_required
def unfollow(slug: str, thread_id: int) -> Response:
    """Stop following a thread."""
    circle = circle_or_404(slug)
    thread, _subject = thread_or_404(circle, thread_id)
    return run_and_redirect(
        thread_url(thread),
        _("Du følger ikke lenger tråden."),
        lambda: following.unfollow(db.session, thread, current_user),
    )


STATE_ACTIONS = {
    "pin": (
        lambda t, a, s: moderation.set_pinned(db.session, t, True, actor=a, subject=s),
        _("Tråden er festet øverst."),
    ),
    "unpin": (
        lambda t, a, s: moderation.set_pinned(db.session, t, False, actor=a, subject=s),
        _("Tråden er ikke lenger festet."),
    ),
    "lock": (
        lambda t, a, s: moderation.set_locked(db.session, t, True, actor=a, subject=s),
        _("Tråden er låst."),
    ),
    "unlock": (
        lambda t, a, s: moderation.set_locked(db.session, t, False, actor=a, subject=s),
        _("Tråden er låst opp."),
    ),
    "close": (
        lambda t, a, s: moderation.close_thread(db.session, t, actor=a, subject=s),
        _("Tråden er lukket."),
    ),
    "reopen": (
        lambda t, a, s: moderation.reopen_thread(db.session, t, actor=a, subject=s),
        _("Tråden er åpnet igjen."),
    ),
}


@bp.post("/c/<slug>/threads/<int:thread_id>/state")
@login_required
def change_state(slug: str, thread_id: int) -> Response:
    """Pin, unpin, lock, unlock, close or reopen a thread (leaders)."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    require_that(can_moderate, circle)
    action = STATE_ACTIONS.get(request.form.get("action", ""))
    if action is None:
        abort(400)
    run, message = action
    return run_and_redirect(
        thread_url(thread), str(message), lambda: run(thread, current_user, subject)
    )


@bp.post("/c/<slug>/threads/<int:thread_id>/resolve")
@login_required
def resolve(slug: str, thread_id: int) -> Response:
    """Mark the thread as answered, with how the input was used (leaders)."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    require_that(can_moderate, circle)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(thread_url(thread) + "#resolve")
    return run_and_redirect(
        thread_url(thread),
        _("Tråden er markert som besvart."),
        lambda: moderation.resolve_thread(
            db.session, thread, actor=current_user, resolution=form.resolution.data, subject=subject
        ),
    )


@bp.get("/c/<slug>/threads/reports")
@login_required
def reports(slug: str) -> str:
    """Posts members have reported (leaders)."""
    circle = circle_or_404(slug)
    require_that(can_moderate, circle)
    return render_template(
        "threads/reports.html", circle=circle, reports=moderation.open_reports(db.session, circle)
    )
