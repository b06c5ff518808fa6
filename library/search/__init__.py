"""The search interface the library uses; backends (Whoosh today) implement it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

FACET_FIELDS = ("year", "publisher", "document_type", "theme", "language")
SORTS = ("relevance", "newest")


@dataclass
class ReportDoc:
    """A report as the index sees it: metadata plus the text of each page."""

    id: int
    title: str
    pages: list[str]
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    publisher: str = ""
    document_type: str = ""
    language: str = "nb"
    themes: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    circle_id: int | None = None


@dataclass
class SearchQuery:
    """What to search for and what the searching member may see."""

    text: str
    visible_circle_ids: frozenset[int]
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    report_id: int | None = None
    pages_per_report: int = 3


@dataclass
class PageHit:
    """A matching page and its snippet (HTML: escaped text with ``<mark>`` around hits)."""

    page: int
    snippet: str


@dataclass
class ReportHit:
    """A matching report with its best pages."""

    report_id: int
    score: float
    pages: list[PageHit] = field(default_factory=list)


@dataclass
class SearchResult:
    """One page of grouped results with totals, facets and an optional spelling suggestion.

    ``total`` counts matching reports, or matching pages when searching inside one report.
    """

    total: int
    hits: list[ReportHit]
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None = None


@runtime_checkable
class SearchBackend(Protocol):
    """What the library needs from a search engine."""

    def index_report(self, doc: ReportDoc) -> None:
        """Add or replace a report and all its pages."""

    def delete_report(self, report_id: int) -> None:
        """Remove a report and all its pages."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the reports matching a query, limited to what the member may see."""

    def related(
        self, report_id: int, visible_circle_ids: frozenset[int], limit: int = 5
    ) -> list[int]:
        """Return ids of visible reports on similar topics."""

    def rebuild(
        self, docs: Iterable[ReportDoc], progress: Callable[[int], None] | None = None
    ) -> None:
        """Build a fresh index from all reports and swap it in atomically."""

    def report_ids(self) -> set[int]:
        """Return the ids of all indexed reports (for consistency checks)."""


__all__ = [
    "FACET_FIELDS",
    "SORTS",
    "PageHit",
    "ReportDoc",
    "ReportHit",
    "SearchBackend",
    "SearchQuery",
    "SearchResult",
]
