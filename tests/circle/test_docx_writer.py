"""The DOCX writer read back from the package's XML, and once through LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree
from pypdf import PdfReader

from circle.docx_writer import (
    add_markdown,
    add_table,
    document_bytes,
    landscape_section,
    new_document,
    portrait_section,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {
    "w": W[1:-1],
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}


def package(data: bytes) -> dict[str, etree._Element]:
    """Return the parts of a DOCX package that the checks read, parsed with lxml."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        parts = {n: etree.fromstring(archive.read(n)) for n in names if n.endswith(".xml")}
    return parts


def check_document_setup(data: bytes, *, title: str, author: str, lang: str = "nb-NO") -> dict:
    """Assert A4, language, metadata, page numbers and headings kept with next; return parts."""
    parts = package(data)
    body = parts["word/document.xml"]
    sizes = body.findall(".//w:sectPr/w:pgSz", NS)
    assert sizes, "no page size"
    for size in sizes:
        w, h = int(size.get(f"{W}w")), int(size.get(f"{W}h"))
        assert sorted((w, h)) == [11906, 16838], (w, h)  # A4 in twentieths of a point
    styles = parts["word/styles.xml"]
    langs = {e.get(f"{W}val") for e in styles.findall(".//w:docDefaults//w:lang", NS)}
    assert langs == {lang}
    normal = styles.find(".//w:style[@w:styleId='Normal']//w:lang", NS)
    assert normal is not None and normal.get(f"{W}val") == lang
    for level in (1, 2, 3):
        heading = styles.find(f".//w:style[@w:styleId='Heading{level}']", NS)
        assert heading.find(".//w:pPr/w:keepNext", NS) is not None, level
    core = parts["docProps/core.xml"]
    assert core.findtext("dc:title", namespaces=NS) == title
    assert core.findtext("dc:creator", namespaces=NS) == author
    assert "python-docx" not in etree.tostring(core).decode()
    assert core.findtext("dc:language", namespaces=NS) == lang
    footers = [v for k, v in parts.items() if k.startswith("word/footer")]
    instructions = [t.text for f in footers for t in f.findall(".//w:instrText", NS)]
    assert any(i.strip() == "PAGE" for i in instructions), instructions
    return parts


def check_tables(parts: dict) -> None:
    """Assert every table repeats its header row and no row splits across pages."""
    tables = parts["word/document.xml"].findall(".//w:tbl", NS)
    assert tables
    for table in tables:
        rows = table.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)


def _sample() -> bytes:
    document = new_document(title="Referater – Sirkel", author="Høgskolen")
    document.add_heading("Møte 1", level=1)
    add_markdown(
        document, "**Viktig** om *bolig*.\n\n- en\n- to\n\n| A | B |\n|---|---|\n| 1 | 2 |"
    )
    for n in range(60):
        document.add_paragraph(f"Avsnitt {n} med nok tekst til å fylle sidene.")
    landscape_section(document)
    add_table(
        document,
        ["Overgang", "Alternativer", "Hvem", "Sårbart", "God praksis"],
        [["Bolig", "Bolig med oppfølging", "NAV", "Økonomi", "Botrening"]] * 3,
        widths=[1, 2, 2, 2, 2],
    )
    portrait_section(document)
    document.add_paragraph("Slutt.")
    return document_bytes(document)


def test_document_setup_and_tables_in_the_xml():
    """A4, nb-NO, title and author, PAGE field, keepNext headings, repeating unsplit rows."""
    data = _sample()
    parts = check_document_setup(data, title="Referater – Sirkel", author="Høgskolen")
    check_tables(parts)
    body = parts["word/document.xml"]
    orients = [s.get(f"{W}orient") for s in body.findall(".//w:sectPr/w:pgSz", NS)]
    assert "landscape" in orients
    text = "".join(body.itertext())
    assert "**" not in text and "Viktig" in text
    bold = body.xpath(".//w:r[w:rPr/w:b]/w:t", namespaces=NS)
    assert "Viktig" in [t.text for t in bold]


def test_english_locale_marks_the_document_english(app):
    """Generated in the English locale, the document's language is en-GB."""
    with app.test_request_context("/"):
        from flask import session

        session["locale"] = "en"
        data = document_bytes(new_document(title="Minutes", author="College"))
    check_document_setup(data, title="Minutes", author="College", lang="en-GB")


@pytest.mark.slow
def test_libreoffice_reads_pages_numbers_and_landscape(tmp_path):
    """LibreOffice renders page numbers in the footer, A4 pages and a landscape section."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    source = tmp_path / "sample.docx"
    source.write_bytes(_sample())
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = PdfReader(tmp_path / "sample.pdf")
    assert len(reader.pages) >= 3
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    ]
    assert sizes[0] == (595, 842)  # A4 portrait in points
    assert (842, 595) in sizes  # the landscape section
    for number, page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        assert str(number) in lines[-3:], (number, lines[-3:])
    assert "Bolig med oppfølging" in "".join(p.extract_text() for p in reader.pages)
