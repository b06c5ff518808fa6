"""Text extraction from uploads: PDF, DOCX, text and Markdown, and refusals of bad files."""

from __future__ import annotations

import pytest

from circle.documents import DocumentError as ExtractionError
from circle.documents.cleanup import normalise_pages
from circle.documents.text import paginate_plain_text
from library.extraction import extract_document
from tests.library.helpers import encrypt_pdf, make_docx, make_pdf, make_scanned_pdf

LINES_1 = [
    "Arbeidet omfatter flere prosjektområ-",
    "der i bydelen, blant annet barne-",
    "og ungdomsvern og tiltak for familier.",
    "Kontakten med NAV-",
    "kontoret skjer på e-",
    "post og ved møter i Nord-",
    "Norge hver måned.",
]
LINES_2 = ["Overgangen til voksenlivet er krevende for mange.", "Ungdommene trenger ettervern."]
LINES_3 = ["Husbanken gir tilskudd til bolig-", "sosialt arbeid i kommunene."]


def _pdf_pages(**kwargs: object) -> list[str]:
    doc = extract_document(make_pdf([LINES_1, LINES_2, LINES_3], **kwargs), "rapport.pdf")
    assert doc.kind == "pdf" and doc.has_text
    return doc.pages


def test_pdf_joins_words_broken_at_line_end() -> None:
    pages = _pdf_pages()
    assert "prosjektområder i bydelen" in pages[0]
    assert "boligsosialt arbeid" in pages[2]
    assert "prosjektområ" not in pages[0].replace("prosjektområder", "")


def test_pdf_keeps_suspended_compounds_and_real_hyphens() -> None:
    page = _pdf_pages()[0]
    assert "barne-\nog ungdomsvern" in page
    assert "NAV-kontoret" in page
    assert "e-post" in page
    assert "Nord-Norge" in page


def test_pdf_drops_running_header_and_page_numbers() -> None:
    pages = _pdf_pages(header="Rapport om ettervern 2019 | Side 1")
    for page in pages:
        assert "Rapport om ettervern" not in page
        first, last = page.splitlines()[0], page.splitlines()[-1]
        assert not first.strip().isdigit() and not last.strip().isdigit()
    assert pages[1].startswith("Overgangen til voksenlivet")


def test_header_kept_when_too_few_pages_to_tell() -> None:
    doc = extract_document(make_pdf([LINES_2, LINES_3]), "to-sider.pdf")
    assert "Rapport om ettervern" in doc.pages[0]


def test_pdf_soft_hyphens_removed() -> None:
    pages = [["Et samar\u00adbeid om opp\u00ad", "følging av unge."], LINES_2, LINES_3]
    doc = extract_document(make_pdf(pages), "myk.pdf")
    assert "samarbeid om oppfølging av unge" in doc.pages[0]
    assert "\u00ad" not in "".join(doc.pages)


def test_pdf_text_is_nfkc_normalised() -> None:
    pages = [["Arealet er 40 m² og leien 5\u00a0000 kr\u2026 se fotnote¹."], LINES_2, LINES_3]
    page = extract_document(make_pdf(pages), "nfkc.pdf").pages[0]
    assert page == "Arealet er 40 m2 og leien 5 000 kr... se fotnote1."


def test_pdf_suggests_title_authors_and_year() -> None:
    data = make_pdf(
        [["Utgitt av RKBU Nord, 2017.", "Rapport 3, 2017"], LINES_2, LINES_3],
        title="Microsoft Word - rapport_endelig.docx",
        author="Per Håkan Brøndbo; Line Krane og Anastasia Makarova",
        big_title="Samhandling om utsatte barn og unge",
    )
    suggested = extract_document(data, "x.pdf").suggested
    assert suggested["title"] == "Samhandling om utsatte barn og unge"
    assert suggested["authors"] == ["Per Håkan Brøndbo", "Line Krane", "Anastasia Makarova"]
    assert suggested["year"] == 2017


def test_pdf_metadata_title_wins_when_meaningful() -> None:
    data = make_pdf([LINES_2], title="Fra barnevern til voksentjeneste", big_title="Forord")
    assert extract_document(data, "x.pdf").suggested["title"] == "Fra barnevern til voksentjeneste"


def test_encrypted_pdf_refused_with_clear_message() -> None:
    data = encrypt_pdf(make_pdf([LINES_2]), "hemmelig")
    with pytest.raises(ExtractionError) as err:
        extract_document(data, "låst.pdf")
    assert "passordbeskyttet" in err.value.message
    assert str(err.value) == err.value.message


