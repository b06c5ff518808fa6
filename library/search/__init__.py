"""The search interface the library uses; backends (Whoosh today) implement it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
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
    """What to search for and which reports the searching member may see.

    ``visible_report_ids`` comes from the database (shared reports and those of the member's
    circles). A backend counts, suggests and relates only among these reports, whatever its
    own copy of each report's visibility says, so a lost index update can never widen it.
    """

    text: str
    visible_report_ids: frozenset[int]
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


@dataclass(frozen=True)
class Fingerprint:
    """What an index holds about a report, hashed, to compare with the database."""

    circle_id: int | None
    metadata: str
    pages: tuple[str, ...]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def fingerprint(doc: ReportDoc) -> Fingerprint:
    """Return the fingerprint of a report: its visibility, a metadata hash and page hashes.

    Pages without text are not indexed, so they hash to the empty string.
    """
    metadata = json.dumps(
        [
            doc.title,
            doc.subtitle,
            list(doc.authors),
            doc.year,
            doc.publisher,
            doc.document_type,
            doc.language,
            list(doc.themes),
            list(doc.keywords),
        ],
        ensure_ascii=False,
    )
    pages = tuple(_digest(p) if p and p.strip() else "" for p in doc.pages)
    return Fingerprint(doc.circle_id, _digest(metadata), pages)


@runtime_checkable
class SearchBackend(Protocol):
    """What the library needs from a search engine."""

    def index_report(self, doc: ReportDoc) -> None:
        """Add or replace a report and all its pages."""

    def delete_report(self, report_id: int) -> None:
        """Remove a report and all its pages."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the reports matching a query, limited to ``query.visible_report_ids``."""

    def related(
        self, report_id: int, visible_report_ids: frozenset[int], limit: int = 5
    ) -> list[int]:
        """Return ids of reports among ``visible_report_ids`` on similar topics."""

    def rebuild(
        self, docs: Iterable[ReportDoc], progress: Callable[[int], None] | None = None
    ) -> None:
        """Build a fresh index from all reports and swap it in atomically."""

    def report_ids(self) -> set[int]:
        """Return the ids of all indexed reports (for consistency checks)."""

    def fingerprints(self) -> dict[int, Fingerprint | None]:
        """Return each indexed report's fingerprint (None if indexed without one)."""


__all__ = [
    "FACET_FIELDS",
    "SORTS",
    "Fingerprint",
    "PageHit",
    "ReportDoc",
    "ReportHit",
    "SearchBackend",
    "SearchQuery",
    "SearchResult",
    "fingerprint",
]


TOP_TERMS = 200  # the words kept per report for "related reports"


def report_meta(doc: ReportDoc, counts: Counter[str]) -> dict[str, object]:
    """Return what every backend stores about a report besides its pages (the same keys in
    each, so `flask check` and related reports read them alike)."""
    fp = fingerprint(doc)
    return {
        "title": doc.title,
        "subtitle": doc.subtitle,
        "authors": list(doc.authors),
        "year": doc.year,
        "publisher": doc.publisher,
        "document_type": doc.document_type,
        "language": doc.language,
        "themes": list(doc.themes),
        "keywords": list(doc.keywords),
        "circle_id": doc.circle_id,
        "page_count": len(doc.pages),
        "top_terms": [
            [t, n] for t, n in counts.most_common(TOP_TERMS * 2) if len(t) > 2 and not t.isdigit()
        ][:TOP_TERMS],
        # What `flask check` compares with the database: visibility is circle_id above.
        "fingerprint": {"metadata": fp.metadata, "pages": list(fp.pages)},
    }
