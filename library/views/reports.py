"""Views for searching the library, a report's page, its file, references and metadata."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.files import download_response
from circle.inputs import parse_int
from circle.models import Circle
from circle.search.snippets import snippet_html
from circle.storage import get_storage
from circle.web import circle_or_404, flash_domain_error, require
from library.forms import AddToListForm, ReportForm
from library.index import get_backend
from library.models import Report
from library.permissions import (
    can_add_report,
    can_curate_report,
    can_delete_report,
    can_edit_reading_lists,
    can_edit_report,
    visible_circle_ids,
)
from library.search import FACET_FIELDS
from library.services import citations
from library.services import pages as page_services
from library.services import reading_lists as lists_services
from library.services import reports as services
from library.services import search as search_services
from library.views.common import (
    bp,
    export_response,
    report_or_404,
    search_args,
    search_url,
    url_maker,
    visible,
)

HELP_EXAMPLES = [
    ("barnevern bolig", _l("alle ordene må finnes")),
    ('"overgang til voksenlivet"', _l("nøyaktig frase")),
    ("ettervern -rus", _l("uten ordet «rus»")),
    ("bostøtte OR startlån", _l("ett av ordene")),
    ("title:samarbeid year:2015-2020", _l("søk i feltene")),
]


def _int_arg(name: str, default: int = 1) -> int:
    value = parse_int(request.args.get(name), default)
    return value if value is not None and value < 100_000 else default


@bp.get("/c/<slug>/library")
@login_required
def index(slug: str) -> str:
    """Search the library (an empty query lists the newest reports) with facets."""
    circle = circle_or_404(slug)
    args = search_args()
    results = search_services.search_library(
        db.session,
        get_backend(),
        visible=visible(circle),
        text=args.get("q", ""),
        filters={k: args[k] for k in FACET_FIELDS if k in args},
        sort=args.get("sort", "relevance"),
        page=_int_arg("page"),
        circle=circle,
    )
    return render_template(
        "library/index.html",
        circle=circle,
        results=results,
        args=args,
        facet_labels=search_services.FACET_LABELS,
        help_examples=HELP_EXAMPLES,
        snippet_html=snippet_html,
        opens_at_page=page_services.opens_at_page,
        search_url=lambda **changes: search_url(circle.slug, base=args, **changes),
        export_url=lambda fmt: search_url(
            circle.slug, "library.export_results", base=args, fmt=fmt
        ),
        can_add=can_add_report(current_user, circle),
        **_hit_urls(circle, results.text),
    )


def _hit_urls(circle: Circle, text: str) -> dict[str, Any]:
    """URL builders for the result list, each running url_for once instead of per hit."""
    q = text or None
    slug = circle.slug
    return {
        "report_url": url_maker("library.show", ("report_id",), slug=slug, q=q),
        "page_url": url_maker("library.page", ("report_id", "number"), slug=slug, q=q),
        "download_url": url_maker("library.download", ("report_id",), slug=slug),
    }


@bp.get("/c/<slug>/library/export.<fmt>")
@login_required
def export_results(slug: str, fmt: str) -> Response:
    """Export the whole result list (up to 500 reports) as BibTeX, RIS or CSL-JSON."""
    circle = circle_or_404(slug)
    if fmt not in citations.EXPORT_FORMATS:
        abort(404)
    args = search_args()
    reports = search_services.export_reports(
        db.session,
        get_backend(),
        visible=visible(circle),
        text=args.get("q", ""),
        filters={k: args[k] for k in FACET_FIELDS if k in args},
        sort=args.get("sort", "relevance"),
    )
    return export_response(reports, fmt, "bibliotek")


@bp.get("/c/<slug>/library/reports/<int:report_id>")
@login_required
def show(slug: str, report_id: int) -> Response | str:
    """A report: metadata, references, search inside it, its pages and related reports."""
    circle = circle_or_404(slug)
    report = report_or_404(circle, report_id)
    backend = get_backend()
    q = (request.args.get("q") or "").strip()
    inside = (
        search_services.search_in_report(
            db.session, backend, report, visible(circle), q, page=_int_arg("page")
        )
        if q
        else None
    )
    page_no = min(max(_int_arg("p", 0), 0), report.page_count)
    if page_no:  # the older ?p=N form of a page link: the page has its own address now
        return redirect(
            url_for("library.page", slug=slug, report_id=report.id, number=page_no, q=q or None)
        )
    can_lists = can_edit_reading_lists(current_user, circle)
    add_form = AddToListForm()
    if can_lists:
        add_form.list_id.choices = [
            (rl.id, rl.title) for rl in lists_services.list_reading_lists(db.session, circle)
        ]
    return render_template(
        "library/report.html",
        circle=circle,
        report=report,
        q=q,
        inside=inside,
        related=search_services.related_reports(db.session, backend, report, visible(circle)),
        apa=citations.apa(report),
        apa_html=citations.apa_html(report),
        in_text=citations.apa_in_text(report),
        snippet_html=snippet_html,
        opens_at_page=page_services.opens_at_page(report),
        themes=[t for t in report.themes if t.circle_id == circle.id],
        type_label=services.DOCUMENT_TYPE_LABELS[report.document_type],
        language_label=services.LANGUAGES.get(report.language, report.language),
        can_edit=can_edit_report(current_user, circle, report),
        can_delete=can_delete_report(current_user, circle, report),
        can_lists=can_lists,
        add_form=add_form,
    )


@bp.get("/c/<slug>/library/reports/<int:report_id>/pages/<int:number>")
@login_required
def page(slug: str, report_id: int, number: int) -> str:
    """One page of a report as text, with the search's words marked (every report type)."""
    circle = circle_or_404(slug)
    report = report_or_404(circle, report_id)
    q = (request.args.get("q") or "").strip()[:500]
    shown = page_services.page_text(db.session, report, number, q)
    if shown is None:
        abort(404)
    return render_template(
        "library/page.html",
        circle=circle,
        report=report,
        page=shown,
        q=q,
        opens_at_page=page_services.opens_at_page(report),
    )


