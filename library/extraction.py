"""What the library makes of an uploaded report: searchable pages and suggested metadata.

Reading the file (every type, every hidden place, the budget) is circle.documents' work;
this module keeps what is about reports: clean-up for search and guessing title, authors
and year.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from circle.documents import Budget, Document, DocumentError, read_document
from circle.documents.cleanup import has_words, normalise_pages
from circle.i18n import local_today

# The types a report may come as (a subset of circle.documents.ACCEPTED_TYPES).
REPORT_EXTENSIONS = ("pdf", "docx", "txt", "md")


@dataclass
class ExtractedDocument:
    """Text per page (cleaned for search), whether any of it is searchable, suggestions."""

    kind: str
    pages: list[str]
    has_text: bool
    suggested: dict[str, Any] = field(default_factory=dict)
    document: Document | None = None


def extract_document(
    data: bytes, filename: str, *, budget: Budget | None = None, scan: bool = True
) -> ExtractedDocument:
    """Read an uploaded report and return its pages for search and suggested metadata.

    Raises DocumentError for a file that cannot be a report and, with ``scan``,
    IdentityNumberError naming where in the file an identity number stands.
    """
    doc = read_document(data, filename, budget=budget, allowed=REPORT_EXTENSIONS, scan=scan)
    return report_text(doc)


def report_text(doc: Document) -> ExtractedDocument:
    """Return a read report's pages for search and its suggested metadata."""
    pages = normalise_pages(doc.pages)
    has_text = any(has_words(p) for p in pages)
    if doc.kind == "pdf":
        if not has_text:
            pages = ["" for _ in pages]  # a scan: kept, found by its metadata only
        first = doc.pages[0] if doc.pages else ""
    else:
        if not has_text:
            raise DocumentError("no_text")
        first = pages[0]
    suggested = _suggest(first, doc.info, doc.heading)
    return ExtractedDocument(doc.kind, pages, has_text, suggested, document=doc)


# --------------------------------------------------------------- suggestions

_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_BYLINE_RE = re.compile(
    r"^(?:av|forfattere?|redigert av|redaktører?|authors?|by)\s*:?\s+(.+)$", re.IGNORECASE
)
_JUNK_TITLES = re.compile(
    r"^(untitled|ingen tittel|dokument\d*|document\d*|microsoft word\b.*"
    r"|.*\.(docx?|pdf|indd|odt))$",
    re.IGNORECASE,
)
_JUNK_AUTHORS = frozenset({"administrator", "admin", "user", "bruker", "owner", "eier", "unknown"})


def _suggest(first_page: str, info: dict[str, Any], heading: str | None) -> dict[str, Any]:
    """Return title, authors and year suggested by file metadata and the first page."""
    out: dict[str, Any] = {}
    title = _clean_title(info.get("title")) or _clean_title(heading)
    if not title:
        for line in first_page.splitlines():
            if line.strip():
                title = _clean_title(line) if len(line.strip()) <= 150 else None
                break
    if title:
        out["title"] = title
    authors = _split_names(info.get("author") or "")
    if not authors:
        for line in first_page.splitlines()[:40]:
            m = _BYLINE_RE.match(line.strip())
            if m:
                authors = _split_names(m.group(1))
                break
    if authors:
        out["authors"] = authors
    year = _page_year(first_page) or info.get("year")
    if year:
        out["year"] = int(year)
    return out


def _clean_title(value: str | None) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip(" -–:")
    if len(text) < 3 or _JUNK_TITLES.match(text) or not _has_letters(text):
        return None
    return text[:300]


def _has_letters(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2,}", text))


def _split_names(value: str) -> list[str]:
    names = []
    for part in re.split(r"\s*(?:;|,|&|\bog\b|\band\b)\s*", unicodedata.normalize("NFKC", value)):
        name = re.sub(r"\s+", " ", part).strip(" .")
        if len(name) >= 2 and name.lower() not in _JUNK_AUTHORS and _has_letters(name):
            names.append(name[:120])
    return names[:20]


def _page_year(text: str) -> int | None:
    latest = local_today().year + 1
    years = [int(y) for y in _YEAR_RE.findall(text) if int(y) <= latest]
    if not years:
        return None
    counts = Counter(years)
    return max(counts, key=lambda y: (counts[y], y))