def test_pdf_with_only_owner_password_is_read() -> None:
    data = encrypt_pdf(make_pdf([LINES_2]), "", owner_password="eier")
    assert "ettervern" in extract_document(data, "rettigheter.pdf").pages[0]


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.8, 0.97])
def test_truncated_pdf_refused(fraction: float) -> None:
    data = make_pdf([LINES_1, LINES_2, LINES_3])
    with pytest.raises(ExtractionError) as err:
        extract_document(data[: int(len(data) * fraction)], "avkuttet.pdf")
    assert "skadet eller ufullstendig" in err.value.message


def test_corrupt_pdf_with_end_marker_refused() -> None:
    data = make_pdf([LINES_1])
    broken = data[:40] + b"\x00garbage" * 50 + data[len(data) // 2 :]
    with pytest.raises(ExtractionError, match="skadet"):
        extract_document(broken, "rot.pdf")


@pytest.mark.parametrize("name", ["tom.pdf", "tom.txt", "tom.docx", "tom.md"])
def test_empty_file_refused(name: str) -> None:
    with pytest.raises(ExtractionError, match="Filen er tom"):
        extract_document(b"", name)


def test_whitespace_only_text_refused() -> None:
    with pytest.raises(ExtractionError, match="ingen tekst"):
        extract_document(b"  \n\n \t ", "blank.txt")


def test_scanned_pdf_kept_without_searchable_text() -> None:
    doc = extract_document(make_scanned_pdf(3), "skannet.pdf")
    assert doc.kind == "pdf"
    assert doc.has_text is False
    assert doc.pages == ["", "", ""]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><body>Hei</body></html>", "side.html"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "bilde.svg"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "notat.txt"),
        (b"<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'/>", "tegning.md"),
        (b"  <svg onload='alert(1)'></svg>", "rapport.txt"),
        (b"%PDF-1.4 whatever", "rapport.HTM"),
        (b"\n<iframe src='https://evil.example'></iframe>", "notat.txt"),
    ],
)
def test_html_and_svg_refused(data: bytes, name: str) -> None:
    with pytest.raises(ExtractionError, match="HTML- og SVG-filer"):
        extract_document(data, name)


def test_pdf_extension_with_text_content_refused() -> None:
    with pytest.raises(ExtractionError) as err:
        extract_document(b"Dette er bare tekst om barnevern.", "rapport.pdf")
    assert "passer ikke med filendelsen" in err.value.message
    assert "ren tekst" in err.value.message


@pytest.mark.parametrize(
    ("data", "name", "actual"),
    [
        (make_pdf([LINES_2]), "notat.txt", "en PDF"),
        (b"Tekst om bolig og tilskudd.", "rapport.docx", "ren tekst"),
        (make_docx(["Hei"]), "rapport.pdf", "Word-dokument"),
        (b"\x00\x01\x02\x03binary\x00" * 20, "data.txt", "binærfil"),
        (b"PK\x03\x04" + b"\x00" * 40, "arkiv.docx", "ZIP-arkiv"),
    ],
)
def test_content_not_matching_extension_refused(data: bytes, name: str, actual: str) -> None:
    with pytest.raises(ExtractionError) as err:
        extract_document(data, name)
    assert actual in err.value.message


@pytest.mark.parametrize("name", ["rapport.exe", "rapport.doc", "rapport"])
def test_unsupported_types_refused(name: str) -> None:
    with pytest.raises(ExtractionError, match="Last opp PDF"):
        extract_document(b"Litt tekst her.", name)


def test_filename_path_and_case_ignored() -> None:
    doc = extract_document(make_pdf([LINES_2]), "C:\\Users\\kari\\Rapporter\\RAPPORT.PDF")
    assert doc.kind == "pdf"


def test_docx_pages_title_and_tables() -> None:
    data = make_docx(
        [
            "# Ettervern i praksis",
            "Ungdommer med barnevernsbakgrunn får oppfølging til de fyller 25 år.",
            "| Tiltak | Antall",
            "<PAGE>",
            "Samarbeidsavtalen mellom NAV og barnevernet ble fornyet i 2021.",
        ],
        author="Kari Nordmann, Ola Hansen",
    )
    doc = extract_document(data, "praksis.docx")
    assert doc.kind == "docx" and doc.has_text
    assert len(doc.pages) == 2
    assert "barnevernsbakgrunn" in doc.pages[0]
    assert "Tiltak Antall" in doc.pages[0]
    assert doc.pages[1].startswith("Samarbeidsavtalen")
    assert doc.suggested["title"] == "Ettervern i praksis"
    assert doc.suggested["authors"] == ["Kari Nordmann", "Ola Hansen"]


def test_docx_text_inside_content_controls_is_kept() -> None:
    import io

    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    cover = document.add_paragraph("Forside om ettervern og bolig")
    document.add_paragraph("Vanlig tekst om samarbeid.")
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    cover._p.addprevious(sdt)
    sdt.append(content)
    content.append(cover._p)
    out = io.BytesIO()
    document.save(out)
    doc = extract_document(out.getvalue(), "forside.docx")
    assert doc.pages == ["Forside om ettervern og bolig\n\nVanlig tekst om samarbeid."]


