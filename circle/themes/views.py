"""Views for theme proposals, the dot vote and its chart."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.inputs import parse_id, parse_int
from circle.permissions import can_manage_circle, can_propose_theme, can_vote
from circle.themes import services
from circle.themes.chart import bar_chart_svg
from circle.themes.forms import CloseVoteForm, OpenVoteForm, ProposeThemeForm
from circle.web import (
    circle_or_404,
    flash_form_errors,
    require_that,
    require_visible,
    run_and_redirect,
)

bp = Blueprint("themes", __name__)


@bp.get("/c/<slug>/themes")
@login_required
def index(slug: str) -> str:
    """Proposed themes, the vote and the results chart."""
    circle = circle_or_404(slug)
    vote_round = services.latest_round(db.session, circle)
    results = services.results(db.session, vote_round, circle) if vote_round else []
    mine = services.my_votes(db.session, vote_round, current_user) if vote_round else {}
    return render_template(
        "themes/index.html",
        circle=circle,
        themes=services.list_themes(db.session, circle),
        vote_round=vote_round,
        results=results,
        mine=mine,
        chart=bar_chart_svg(results, _("Stemmer per tema")) if results else None,
        voters=services.voter_count(db.session, vote_round) if vote_round else 0,
        propose_form=ProposeThemeForm(),
        open_form=OpenVoteForm(),
        close_form=CloseVoteForm(),
        can_manage=can_manage_circle(current_user, circle),
        can_propose=can_propose_theme(current_user, circle),
        can_vote=can_vote(current_user, circle),
    )


def _invalid(form, slug: str) -> Response:  # noqa: ANN001
    flash_form_errors(form)
    return redirect(url_for("themes.index", slug=slug))


@bp.post("/c/<slug>/themes")
@login_required
def propose(slug: str) -> Response:
    """Propose a theme."""
    circle = circle_or_404(slug)
    require_that(can_propose_theme, circle)
    form = ProposeThemeForm()
    if not form.validate_on_submit():
        return _invalid(form, slug)
    return run_and_redirect(
        url_for("themes.index", slug=slug),
        _("Temaet er foreslått."),
        lambda: services.propose_theme(
            db.session,
            circle,
            actor=current_user,
            title=form.title.data,
            description=form.description.data or "",
        ),
    )


@bp.post("/c/<slug>/themes/vote/open")
@login_required
def open_vote(slug: str) -> Response:
    """Open the vote."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    form = OpenVoteForm()
    if not form.validate_on_submit():
        return _invalid(form, slug)
    return run_and_redirect(
        url_for("themes.index", slug=slug),
        _("Avstemningen er åpnet."),
        lambda: services.open_vote(
            db.session, circle, actor=current_user, votes_per_member=form.votes_per_member.data
        ),
    )


def _allocation() -> dict[int, int]:
    allocation: dict[int, int] = {}
    for key, value in request.form.items():
        if key.startswith("theme-"):
            theme_id, dots = parse_id(key[6:]), parse_int(value or "0")
            if theme_id is None or dots is None:
                raise DomainError(_("Stemmene må være hele tall."))
            allocation[theme_id] = dots
    return allocation


@bp.post("/c/<slug>/themes/vote")
@login_required
def vote(slug: str) -> Response:
    """Cast or change one's dots."""
    circle = circle_or_404(slug)
    require_that(can_vote, circle)
    vote_round = services.latest_round(db.session, circle)
    require_visible(vote_round is not None)  # no vote to take part in: nothing here

    def cast() -> None:
        services.cast_votes(
            db.session, vote_round, circle, actor=current_user, allocation=_allocation()
        )

    return run_and_redirect(
        url_for("themes.index", slug=slug), _("Stemmene dine er registrert."), cast
    )


@bp.post("/c/<slug>/themes/vote/close")
@login_required
def close_vote(slug: str) -> Response:
    """Close the vote and record the chosen themes and main questions."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    vote_round = services.latest_round(db.session, circle)
    require_visible(vote_round is not None)  # no vote to take part in: nothing here
    form = CloseVoteForm()
    if not form.validate_on_submit():
        return _invalid(form, slug)
    chosen = {i for v in request.form.getlist("chosen") if (i := parse_id(v)) is not None}
    questions = (form.main_questions.data or "").splitlines()
    return run_and_redirect(
        url_for("themes.index", slug=slug),
        _("Avstemningen er lukket og valgte temaer registrert."),
        lambda: services.close_vote(
            db.session,
            vote_round,
            circle,
            actor=current_user,
            chosen_theme_ids=chosen,
            main_questions=questions,
        ),
    )


def home_panel(circle, member):  # noqa: ANN001, ANN201
    """The chosen themes on the circle's home page."""
    return "circles/panels/themes.html", {"themes": services.chosen_themes(db.session, circle)}
