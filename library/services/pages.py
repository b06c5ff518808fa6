"""Reading one page of a report as text, with the words of a search marked.

Search hits link here ("s. 19"): a page of any report type opens as text in the browser, with
the same words marked as in the hit's snippet (the search engine's Highlighter does the
matching), instead of downloading the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from circle.search.analysis import PREFIX_MIN_LENGTH, analyze
from circle.search.query import parse_query
from circle.search.snippets import Highlighter
from library.models import Report, ReportPage

_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_SPACE_RE = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class PageText:
    """One page of a report, ready to show: paragraphs as HTML and how many words are marked."""

    report: Report
    number: int
    paragraphs: list[Markup]
    marks: int

    @property
    def previous(self) -> int | None:
        """Return the number of the page before, if any."""
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        """Return the number of the page after, if any."""
        return self.number + 1 if self.number < self.report.page_count else None


def page_highlighter(query: str) -> Highlighter | None:
    """Return a highlighter for the words a search query looks for in page text.

    Like the search engine: every positive word or phrase that is not limited to a metadata
    field, stemmed, and a long unquoted word also as the first part of compounds.
    """
    stems: set[str] = set()
    prefixes: set[str] = set()
    for clause in parse_query(query or "").positive:
        for term in clause.terms:
            if term.field is not None:
                continue  # title:, author:, year: ... never match page text
            words = analyze(term.text)
            stems.update(words)
            if not term.quoted and len(words) == 1 and len(words[0]) >= PREFIX_MIN_LENGTH:
                prefixes.add(words[0])
    return Highlighter(stems, prefixes) if stems else None


def _paragraph_html(text: str, highlighter: Highlighter | None) -> tuple[Markup, int]:
    text = _SPACE_RE.sub(" ", text).strip()
    spans = highlighter.spans(text) if highlighter is not None else []
    parts, pos = [], 0
    for start, end, _stem in spans:
        parts.append(escape(text[pos:start]))
        parts.append("<mark>" + escape(text[start:end]) + "</mark>")
        pos = end
    parts.append(escape(text[pos:]))
    # Every piece of the page's text is escaped above; the only tags are our <mark>s.
    return Markup("".join(parts)), len(spans)  # noqa: S704


def page_text(session: Session, report: Report, number: int, query: str = "") -> PageText | None:
    """Return page `number` of the report with the query's words marked, or None."""
    if not 1 <= number <= report.page_count:
        return None
    text = session.scalar(
        select(ReportPage.text).where(
            ReportPage.report_id == report.id, ReportPage.number == number
        )
    )
    highlighter = page_highlighter(query)
    paragraphs, marks = [], 0
    for block in _PARAGRAPH_RE.split(text or ""):
        if block.strip():
            html, count = _paragraph_html(block, highlighter)
            paragraphs.append(html)
            marks += count
    return PageText(report=report, number=number, paragraphs=paragraphs, marks=marks)


def opens_at_page(report: Report) -> bool:
    """Return whether the report's file is a PDF, which browsers open at a page (#page=N)."""
    stored = report.stored_file
    return stored is not None and stored.content_type == "application/pdf"
