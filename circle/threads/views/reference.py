"""Views: the reference group's start page and the leaders' status updates; the home panel."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.i18n import local_today
from circle.inputs import parse_id
from circle.threads.forms import STATE_LABELS, StatusForm
from circle.threads.lookup import subject_lookup
from circle.threads.models import StatusUpdate, ThreadKind, ThreadState
from circle.threads.permissions import can_view_reference_page, can_write_status
from circle.threads.services.threads import (
    STATUS_KIND,
    create_status_update,
    status_thread,
    status_updates,
    visible_threads,
)
from circle.threads.subjects import reference_feed, subject_kinds
from circle.threads.views import bp
from circle.web import circle_or_404, flash_domain_error, require_that


@bp.get("/c/<slug>/reference")
@login_required
def reference_home(slug: str) -> str:
    """What the circle shares with its reference group, open consultations, followed threads."""
    circle = circle_or_404(slug)
    require_that(can_view_reference_page, circle)
    lookup = subject_lookup()
    member = current_user._get_current_object()  # asked often below: skip the proxy
    consultations = visible_threads(
        db.session,
        circle,
        member,
        lookup,
        states=(ThreadState.OPEN,),
        kind=ThreadKind.CONSULTATION,
    )
    return render_template(
        "threads/reference.html",
        circle=circle,
        statuses=status_updates(db.session, circle, 5),
        feed=reference_feed(current_app, db.session, circle),
        consultations=consultations,
        today=local_today(),
        state_labels=STATE_LABELS,
        followed=visible_threads(db.session, circle, member, lookup, followed_only=True, limit=30),
        can_write=can_write_status(member, circle),
    )


def _link_choices(circle) -> list[tuple[str, str]]:  # noqa: ANN001
    """Shared items that can be linked: feed entries whose kind is a registered subject kind."""
    kinds = subject_kinds(current_app) - {STATUS_KIND}
    lookup = subject_lookup()
    choices = []
    for item in reference_feed(current_app, db.session, circle, limit=100):
        item_id = getattr(item, "id", None)
        if item.kind in kinds and isinstance(item_id, int):
            subject = lookup(item.kind, item_id)
            if subject is not None and "reference" in subject.audience_ok:
                choices.append((f"{item.kind}:{item_id}", subject.title))
    return choices


@bp.route("/c/<slug>/status/new", methods=["GET", "POST"])
@login_required
def new_status(slug: str) -> Response | tuple[str, int]:
    """Write a status update for the reference group (leaders)."""
    circle = circle_or_404(slug)
    require_that(can_write_status, circle)
    form = StatusForm()
    form.links.choices = _link_choices(circle)
    if form.validate_on_submit():
        lookup = subject_lookup()
        links = []
        for value in form.links.data or []:
            kind, _sep, raw = value.partition(":")
            subject_id = parse_id(raw)
            subject = lookup(kind, subject_id) if subject_id is not None else None
            if subject is not None:
                links.append(subject)
        try:
            status = create_status_update(
                db.session,
                circle,
                actor=current_user,
                title=form.title.data,
                body=form.body.data,
                links=links,
                lookup=lookup,
            )
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Statusoppdateringen er publisert for referansegruppen."), "success")
            return redirect(url_for("threads.show_status", slug=slug, status_id=status.id))
    return render_template("threads/status_new.html", circle=circle, form=form), (
        400 if form.errors else 200
    )


@bp.get("/c/<slug>/status/<int:status_id>")
@login_required
def show_status(slug: str, status_id: int) -> str:
    """A status update with its links and the way to its comments."""
    circle = circle_or_404(slug)
    status = db.session.get(StatusUpdate, status_id)
    if status is None or status.circle_id != circle.id:
        abort(404)
    require_that(can_view_reference_page, circle)
    lookup = subject_lookup()
    links = [
        s
        for s in (lookup(link.subject_kind, link.subject_id) for link in status.links)
        if s is not None and "reference" in s.audience_ok
    ]
    return render_template(
        "threads/status.html",
        circle=circle,
        status=status,
        links=links,
        thread=status_thread(db.session, status),
        may_edit=can_write_status(current_user, circle),
    )


def home_panel(circle, member):  # noqa: ANN001, ANN201
    """Open threads and consultations on the circle's home page."""
    rows = visible_threads(
        db.session, circle, member, subject_lookup(), states=(ThreadState.OPEN,), limit=6
    )
    return "threads/panel.html", {"rows": rows, "today": local_today()}
