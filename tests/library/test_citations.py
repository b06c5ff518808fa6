"""References: APA 7 with Norwegian conventions, and valid BibTeX, RIS and CSL-JSON."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import json
import re

import pytest

from library.models import DocumentType, Report
from library.services import citations
from tests.library.factories import add_report_directly, lib  # noqa: F401  (lib is a fixture)


def _report(**values) -> Report:  # noqa: ANN003
    defaults = {
        "id": 7,
        "title": "Tittel",
        "subtitle": "",
        "authors": [],
        "editors": [],
        "year": 2017,
        "publisher": "",
        "series": "",
        "series_number": "",
        "isbn": "",
        "issn": "",
        "language": "nb",
        "keywords": [],
        "abstract": "",
        "document_type": DocumentType.REPORT,
        "url": "",
        "doi": "",
    }
    defaults.update(values)
    return Report(**defaults)


AUTHORED = _report(
    title="Kunnskapssammenstilling om samhandling",
    subtitle="Utsatte barn og unge",
    authors=["Per Håkan Brøndbo", "Line Krane", "Anastasia Makarova"],
    publisher="RKBU Nord",
    series="Rapport",
    series_number="3/2017",
)
EDITED = _report(
    title="Oppfølging av unge i overgangen",
    subtitle="Rapport fra en sirkel",
    editors=["Elisabeth Brodtkorb", "Inger Oterholm"],
    publisher="VID vitenskapelige høgskole",
)


def test_apa_authored_report_uses_og_and_series():
    """Three authors: initials, "og" before the last, series and number after the title."""
    assert citations.apa(AUTHORED) == (
        "Brøndbo, P. H., Krane, L. og Makarova, A. (2017). Kunnskapssammenstilling om "
        "samhandling: Utsatte barn og unge (Rapport 3/2017). RKBU Nord."
    )


def test_apa_edited_report_marks_editors_red():
    """An edited report lists the editors with "(Red.)"."""
    assert citations.apa(EDITED) == (
        "Brodtkorb, E. og Oterholm, I. (Red.). (2017). Oppfølging av unge i overgangen: "
        "Rapport fra en sirkel. VID vitenskapelige høgskole."
    )
    single = _report(title="Antologi", editors=["Kari Nordmann"], year=None)
    assert citations.apa(single) == "Nordmann, K. (Red.). (u.å.). Antologi."


def test_apa_details():
    """Hyphenated given names, organisations, DOI links, thesis label, no author."""
    assert citations.initials("Anne-Lise Marie") == "A.-L. M."
    assert citations.apa_name("Nordmann, Kari") == "Nordmann, K."
    assert citations.apa_name("Arbeids- og velferdsdirektoratet") == (
        "Arbeids- og velferdsdirektoratet"
    )
    doi = _report(
        title="Artikkel",
        authors=["Kari Nordmann"],
        doi="10.1234/x.1",
        document_type=DocumentType.ARTICLE,
    )
    assert citations.apa(doi).endswith("Artikkel. https://doi.org/10.1234/x.1")
    thesis = _report(
        title="Fra barnevern til voksentjeneste",
        authors=["Christine Nygård"],
        year=2018,
        series="Masteroppgave i tverrfaglig samarbeid",
        publisher="Høgskolen i Østfold",
        document_type=DocumentType.THESIS,
    )
    # APA 7: the kind of thesis and the institution in one bracket, the label once.
    assert citations.apa(thesis) == (
        "Nygård, C. (2018). Fra barnevern til voksentjeneste [Masteroppgave i tverrfaglig "
        "samarbeid, Høgskolen i Østfold]."
    )
    anonymous = _report(title="Veileder for ettervern", publisher="Bufdir")
    assert citations.apa(anonymous) == "Veileder for ettervern. (2017). Bufdir."
    html = str(citations.apa_html(_report(title="<b>x</b>", authors=["A B"])))
    assert "<em>&lt;b&gt;x&lt;/b&gt;.</em>" in html and "<b>" not in html


def test_apa_in_text_citations():
    """In-text citations: one, two and three or more names, with "s." for the page."""
    assert citations.apa_in_text(AUTHORED, 47) == "(Brøndbo mfl., 2017, s. 47)"
    assert citations.apa_in_text(EDITED) == "(Brodtkorb og Oterholm, 2017)"
    assert citations.apa_in_text(_report(authors=["Kari Nordmann"], year=None)) == (
        "(Nordmann, u.å.)"
    )


def _balanced(text: str) -> bool:
    depth = 0
    text = re.sub(r"\\[{}]", "", text)
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_is_well_formed_and_escaped():
    """Braces balance even with special characters; names joined with "and"."""
    tricky = _report(
        title="Barn {og} unge: 50% & $ #1 i_mål~^\\",
        authors=["Per Håkan Brøndbo", "Line Krane"],
        publisher="NOVA & co",
        keywords=["bolig", "NAV"],
    )
    entries = citations.bibtex([AUTHORED, EDITED, tricky])
    assert entries.count("@") == 3
    for entry in entries.strip().split("\n\n"):
        assert _balanced(entry), entry
        assert re.match(r"^@(techreport|article|misc|online|mastersthesis)\{[a-z0-9]+,\n", entry)
    assert "author = {Brøndbo, Per Håkan and Krane, Line}" in entries
    assert "editor = {Brodtkorb, Elisabeth and Oterholm, Inger}" in entries
    assert r"50\% \& \$ \#1 i\_mål" in entries
    assert "institution = {RKBU Nord}" in entries and "number = {3/2017}" in entries
    assert citations.bib_key(AUTHORED) == "brondbo2017kunnskapssammenstilling7"


def test_ris_tags_and_record_structure():
    """Every RIS line is "XX  - value"; each record starts with TY and ends with ER."""
    text = citations.ris([AUTHORED, EDITED])
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines[:-1]), lines
    assert [line for line in lines if line.startswith(("TY", "ER"))] == [
        "TY  - RPRT",
        "ER  - ",
        "TY  - RPRT",
        "ER  - ",
    ]
    assert "AU  - Brøndbo, Per Håkan" in lines and "ED  - Brodtkorb, Elisabeth" in lines
    assert "PY  - 2017" in lines and "T2  - Rapport" in lines and "SN  - 3/2017" in lines


def test_csl_json_parses_with_names_and_types():
    """CSL-JSON is a JSON array of items with CSL names, issued date and types."""
    thesis = _report(
        id=9,
        title="Oppgave",
        authors=["Kari Nordmann"],
        document_type=DocumentType.THESIS,
        series="Masteroppgave",
    )
    items = json.loads(citations.csl_json([AUTHORED, EDITED, thesis]))
    assert [i["type"] for i in items] == ["report", "report", "thesis"]
    assert items[0]["author"][0] == {"family": "Brøndbo", "given": "Per Håkan"}
    assert items[0]["issued"] == {"date-parts": [[2017]]}
    assert items[0]["collection-title"] == "Rapport" and items[0]["number"] == "3/2017"
    assert items[1]["editor"][1] == {"family": "Oterholm", "given": "Inger"}
    assert items[2]["genre"] == "Masteroppgave" and items[2]["id"] == "report-9"


@pytest.mark.parametrize(
    "fmt,content_type",
    [
        ("bib", "application/x-bibtex"),
        ("ris", "application/x-research-info-systems"),
        ("json", "application/vnd.citationstyles.csl+json"),
    ],
)
def test_export_views(app, client, login, lib, fmt, content_type):
    """One report, a result list and a reading list export in each format."""
    rid = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        text="Ettervern og bolig for unge voksne.",
        metadata={"title": "Ettervern og bolig", "authors": ["Kari Nordmann"], "year": 2022},
    )
    login(lib.members["reference"])
    one = client.get(f"/c/egen/library/reports/{rid}/cite.{fmt}")
    assert one.status_code == 200 and one.content_type.startswith(content_type)
    assert f"rapport-{rid}.{fmt}" in one.headers["Content-Disposition"]
    assert "Nordmann" in one.get_data(as_text=True)
    results = client.get(f"/c/egen/library/export.{fmt}?q=ettervern")
    assert "Ettervern og bolig" in results.get_data(as_text=True)
    empty = client.get(f"/c/egen/library/export.{fmt}?q=romfart").get_data(as_text=True)
    assert "Ettervern og bolig" not in empty
    if fmt == "json":
        assert json.loads(empty) == []


def test_apa_html_italicises_only_the_title():
    """The series and number after the title are not in italics."""
    html = str(citations.apa_html(AUTHORED))
    assert "<em>Kunnskapssammenstilling om samhandling: Utsatte barn og unge</em> " in html
    assert "</em> (Rapport 3/2017). RKBU Nord." in html
