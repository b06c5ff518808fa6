"""Exported references read back with independent readers: rispy, bibtexparser, json."""

from __future__ import annotations

import json

import bibtexparser
import rispy
from bibtexparser import middlewares

from library.models import DocumentType, Report
from library.services import citations


def _report(**values) -> Report:  # noqa: ANN003
    defaults = {
        "id": 3,
        "title": "Tittel",
        "subtitle": "",
        "authors": [],
        "editors": [],
        "organisation_marks": {},
        "year": 2021,
        "publisher": "",
        "container_title": "",
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


# rispy knows the RIS tags of the 2011 specification; ED (editor), which Zotero and EndNote
# read as the editor of a report, is added to its mapping as a list.
RIS_MAPPING = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}
RIS_LISTS = [*rispy.LIST_TYPE_TAGS, "ED"]


def _ris(report: Report) -> dict:
    [record] = rispy.loads(citations.ris([report]), mapping=RIS_MAPPING, list_tags=RIS_LISTS)
    return record


def _bib(report: Report) -> dict:
    library = bibtexparser.parse_string(
        citations.bibtex([report]),
        append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()],
    )
    assert not library.failed_blocks
    [entry] = library.entries
    return {"type": entry.entry_type, **entry.fields_dict}


REPORT = _report(
    title="Overganger for unge voksne",
    authors=["Line Krane"],
    editors=["Hanne Aas"],
    publisher="NOVA",
    series="NOVA-rapport",
    series_number="12/2021",
    isbn="978-82-7894-000-1",
)


def test_ris_report_follows_zotero_and_endnote():
    """RPRT: editors as ED, the series as T2, the report number as SN, the ISBN not as SN."""
    record = _ris(REPORT)
    assert record["type_of_reference"] == "RPRT"
    assert record["authors"] == ["Krane, Line"]
    assert record["editors"] == ["Aas, Hanne"]
    assert "secondary_authors" not in record  # A2 would be read as series editors
    assert record["secondary_title"] == "NOVA-rapport"
    assert record["issn"] == "12/2021"  # rispy's name for SN; a report's SN is its number
    assert record["publisher"] == "NOVA"
    assert record["type_of_work"] == "Rapport"
    assert "tertiary_title" not in record and "number" not in record
    assert record["notes"] == ["ISBN 978-82-7894-000-1"]


def test_ris_thesis_keeps_its_type_and_articles_their_journal():
    """THES: M3 the kind of thesis, PB the university; JOUR: T2 the journal, SN the ISSN."""
    thesis = _ris(
        _report(
            document_type=DocumentType.THESIS,
            authors=["Christine Nygård"],
            series="Masteroppgave i sosialt arbeid",
            publisher="OsloMet",
        )
    )
    assert thesis["type_of_reference"] == "THES"
    assert thesis["type_of_work"] == "Masteroppgave i sosialt arbeid"
    assert thesis["publisher"] == "OsloMet"
    assert "issn" not in thesis
    article = _ris(
        _report(
            document_type=DocumentType.ARTICLE,
            authors=["Kari Nordmann"],
            container_title="Tidsskrift for velferdsforskning",
            issn="2464-3076",
        )
    )
    assert article["type_of_reference"] == "JOUR"
    assert article["secondary_title"] == "Tidsskrift for velferdsforskning"
    assert article["issn"] == "2464-3076"
    # Older records kept the journal as publisher: it is written as the journal.
    legacy = _ris(_report(document_type=DocumentType.ARTICLE, publisher="Fontene forskning"))
    assert legacy["secondary_title"] == "Fontene forskning" and "publisher" not in legacy


def test_bibtex_url_and_doi_are_verbatim():
    """A URL with _, %, # and ~ and a DOI come back exactly as stored."""
    url = "https://www.example.no/rapport_2021/fil%20navn.pdf?a=1&b=~x#side_3"
    entry = _bib(_report(url=url, doi="10.1234/abc_def#1", title="Rapport 50% & mer"))
    assert entry["url"].value == url
    assert entry["doi"].value == "10.1234/abc_def#1"
    assert entry["title"].value == r"{Rapport 50\% \& mer}"  # text fields stay escaped
    braces = _bib(_report(url="https://x.example/{a}b\\c"))
    assert braces["url"].value == "https://x.example/%7Ba%7Db%5Cc"


