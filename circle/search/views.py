"""The site search page: one search box over everything the circle shares with the member."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from circle.extensions import db
from circle.hooks import hooks
from circle.inputs import parse_int
from circle.search.index import site_results
from circle.search.query import MAX_QUERY_CHARS
from circle.search.snippets import snippet_html
from circle.web import circle_or_404

bp = Blueprint("search", __name__)


@bp.get("/c/<slug>/search")
@login_required
def index(slug: str) -> str:
    """Search approved minutes, agendas, threads, posts, project texts and reports at once."""
    circle = circle_or_404(slug)
    text = request.args.get("q") or ""
    kind = (request.args.get("kind") or "").strip() or None
    page = parse_int(request.args.get("page"), 1) or 1
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    results = site_results(
        db.session,
        app,
        member=current_user,
        circle=circle,
        text=text,
        kind=kind,
        page=min(max(page, 1), 1000),
    )
    others = []
    if results.text:
        for other in sorted(hooks(app).search_indexes.values(), key=lambda i: i.order):
            count = other.count(db.session, current_user, circle, results.text)
            others.append((str(other.label), count, other.url(circle, results.text)))

    def page_url(number: int) -> str:
        return url_for("search.index", slug=slug, q=results.text, kind=results.kind, page=number)

    return render_template(
        "search/index.html",
        circle=circle,
        results=results,
        others=others,
        snippet=snippet_html,
        page_url=page_url,
        max_chars=MAX_QUERY_CHARS,
    )