def test_docx_without_breaks_is_paged_by_length() -> None:
    paragraph = "Kommunene samarbeider om boligsosialt arbeid for unge voksne i overgangen. " * 8
    doc = extract_document(make_docx([paragraph] * 12), "lang.docx")
    assert len(doc.pages) >= 2
    assert all(len(p) <= 3000 for p in doc.pages)


def test_corrupt_docx_refused() -> None:
    data = bytearray(make_docx(["Hei og hå"]))
    data[200:400] = b"\xff" * 200
    with pytest.raises(ExtractionError):
        extract_document(bytes(data), "rot.docx")


def test_plain_text_pages_at_form_feeds() -> None:
    text = "Side én om bolig.\fSide to om skole.\fSide tre om rus.\f"
    doc = extract_document(text.encode(), "a.txt")
    assert doc.kind == "text"
    assert doc.pages == ["Side én om bolig.", "Side to om skole.", "Side tre om rus."]


def test_plain_text_paged_at_paragraph_breaks() -> None:
    paragraphs = [f"Avsnitt {i} handler om samarbeid og ettervern. " * 6 for i in range(40)]
    pages = paginate_plain_text("\n\n".join(paragraphs))
    assert len(pages) > 3
    assert all(len(p) <= 3000 for p in pages)
    assert all(len(p) > 2000 for p in pages[:-1])  # filled up, not one paragraph per page
    assert [para for page in pages for para in page.split("\n\n")] == [
        p.strip() for p in paragraphs
    ]


def test_long_paragraph_split_at_sentences() -> None:
    sentence = "Ungdommene trenger stabile voksne og en trygg bolig når de flytter ut. "
    pages = paginate_plain_text(sentence * 120)
    assert len(pages) >= 3
    assert all(len(p) <= 3000 for p in pages)
    assert all(p.rstrip().endswith("ut.") for p in pages)


def test_text_normalised_to_nfkc_without_invisible_characters() -> None:
    raw = "Vi ﬁnner ＮＡＶ-kontoret\u00a0i byen.\u200b Samar\u00adbeid."
    doc = extract_document(raw.encode(), "n.txt")
    assert doc.pages == ["Vi finner NAV-kontoret i byen. Samarbeid."]


@pytest.mark.parametrize(
    "data",
    [
        "Bolig og økonomi for unge i Tromsø.".encode(),
        "\ufeffBolig og økonomi for unge i Tromsø.".encode(),
        "Bolig og økonomi for unge i Tromsø.".encode("utf-16"),
    ],
)
def test_text_encodings(data: bytes) -> None:
    assert extract_document(data, "enc.txt").pages == ["Bolig og økonomi for unge i Tromsø."]


def test_text_in_another_encoding_refused() -> None:
    """Latin-1 or cp1252 text is refused: its bytes cannot be read as characters for sure."""
    with pytest.raises(ExtractionError, match="UTF-8"):
        extract_document("Bolig og økonomi for unge i Tromsø.".encode("cp1252"), "enc.txt")


def test_markdown_title_suggested() -> None:
    text = "# Boligsosialt arbeid\n\nUtgitt 2016 av bydelen.\n\nMer tekst om bolig."
    doc = extract_document(text.encode(), "notat.md")
    assert doc.kind == "markdown"
    assert doc.suggested == {"title": "Boligsosialt arbeid", "year": 2016}


def test_normalise_drops_alternating_headers_and_roman_numbers() -> None:
    topics = ["bolig", "skole", "helse", "arbeid", "rus", "familie", "fritid", "økonomi"]
    pages = []
    for n, topic in enumerate(topics, 1):
        header = "Fra barnevern til voksentjeneste" if n % 2 else "Kapittel 2 Metode"
        number = ["i", "ii", "iii", "iv", "5", "6", "7", "8"][n - 1]
        pages.append(f"{header}\nDenne siden handler om {topic}.\nMer om {topic}.\n{number}")
    out = normalise_pages(pages)
    assert out[0] == "Denne siden handler om bolig.\nMer om bolig."
    assert all("Kapittel 2" not in p and "voksentjeneste" not in p for p in out)


def test_normalise_keeps_repeated_lines_away_from_page_edges() -> None:
    words = ["bolig", "skole", "helse", "arbeid", "rus"]
    pages = [
        f"Topp {n}\nOm {w}.\nMer om {w}.\nDelen om {w}.\nTabell 1: Antall saker\n"
        f"Slutt om {w}.\nSiste om {w}.\nNede om {w}.\n{n}"
        for n, w in enumerate(words, 1)
    ]
    out = normalise_pages(pages)
    assert all("Tabell 1: Antall saker" in p for p in out)
    assert all(p.startswith("Om ") and p.endswith(".") for p in out)