def test_organisations_are_whole_names_everywhere():
    """Public bodies are recognised; APA, BibTeX, RIS and CSL-JSON keep them whole."""
    for name in (
        "Bydel Stovner",
        "Oslo kommune",
        "Viken fylkeskommune",
        "Arbeids- og velferdsdirektoratet",
        "Bufdir",
        "NAV Grorud",
        "Statsforvalteren i Oslo og Viken",
        "Barne- og familiedepartementet",
        "Statens helsetilsyn",
        "Utdanningsetaten",
    ):
        assert citations.recognised_organisation(name), name
    for name in ("Line Krane", "Per Håkan Brøndbo", "Nordmann, Kari"):
        assert not citations.recognised_organisation(name), name
    report = _report(authors=["Bydel Stovner", "Line Krane"], title="Samarbeidsrutine")
    assert citations.apa(report).startswith("Bydel Stovner og Krane, L. (2021).")
    assert citations.apa_in_text(report) == "(Bydel Stovner og Krane, 2021)"
    first, second = _bib(report)["author"].value
    assert (first.last, first.first) == (["{Bydel Stovner}"], [])
    assert (second.last, second.first) == (["Krane"], ["Line"])
    assert _ris(report)["authors"] == ["Bydel Stovner", "Krane, Line"]
    [item] = json.loads(citations.csl_json([report]))
    assert item["author"] == [{"literal": "Bydel Stovner"}, {"family": "Krane", "given": "Line"}]


def test_a_member_can_mark_an_organisation_or_a_person():
    """The report's marks win over recognition, both ways."""
    report = _report(
        authors=["Ungdomsrådet Grorud", "Nav Singh"],
        organisation_marks={"Ungdomsrådet Grorud": True, "Nav Singh": False},
    )
    assert citations.apa(report).startswith("Ungdomsrådet Grorud og Singh, N. (2021).")
    assert _ris(report)["authors"] == ["Ungdomsrådet Grorud", "Singh, Nav"]
    [item] = json.loads(citations.csl_json([report]))
    assert item["author"][0] == {"literal": "Ungdomsrådet Grorud"}
    assert item["author"][1] == {"family": "Singh", "given": "Nav"}


def test_apa_has_no_nested_parentheses_and_one_thesis_label():
    """Editors of an authored report: "(H. Aas, Red.; series)"; a thesis label once."""
    assert citations.apa(REPORT) == (
        "Krane, L. (2021). Overganger for unge voksne (H. Aas, Red.; NOVA-rapport 12/2021). NOVA."
    )
    thesis = _report(
        document_type=DocumentType.THESIS,
        authors=["Christine Nygård"],
        series="Masteroppgave",
        publisher="Høgskolen i Østfold",
        title="Fra barnevern til voksentjeneste",
    )
    text = citations.apa(thesis)
    assert text.count("Masteroppgave") == 1, text
    assert text.endswith("[Masteroppgave, Høgskolen i Østfold].")


def test_article_journal_is_the_container_title():
    """APA writes the journal in italics after the title; CSL-JSON as container-title."""
    article = _report(
        document_type=DocumentType.ARTICLE,
        authors=["Sara Nilsen"],
        title="Ungdommens stemme",
        container_title="Tidsskrift for demopraksis",
        doi="10.1234/td.1",
    )
    assert citations.apa(article) == (
        "Nilsen, S. (2021). Ungdommens stemme. Tidsskrift for demopraksis. "
        "https://doi.org/10.1234/td.1"
    )
    assert "<em>Tidsskrift for demopraksis</em>." in str(citations.apa_html(article))
    [item] = json.loads(citations.csl_json([article]))
    assert item["container-title"] == "Tidsskrift for demopraksis" and "publisher" not in item
    assert _bib(article)["journal"].value == "Tidsskrift for demopraksis"
