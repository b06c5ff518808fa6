"""Searching the library for a member: visibility, loading hits, labelled facets."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from circle.models import Circle
from library.models import DocumentType, Report, ready_report_clause
from library.permissions import report_visible_with, reports_visible_with
from library.search import FACET_FIELDS, SORTS, PageHit, SearchBackend, SearchQuery, SearchResult
from library.services.reports import DOCUMENT_TYPE_LABELS, LANGUAGES

PER_PAGE = 10
MAX_PAGE = 500
EXPORT_LIMIT = 500
FACET_LABELS = {
    "year": _l("År"),
    "publisher": _l("Utgiver"),
    "document_type": _l("Dokumenttype"),
    "theme": _l("Tema"),
    "language": _l("Språk"),
}


@dataclass
class FacetValue:
    """One value of a facet with its report count, as a filter link."""

    value: str
    label: str
    count: int
    active: bool = False


@dataclass
class LibraryHit:
    """A matching report with its best pages."""

    report: Report
    score: float
    pages: list[PageHit] = field(default_factory=list)


@dataclass
class LibraryResults:
    """One page of search results for a member."""

    text: str
    total: int
    hits: list[LibraryHit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None
    page: int
    per_page: int
    filters: dict[str, str]
    sort: str

    @property
    def page_count(self) -> int:
        """Return how many result pages there are."""
        return max(1, math.ceil(self.total / self.per_page))


def clean_filters(raw: dict[str, Any]) -> dict[str, str]:
    """Return only known facet filters with short, non-empty values."""
    out = {}
    for key in FACET_FIELDS:
        value = str(raw.get(key) or "").strip()
        if value and len(value) <= 300:
            out[key] = value
    return out


def _facet_label(name: str, value: str) -> str:
    if name == "document_type":
        try:
            return str(DOCUMENT_TYPE_LABELS[DocumentType(value)])
        except ValueError:
            return value
    if name == "language":
        return str(LANGUAGES.get(value, value))
    return value


def label_facets(
    facets: dict[str, list[tuple[str, int]]], filters: dict[str, str], theme_titles: set[str] | None
) -> dict[str, list[FacetValue]]:
    """Return facets with readable labels; themes of other circles are left out."""
    out: dict[str, list[FacetValue]] = {}
    for name in FACET_FIELDS:
        values = []
        for value, count in facets.get(name, []):
            if name == "theme" and theme_titles is not None and value not in theme_titles:
                continue  # another circle's theme on a shared report: not this circle's business
            values.append(
                FacetValue(value, _facet_label(name, value), count, filters.get(name) == value)
            )
        out[name] = values
    return out


def visible_report_ids(session: Session, visible: frozenset[int]) -> frozenset[int]:
    """Return the ids of the reports the database says are seen with these circles.

    This, not the search index's copy of each report's circle, is what a search may count; a
    report whose file is still being read (or was refused) is not among them.
    """
    stmt, params = _visible_ids_query(bool(visible)), {"circles": sorted(visible)}
    return frozenset(session.scalars(stmt, params))


def load_reports(session: Session, ids: list[int], visible: frozenset[int]) -> dict[int, Report]:
    """Load the reports among ids that are visible (with their file row), in one query."""
    if not ids:
        return {}
    params = {"ids": list(ids), "circles": sorted(visible)}
    return {r.id: r for r in session.scalars(_load_reports_query(bool(visible)), params)}


# The search page runs these on every request: built once (per shape), they cost a bind only.
def _visible_with(any_circles: bool) -> Any:
    return reports_visible_with(bindparam("circles", expanding=True) if any_circles else ())


@functools.cache
def _visible_ids_query(any_circles: bool) -> Select:
    return select(Report.id).where(_visible_with(any_circles), ready_report_clause())


@functools.cache
def _load_reports_query(any_circles: bool) -> Select:
    return (
        select(Report)
        .where(
            Report.id.in_(bindparam("ids", expanding=True)),
            _visible_with(any_circles),
            ready_report_clause(),
        )
        .options(joinedload(Report.stored_file))
    )


def search_library(
    session: Session,
    backend: SearchBackend,
    *,
    visible: frozenset[int],
    text: str,
    filters: dict[str, Any] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    circle: Circle | None = None,
    pages_per_report: int = 3,
) -> LibraryResults:
    """Search the reports the member sees (shared ones and those of ``visible`` circles)."""
    filters = clean_filters(filters or {})
    sort = sort if sort in SORTS else "relevance"
    page = max(1, min(int(page or 1), MAX_PAGE))
    text = (text or "").strip()[:500]
    result: SearchResult = backend.search(
        SearchQuery(
            text=text,
            visible_report_ids=visible_report_ids(session, visible),
            filters=filters,
            sort=sort,
            page=page,
            per_page=per_page,
            pages_per_report=pages_per_report,
        )
    )
    reports = load_reports(session, [h.report_id for h in result.hits], visible)
    hits = [
        LibraryHit(reports[h.report_id], h.score, h.pages)
        for h in result.hits
        if h.report_id in reports
    ]
    theme_titles = None
    if circle is not None:
        from circle.themes.models import Theme

        theme_titles = set(session.scalars(select(Theme.title).where(Theme.circle_id == circle.id)))
    return LibraryResults(
        text=text,
        total=result.total,
        hits=hits,
        facets=label_facets(result.facets, filters, theme_titles),
        suggestion=result.suggestion,
        page=page,
        per_page=per_page,
        filters=filters,
        sort=sort,
    )


def search_in_report(
    session: Session,
    backend: SearchBackend,
    report: Report,
    visible: frozenset[int],
    text: str,
    page: int = 1,
    per_page: int = 20,
) -> SearchResult:
    """Return the pages of one report that match, best first.

    Words are looked up as in a search of the whole library (the same spellings and
    compounds, from the reports the member sees), so a report's hits and a search inside it
    agree.
    """
    text = (text or "").strip()[:500]
    if not text or not report_visible_with(report, visible):
        return SearchResult(0, [], {}, None)
    report_ids = visible_report_ids(session, visible)
    if report.id not in report_ids:
        return SearchResult(0, [], {}, None)
    return backend.search(
        SearchQuery(
            text=text,
            visible_report_ids=report_ids,
            report_id=report.id,
            page=max(1, int(page or 1)),
            per_page=per_page,
        )
    )


def related_reports(
    session: Session,
    backend: SearchBackend,
    report: Report,
    visible: frozenset[int],
    limit: int = 5,
) -> list[Report]:
    """Return visible reports on similar topics, most similar first."""
    if not report_visible_with(report, visible):
        return []
    ids = backend.related(report.id, visible_report_ids(session, visible), limit)
    found = load_reports(session, ids, visible)
    return [found[i] for i in ids if i in found and i != report.id]


def export_reports(
    session: Session,
    backend: SearchBackend,
    *,
    visible: frozenset[int],
    text: str,
    filters: dict[str, Any] | None = None,
    sort: str = "relevance",
) -> list[Report]:
    """Return the reports of a whole result list (up to EXPORT_LIMIT) for export."""
    filters = clean_filters(filters or {})
    report_ids = visible_report_ids(session, visible)
    result = backend.search(
        SearchQuery(
            text=(text or "").strip()[:500],
            visible_report_ids=report_ids,
            filters=filters,
            sort=sort if sort in SORTS else "relevance",
            page=1,
            per_page=100,
            pages_per_report=0,
        )
    )
    ids = [h.report_id for h in result.hits]
    page = 2
    while len(ids) < min(result.total, EXPORT_LIMIT) and result.hits:
        result = backend.search(
            SearchQuery(
                text=(text or "").strip()[:500],
                visible_report_ids=report_ids,
                filters=filters,
                sort=sort if sort in SORTS else "relevance",
                page=page,
                per_page=100,
                pages_per_report=0,
            )
        )
        ids += [h.report_id for h in result.hits]
        page += 1
    found = load_reports(session, ids[:EXPORT_LIMIT], visible)
    return [found[i] for i in ids[:EXPORT_LIMIT] if i in found]
