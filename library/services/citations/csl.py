"""CSL-JSON items (what Zotero, Mendeley and citeproc read)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from library.models import DocumentType, Report
from library.services.citations.names import (
    clean,
    container_title,
    publisher,
    report_org,
    series_is_thesis_label,
    split_name,
    thesis_label,
    title_part,
)

_CSL_TYPES = {
    DocumentType.REPORT: "report",
    DocumentType.ARTICLE: "article-journal",
    DocumentType.THESIS: "thesis",
    DocumentType.ROUTINE: "document",
    DocumentType.WEB_PAGE: "webpage",
    DocumentType.OTHER: "document",
}


def _csl_names(report: Report, names: list[str]) -> list[dict[str, str]]:
    out = []
    for name in names:
        if report_org(report, name):
            out.append({"literal": clean(name)})
        else:
            family, given = split_name(name)
            out.append({"family": family, "given": given} if given else {"family": family})
    return out


def csl_item(report: Report) -> dict[str, object]:
    """Return one CSL-JSON item."""
    item: dict[str, object] = {
        "id": f"report-{report.id}",
        "type": _CSL_TYPES[report.document_type],
        "title": title_part(report),
    }
    if report.authors:
        item["author"] = _csl_names(report, report.authors)
    if report.editors:
        item["editor"] = _csl_names(report, report.editors)
    if report.year:
        item["issued"] = {"date-parts": [[report.year]]}
    series = "" if series_is_thesis_label(report) else report.series
    for key, value in (
        ("container-title", container_title(report)),
        ("publisher", publisher(report)),
        ("collection-title", series),
        ("number", report.series_number),
        ("ISBN", report.isbn),
        ("ISSN", report.issn),
        ("language", report.language),
        ("URL", report.url),
        ("DOI", report.doi),
        ("abstract", report.abstract),
    ):
        if value:
            item[key] = value
    if report.keywords:
        item["keyword"] = ", ".join(report.keywords)
    if report.document_type == DocumentType.THESIS:
        item["genre"] = thesis_label(report)
    return item


def csl_json(reports: Iterable[Report]) -> str:
    """Return a CSL-JSON array for the reports."""
    return json.dumps([csl_item(r) for r in reports], ensure_ascii=False, indent=2)
