"""Views: the circle list, a circle's home page and its settings."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.circles import services
from circle.circles.forms import (
    PHASE_LABELS,
    SITE_LABELS,
    UNIT_LABELS,
    CircleForm,
    PhaseForm,
    QuestionsForm,
    SiteForm,
    UnitForm,
)
from circle.errors import DomainError
from circle.extensions import db
from circle.home import render_panels
from circle.i18n import local_today
from circle.models import Phase, PhaseKind, SiteKind, Unit, UnitKind
from circle.permissions import can_create_circle, can_manage_circle, role_in
from circle.web import (
    circle_or_404,
    flash_domain_error,
    flash_form_errors,
    require,
    require_that,
    run_and_redirect,
)

bp = Blueprint("circles", __name__)


@bp.get("/")
@login_required
def index() -> str:
    """List the member's circles."""
    circles = services.list_circles_for(db.session, current_user)
    return render_template(
        "circles/index.html", circles=circles, can_create=can_create_circle(current_user)
    )


@bp.route("/circles/new", methods=["GET", "POST"])
@login_required
def create() -> Response | str:
    """Create a circle (site administrators)."""
    require(can_create_circle(current_user))
    form = CircleForm()
    if form.validate_on_submit():
        try:
            circle = services.create_circle(
                db.session,
                actor=current_user,
                name=form.name.data,
                slug=form.slug.data,
                institution=form.institution.data or "",
                description=form.description.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Sirkelen er opprettet."), "success")
            return redirect(url_for("circles.settings", slug=circle.slug))
    return render_template("circles/edit.html", form=form, circle=None)


@bp.get("/c/<slug>")
@login_required
def home(slug: str) -> str:
    """A circle's home page: timeline, main questions, themes and the areas' panels."""
    circle = circle_or_404(slug, structure=True)
    today = local_today()
    # The panels ask many questions of the member: ask the object, not the request proxy.
    member = current_user._get_current_object()
    return render_template(
        "circles/home.html",
        circle=circle,
        today=today,
        phase_labels=PHASE_LABELS,
        current_phase=circle.current_phase(today),
        role=role_in(member, circle),
        can_manage=can_manage_circle(member, circle),
        panels=render_panels(current_app, circle, member),
    )


@bp.route("/c/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> Response | str:
    """Edit the circle's name, description and period."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    form = CircleForm(obj=circle)
    del form.slug
    if form.validate_on_submit():
        try:
            services.update_circle(
                db.session,
                circle,
                actor=current_user,
                name=form.name.data,
                institution=form.institution.data or "",
                description=form.description.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Endringene er lagret."), "success")
            return redirect(url_for("circles.home", slug=slug))
    return render_template("circles/edit.html", form=form, circle=circle)


@bp.get("/c/<slug>/settings")
@login_required
def settings(slug: str) -> str:
    """Phases, main questions, units and service sites."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    questions = QuestionsForm(questions="\n".join(q.text for q in circle.questions))
    return render_template(
        "circles/settings.html",
        circle=circle,
        phase_form=PhaseForm(),
        questions_form=questions,
        unit_form=UnitForm(),
        site_form=SiteForm(),
        phase_labels=PHASE_LABELS,
        unit_labels=UNIT_LABELS,
        site_labels=SITE_LABELS,
    )


@bp.post("/c/<slug>/phases")
@login_required
def add_phase(slug: str) -> Response:
    """Add a phase."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    form = PhaseForm()
    if not form.validate_on_submit():
        return _flash_errors(form, slug)
    return run_and_redirect(
        url_for("circles.settings", slug=slug),
        _("Fasen er lagt til."),
        lambda: services.add_phase(
            db.session,
            circle,
            actor=current_user,
            kind=PhaseKind(form.kind.data),
            name=form.name.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        ),
    )


@bp.post("/c/<slug>/phases/<int:phase_id>/delete")
@login_required
def delete_phase(slug: str, phase_id: int) -> Response:
    """Remove a phase."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    phase = _child_or_404(db.session.get(Phase, phase_id), circle.id)
    return run_and_redirect(
        url_for("circles.settings", slug=slug),
        _("Fasen er fjernet."),
        lambda: services.delete_phase(db.session, phase, actor=current_user),
    )


@bp.post("/c/<slug>/questions")
@login_required
def set_questions(slug: str) -> Response:
    """Replace the main questions."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    form = QuestionsForm()
    if not form.validate_on_submit():
        return _flash_errors(form, slug)
    texts = (form.questions.data or "").splitlines()
    return run_and_redirect(
        url_for("circles.settings", slug=slug),
        _("Problemstillingene er lagret."),
        lambda: services.set_main_questions(db.session, circle, actor=current_user, texts=texts),
    )


@bp.post("/c/<slug>/units")
@login_required
def add_unit(slug: str) -> Response:
    """Add a unit."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    form = UnitForm()
    if not form.validate_on_submit():
        return _flash_errors(form, slug)
    return run_and_redirect(
        url_for("circles.settings", slug=slug),
        _("Enheten er lagt til."),
        lambda: services.add_unit(
            db.session,
            circle,
            actor=current_user,
            name=form.name.data,
            kind=UnitKind(form.kind.data),
        ),
    )


@bp.post("/c/<slug>/units/<int:unit_id>/sites")
@login_required
def add_site(slug: str, unit_id: int) -> Response:
    """Add a service site to a unit."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    unit = _child_or_404(db.session.get(Unit, unit_id), circle.id)
    form = SiteForm()
    if not form.validate_on_submit():
        return _flash_errors(form, slug)
    return run_and_redirect(
        url_for("circles.settings", slug=slug),
        _("Tjenestestedet er lagt til."),
        lambda: services.add_service_site(
            db.session, unit, actor=current_user, name=form.name.data, kind=SiteKind(form.kind.data)
        ),
    )


def _child_or_404(obj: Phase | Unit | None, circle_id: int):  # noqa: ANN202
    if obj is None or getattr(obj, "circle_id", None) != circle_id:
        abort(404)
    return obj


def _flash_errors(form, slug: str) -> Response:  # noqa: ANN001
    flash_form_errors(form)
    return redirect(url_for("circles.settings", slug=slug))