@bp.get("/c/<slug>/library/reports/<int:report_id>/file")
@login_required
def download(slug: str, report_id: int) -> Response:
    """The original file under its original name; PDFs open in the browser (for #page=N)."""
    circle = circle_or_404(slug)
    report = report_or_404(circle, report_id)
    if report.stored_file is None or not report.ready:
        abort(404)
    inline = request.args.get("download") != "1"
    return download_response(report.stored_file, get_storage(), inline=inline)


@bp.get("/c/<slug>/library/reports/<int:report_id>/cite.<fmt>")
@login_required
def cite(slug: str, report_id: int, fmt: str) -> Response:
    """One report's reference as BibTeX, RIS or CSL-JSON."""
    circle = circle_or_404(slug)
    report = report_or_404(circle, report_id)
    return export_response([report], fmt, f"rapport-{report.id}")


def _fill_form(form: ReportForm, report: Report) -> None:
    for name in (
        "title",
        "subtitle",
        "year",
        "publisher",
        "container_title",
        "series",
        "series_number",
        "isbn",
        "issn",
        "language",
        "abstract",
        "commissioned_by",
        "url",
        "doi",
    ):
        getattr(form, name).data = getattr(report, name)
    form.authors.data = "\n".join(report.authors or [])
    form.editors.data = "\n".join(report.editors or [])
    form.keywords.data = ", ".join(report.keywords or [])
    form.organisations.data = [
        n
        for n, _label in form.organisations.choices
        if citations.is_organisation(n, report.organisation_marks)
    ]
    form.document_type.data = report.document_type.value
    form.visibility.data = "shared" if report.shared else "circle"


@bp.route("/c/<slug>/library/reports/<int:report_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, report_id: int) -> Response | str:
    """Confirm or correct the metadata suggested from the file."""
    circle = circle_or_404(slug)
    report = report_or_404(circle, report_id)
    require(can_edit_report(current_user, circle, report))
    form = ReportForm()
    themes = services.circle_themes(db.session, circle)
    form.themes.choices = [(t.id, t.title) for t in themes]
    form.organisations.choices = [(n, n) for n in dict.fromkeys([*report.authors, *report.editors])]
    if request.method == "GET":
        _fill_form(form, report)
        form.themes.data = [t.id for t in report.themes if t.circle_id == circle.id]
    # Reports imported for all circles from the command line have no circle to be kept to.
    can_share = can_curate_report(current_user, circle, report) and (
        report.origin_circle_id is not None
    )
    if form.validate_on_submit():
        shared = form.visibility.data == "shared" if can_share else None
        try:
            services.update_report(
                db.session,
                report,
                circle,
                actor=current_user,
                values=form.values(),
                theme_ids=form.themes.data or [],
                shared=shared,
            )
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            flash(_("Opplysningene om rapporten er lagret."), "success")
            return redirect(url_for("library.show", slug=slug, report_id=report.id))
    return render_template(
        "library/edit.html", circle=circle, report=report, form=form, can_curate=can_share
    )


@bp.post("/c/<slug>/library/reports/<int:report_id>/delete")
@login_required
def delete(slug: str, report_id: int) -> Response:
    """Delete a report, its file and its pages in the search index."""
    circle = circle_or_404(slug)
    report = report_or_404(circle, report_id)
    require(can_delete_report(current_user, circle, report))
    try:
        services.delete_report(db.session, report, circle, actor=current_user)
    except DomainError as exc:
        flash_domain_error(exc)
        return redirect(url_for("library.show", slug=slug, report_id=report_id))
    db.session.commit()
    flash(_("Rapporten er slettet."), "success")
    return redirect(url_for("library.index", slug=slug))


@bp.get("/library/reports/<int:report_id>")
@login_required
def open_report(report_id: int) -> Response:
    """Open a report in a circle of the member's that sees it (links from threads, agendas)."""
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    all_ids = (
        frozenset(db.session.scalars(select(Circle.id))) if current_user.is_admin else (frozenset())
    )
    allowed = visible_circle_ids(current_user, all_ids)
    if report.circle_id is not None:
        if report.circle_id not in allowed:
            abort(404)
        circle_id = report.circle_id
    elif allowed:
        circle_id = min(allowed)
    else:
        abort(404)
    circle = db.session.get(Circle, circle_id)
    return redirect(url_for("library.show", slug=circle.slug, report_id=report.id))
