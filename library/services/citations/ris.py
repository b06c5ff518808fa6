"""RIS records tagged the way Zotero and EndNote read them for each type of work."""

from __future__ import annotations

import re
from collections.abc import Iterable

from library.models import DocumentType, Report
from library.services.citations.names import (
    container_title,
    publisher,
    report_org,
    series_is_thesis_label,
    split_name,
    thesis_label,
    title_part,
)

_RIS_TYPES = {
    DocumentType.REPORT: "RPRT",
    DocumentType.ARTICLE: "JOUR",
    DocumentType.THESIS: "THES",
    DocumentType.ROUTINE: "GEN",
    DocumentType.WEB_PAGE: "ELEC",
    DocumentType.OTHER: "GEN",
}
# Who edited the work. A2 means series editor on reports and advisor-like roles elsewhere,
# so reports, theses and web pages use ED, which both Zotero and EndNote read as editor.
_EDITOR_TAG = {"RPRT": "ED", "THES": "ED", "ELEC": "ED", "JOUR": "A2", "GEN": "A2"}
_REPORT_KIND = {"nb": "Rapport", "nn": "Rapport", "no": "Rapport", "sv": "Rapport"}


def _ris_line(tag: str, value: str) -> str:
    # Every kind of line break (CR, LF, U+2028...) becomes a space: one value, one line.
    clean = re.sub(r"\s+", " ", value).strip()
    return f"{tag}  - {clean}\r\n"


def _ris_name(report: Report, name: str) -> str:
    # An organisation is one name; a comma would make readers split it into family, given.
    return name if report_org(report, name) else ", ".join(p for p in split_name(name) if p)


def _type_fields(report: Report, ty: str) -> list[tuple[str, str]]:
    """Return the fields whose tag depends on the type of work."""
    isbn_note = []
    if ty == "RPRT":
        # RPRT: T2 the series, SN the report number, M3 the kind of report; no ISBN tag.
        fields = [("T2", report.series), ("SN", report.series_number)]
        fields.append(("M3", _REPORT_KIND.get(report.language, "Report")))
        isbn_note = [v for v in (report.isbn, report.issn) if v]
    elif ty == "THES":
        # THES: M3 the thesis type, PB the university; a series naming the kind is the type.
        fields = [("M3", thesis_label(report))]
        if report.series and not series_is_thesis_label(report):
            fields.append(("T3", report.series))
        isbn_note = [report.isbn] if report.isbn else []
    elif ty == "JOUR":
        # JOUR: T2 the journal, VL its volume or issue, SN the ISSN.
        fields = [("T2", container_title(report)), ("VL", report.series_number)]
        fields.append(("SN", report.issn))
    elif ty == "GEN":
        fields = [("T2", container_title(report)), ("T3", report.series)]
        fields.append(("SN", report.isbn or report.issn))
    else:  # ELEC
        fields = [("T2", container_title(report) or report.series)]
    labels = {report.isbn: "ISBN", report.issn: "ISSN"}
    fields += [("N1", f"{labels[v]} {v}") for v in isbn_note]
    return fields


def ris_entry(report: Report) -> str:
    """Return one RIS record."""
    ty = _RIS_TYPES[report.document_type]
    lines = [_ris_line("TY", ty)]
    lines += [_ris_line("AU", _ris_name(report, n)) for n in report.authors]
    lines += [_ris_line(_EDITOR_TAG[ty], _ris_name(report, n)) for n in report.editors]
    lines.append(_ris_line("TI", title_part(report)))
    if report.year:
        lines.append(_ris_line("PY", str(report.year)))
    fields = [("PB", publisher(report)), *_type_fields(report, ty)]
    fields += [("LA", report.language), ("UR", report.url), ("DO", report.doi)]
    lines += [_ris_line(tag, value) for tag, value in fields if value]
    lines += [_ris_line("KW", k) for k in report.keywords]
    if report.abstract:
        lines.append(_ris_line("AB", report.abstract))
    lines.append("ER  - \r\n")
    return "".join(lines)


def ris(reports: Iterable[Report]) -> str:
    """Return RIS records for the reports."""
    return "".join(ris_entry(r) for r in reports)
