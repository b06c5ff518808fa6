"""APA 7 references with Norwegian conventions ("og", "Red.", "u.å.", "s.")."""

from __future__ import annotations

from markupsafe import Markup, escape

from library.models import DocumentType, Report
from library.services.citations.names import (
    apa_name,
    container_title,
    family_name,
    given_first,
    publisher,
    series_is_thesis_label,
    thesis_label,
    title_part,
)


def _join_og(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) > 20:  # APA 7: the first 19, an ellipsis, then the last
        items = [*items[:19], "…", items[-1]]
        return ", ".join(items[:-1]) + " " + items[-1]
    return ", ".join(items[:-1]) + " og " + items[-1]


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _apa_parts(report: Report) -> tuple[str, str, str, str, str, str]:
    """Return (who, year, title, suffix, container, rest) of an APA reference, as plain text.

    The suffix (editors, series and number, thesis label) follows the title but is not
    italic; the container (an article's journal) is italic after the title.
    """
    marks = report.organisation_marks or {}
    if report.authors:
        who = _join_og([apa_name(n, marks) for n in report.authors])
    elif report.editors:
        who = _join_og([apa_name(n, marks) for n in report.editors]) + " (Red.)"
    else:
        who = ""
    year = f"({report.year})" if report.year else "(u.å.)"
    details = []
    if report.authors and report.editors:
        # APA 7 for a work with both: "Title (H. Aas, Red.)", one pair of parentheses.
        details.append(_join_og([given_first(n, marks) for n in report.editors]) + ", Red.")
    if (report.series or report.series_number) and not series_is_thesis_label(report):
        details.append(" ".join(p for p in (report.series, report.series_number) if p))
    bracket = ""
    org = publisher(report)
    if report.document_type == DocumentType.THESIS:
        bracket = f" [{thesis_label(report)}" + (f", {org}" if org else "") + "]"
        org = ""  # APA 7 names the institution inside the bracket
    suffix = (f" ({'; '.join(details)})" if details else "") + bracket
    rest = []
    if org and org not in (report.authors or []) and org not in (report.editors or []):
        rest.append(_end(org))
    if report.doi:
        rest.append(f"https://doi.org/{report.doi}")
    elif report.url:
        rest.append(report.url)
    return who, year, title_part(report), suffix, container_title(report), " ".join(rest)


def apa(report: Report) -> str:
    """Return the APA 7 reference list entry (Norwegian conventions) as plain text."""
    who, year, title, suffix, container, rest = _apa_parts(report)
    work = _end(title + suffix)
    if container:
        work += f" {_end(container)}"
    if who:
        return " ".join(p for p in (f"{_end(who)} {year}.", work, rest) if p)
    return " ".join(p for p in (work, f"{year}.", rest) if p)


def apa_html(report: Report) -> Markup:
    """Return the APA entry as HTML with the title (or journal) in italics, all escaped."""
    who, year, title, suffix, container, rest = _apa_parts(report)
    if container:
        # An article: the article title plain, the journal in italics.
        italic = Markup("{} <em>{}</em>.").format(_end(title + suffix), container.rstrip("."))
    elif suffix:
        italic = Markup("<em>{}</em>{}").format(title, _end(suffix))
    else:
        italic = Markup("<em>{}</em>").format(_end(title))
    parts: list[Markup | str] = []
    if who:
        parts += [escape(f"{_end(who)} {year}."), italic]
    else:
        parts += [italic, escape(f"{year}.")]
    if rest:
        parts.append(escape(rest))
    return Markup(" ").join(parts)


def apa_in_text(report: Report, page: int | None = None) -> str:
    """Return a parenthetical citation: "(Brøndbo mfl., 2017, s. 47)"."""
    marks = report.organisation_marks or {}
    names = report.authors or report.editors
    if not names:
        who = report.title if len(report.title) <= 40 else report.title[:39] + "…"
    elif len(names) == 1:
        who = family_name(names[0], marks)
    elif len(names) == 2:
        who = f"{family_name(names[0], marks)} og {family_name(names[1], marks)}"
    else:
        who = f"{family_name(names[0], marks)} mfl."
    parts = [who, str(report.year) if report.year else "u.å."]
    if page:
        parts.append(f"s. {page}")
    return "(" + ", ".join(parts) + ")"
