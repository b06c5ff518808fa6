"""BibTeX entries: text fields escaped for LaTeX, URLs and DOIs verbatim."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from library.models import DocumentType, Report
from library.services.citations.names import (
    clean,
    container_title,
    family_name,
    publisher,
    report_org,
    series_is_thesis_label,
    split_name,
    thesis_label,
    title_part,
)

_BIB_TYPES = {
    DocumentType.REPORT: "techreport",
    DocumentType.ARTICLE: "article",
    DocumentType.THESIS: "mastersthesis",
    DocumentType.ROUTINE: "misc",
    DocumentType.WEB_PAGE: "online",
    DocumentType.OTHER: "misc",
}
_BIB_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# The only characters a verbatim field (url, doi) must not carry as they are: braces would
# unbalance the entry, a backslash would start a macro. Percent-encoding keeps the address.
_VERBATIM_ESCAPES = {"{": "%7B", "}": "%7D", "\\": "%5C"}


def bib_escape(text: str) -> str:
    """Escape BibTeX's special characters so braces always balance."""
    return "".join(_BIB_ESCAPES.get(c, c) for c in clean(text))


def bib_verbatim(text: str) -> str:
    """Return a URL or DOI as BibTeX and biblatex read it: verbatim, with braces balanced."""
    return "".join(_VERBATIM_ESCAPES.get(c, c) for c in re.sub(r"\s+", "", text))


def bib_key(report: Report) -> str:
    """Return a citation key like "brondbo2017kunnskapssammenstilling12"."""
    names = report.authors or report.editors
    who = family_name(names[0], report.organisation_marks or {}) if names else "anon"
    first_word = next((w for w in re.findall(r"\w+", report.title) if len(w) > 3), "rapport")
    raw = f"{who}{report.year or ''}{first_word}"
    ascii_key = unicodedata.normalize(
        "NFKD", raw.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")
    )
    ascii_key = re.sub(r"[^A-Za-z0-9]", "", ascii_key.encode("ascii", "ignore").decode())
    return f"{ascii_key.lower()}{report.id}"


def _bib_names(report: Report, names: list[str]) -> str:
    out = []
    for name in names:
        if report_org(report, name):
            # Braced: BibTeX keeps an organisation whole instead of splitting a family name.
            out.append("{" + bib_escape(name) + "}")
        else:
            family, given = split_name(name)
            out.append(bib_escape(f"{family}, {given}" if given else family))
    return " and ".join(out)


def bibtex_entry(report: Report) -> str:
    """Return one BibTeX entry."""
    kind = _BIB_TYPES[report.document_type]
    fields: list[tuple[str, str]] = []
    if report.authors:
        fields.append(("author", _bib_names(report, report.authors)))
    if report.editors:
        fields.append(("editor", _bib_names(report, report.editors)))
    fields.append(("title", "{" + bib_escape(title_part(report)) + "}"))
    if report.year:
        fields.append(("year", str(report.year)))
    journal = container_title(report)
    if journal:
        fields.append(("journal" if kind == "article" else "booktitle", bib_escape(journal)))
    org = publisher(report)
    if org:
        key = {"techreport": "institution", "mastersthesis": "school"}.get(kind, "publisher")
        fields.append((key, bib_escape(org)))
    if report.series and not series_is_thesis_label(report):
        fields.append(("series", bib_escape(report.series)))
    if report.series_number:
        fields.append(("number", bib_escape(report.series_number)))
    if report.document_type == DocumentType.THESIS:
        fields.append(("type", bib_escape(thesis_label(report))))
    for key, value in (
        ("isbn", report.isbn),
        ("issn", report.issn),
        ("language", report.language),
    ):
        if value:
            fields.append((key, bib_escape(value)))
    for key, value in (("doi", report.doi), ("url", report.url)):
        if value:
            fields.append((key, bib_verbatim(value)))
    if report.keywords:
        fields.append(("keywords", bib_escape(", ".join(report.keywords))))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@{kind}{{{bib_key(report)},\n{body}\n}}\n"


def bibtex(reports: Iterable[Report]) -> str:
    """Return BibTeX entries for the reports."""
    return "\n".join(bibtex_entry(r) for r in reports)
