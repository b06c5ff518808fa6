"""References: APA 7 with Norwegian conventions, BibTeX, RIS and CSL-JSON."""

from __future__ import annotations

from collections.abc import Iterable

from library.models import Report
from library.services.citations.apa import apa, apa_html, apa_in_text
from library.services.citations.bibtex import bib_escape, bib_key, bibtex, bibtex_entry
from library.services.citations.csl import csl_item, csl_json
from library.services.citations.names import (
    apa_name,
    family_name,
    initials,
    is_organisation,
    recognised_organisation,
    split_name,
)
from library.services.citations.ris import ris, ris_entry

EXPORT_FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}

__all__ = [
    "EXPORT_FORMATS",
    "apa",
    "apa_html",
    "apa_in_text",
    "apa_name",
    "bib_escape",
    "bib_key",
    "bibtex",
    "bibtex_entry",
    "csl_item",
    "csl_json",
    "export",
    "family_name",
    "initials",
    "is_organisation",
    "recognised_organisation",
    "ris",
    "ris_entry",
    "split_name",
]


def export(reports: Iterable[Report], fmt: str) -> str:
    """Return the reports in an export format: "bib", "ris" or "json"."""
    if fmt == "bib":
        return bibtex(reports)
    if fmt == "ris":
        return ris(reports)
    if fmt == "json":
        return csl_json(reports)
    raise ValueError(f"unknown export format: {fmt!r}")
