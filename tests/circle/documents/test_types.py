"""The one type check, refusals of files that cannot be checked, and ordinary numbers."""

from __future__ import annotations

import io
import zipfile

import pytest

from circle.documents import (
    ACCEPTED_EXTENSIONS,
    DocumentError,
    check_file_type,
    describe_types,
    read_document,
)
from circle.identity import IdentityNumberError
from tests.circle.documents import builders as b
from tests.circle.documents.numbers import FNR, HARMLESS
from tests.conftest import SEEDS


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(DocumentError) as excinfo:
        read_document(data, name)
    return str(excinfo.value)


def test_accepted_types_listed_once_and_each_read() -> None:
    assert ACCEPTED_EXTENSIONS == {
        "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "md", "csv", "png", "jpg", "jpeg"
    }  # fmt: skip
    shown = describe_types()
    assert shown.startswith("PDF, Word (DOCX)") and shown.endswith("eller JPEG-bilde (JPG)")
    assert describe_types(["pdf", "md"]) == "PDF eller Markdown (MD)"


@pytest.mark.parametrize(
    ("data", "name", "actual"),
    [
        (b.docx_body("Rutine"), "tiltak.xlsx", "Word-dokument"),
        (b.xlsx_cell("Bolig"), "rutine.docx", "Excel-regneark"),
        (b.odt_body("Rutine"), "tiltak.ods", "OpenDocument-tekstdokument"),
        (b.png_text("Bilde"), "bilde.jpg", "PNG-bilde"),
        (b.jpeg_comment("Bilde"), "bilde.png", "JPEG-bilde"),
        (b.pdf_page_two("Side"), "notat.csv", "en PDF"),
        (b"\x00\x01binary\x00" * 50, "liste.csv", "binærfil"),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(data, name, actual) -> None:  # noqa: ANN001
    message = _refusal(data, name)
    assert "passer ikke med filendelsen" in message and actual in message


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (b.docx_body, "rutine.docx"),
        (b.xlsx_cell, "tiltak.xlsx"),
        (b.pptx_notes, "matrise.pptx"),
        (b.odt_body, "rutine.odt"),
        (b.ods_cell, "tiltak.ods"),
        (b.png_text, "bilde.png"),
        (b.jpeg_comment, "bilde.jpg"),
    ],
)
def test_corrupt_files_are_refused_clearly(build, name) -> None:  # noqa: ANN001
    data = bytearray(build("Tekst om bolig"))
    middle = len(data) // 2
    data[middle : middle + 400] = b"\xff" * 400
    message = _refusal(bytes(data[: len(data) * 3 // 4]), name)
    assert "skadet" in message and name in message


def test_files_attached_to_a_pdf_are_refused() -> None:
    assert "vedlagte eller innebygde filer" in _refusal(b.pdf_attachment(HARMLESS), "a.pdf")
    assert "vedlagte eller innebygde filer" in _refusal(b.pdf_attachment_annotation("x"), "a.pdf")


def test_objects_embedded_in_office_files_are_refused() -> None:
    data = b.rewrite_zip(b.docx_body("Rutine"), {"word/embeddings/oleObject1.bin": b"\x00" * 64})
    assert "vedlagte eller innebygde filer" in _refusal(data, "rutine.docx")
    data = b.rewrite_zip(b.xlsx_cell("Bolig"), {"xl/embeddings/Microsoft_Word.docx": b"PK"})
    assert "vedlagte eller innebygde filer" in _refusal(data, "tiltak.xlsx")


def test_text_in_another_encoding_or_binary_is_refused() -> None:
    assert "UTF-8" in _refusal("Økonomi og bolig".encode("cp1252"), "notat.txt")
    assert "UTF-8" in _refusal("Økonomi;bolig\n".encode("latin-1"), "liste.csv")


def test_refused_types_and_names() -> None:
    assert "HTML- og SVG-filer" in _refusal(b"<svg/>", "tegning.svg")
    assert "HTML- og SVG-filer" in _refusal(b"<html><body>x</body></html>", "notat.md")
    assert "støttes ikke" in _refusal(b"MZ\x90\x00", "program.exe")
    assert "mangler filendelse" in _refusal(b"Tekst", "README")
    with pytest.raises(DocumentError, match="støttes ikke"):
        read_document(b.png_text("Bilde"), "bilde.png", allowed=["pdf", "docx"])


def test_check_file_type_returns_the_served_type() -> None:
    assert check_file_type("Rutine.DOCX", b.docx_body("x")).content_type.endswith(
        "wordprocessingml.document"
    )
    with pytest.raises(DocumentError, match="passer ikke"):
        check_file_type("rutine.odt", b.docx_body("x"))


def test_odf_mimetype_decides_the_kind() -> None:
    data = b.odt_body("Rutine")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    assert read_document(data, "rutine.odt").kind == "odt"


def test_number_split_over_lines_in_a_text_file_is_found() -> None:
    text = f"Nummeret er {FNR[:6]}\n{FNR[6:]} og ble slettet.".encode()
    with pytest.raises(IdentityNumberError) as excinfo:
        read_document(text, "notat.txt")
    assert "på side 1" in str(excinfo.value) and FNR not in str(excinfo.value)


ORDINARY = [
    "Budsjett 2024: 12 345 678 kroner, 2025: 13 000 000 kroner.",
    "Tabell 3\n2019 2020 2021 2022\n150 200 250 300\n41 12 7 3",
    "Telefon 22 33 44 55, org.nr. 974 760 673, kontonummer 1234.56.78903.",
    f"Løpenummer {HARMLESS} og {HARMLESS[:6]} {HARMLESS[6:]}.",
]


@pytest.mark.parametrize("text", ORDINARY)
@pytest.mark.parametrize(
    ("build", "name"),
    [
        (b.txt_plain, "a.txt"),
        (b.pdf_page_two, "a.pdf"),
        (b.docx_body, "a.docx"),
        (b.xlsx_cell, "a.xlsx"),
    ],
)
def test_ordinary_numbers_are_not_taken_for_identity_numbers(text, build, name) -> None:  # noqa: ANN001
    if name == "a.pdf":
        text = text.replace("\n", " ")  # one drawn line
    assert read_document(build(text), name) is not None


@pytest.mark.slow
def test_seed_reports_are_read_without_false_alarms() -> None:
    if not SEEDS.is_dir():  # data beside the project, not part of it: skip, even in CI
        pytest.skip(f"shared seed reports not found at {SEEDS}")
    for path in sorted(SEEDS.glob("*.txt")):
        doc = read_document(path.read_bytes(), path.name)
        assert doc.pages and doc.characters() > 5000, path.name


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b.docx_body("Rutine"), "rutine.docx"),
        (b.docx_body("Rutine"), "tiltak.xlsx"),
        (b.png_text("Bilde"), "bilde.jpg"),
        (b.pdf_page_two("Side"), "notat.pdf"),
        (b.pdf_page_two("Side"), "notat.csv"),
        (b"<html><body>x</body></html>", "side.txt"),
        (b"Ren tekst.\n", "notat.md"),
        (b"\x00\x01binary\x00" * 50, "liste.csv"),
    ],
)
def test_the_request_and_the_reader_agree_on_the_type(data, name) -> None:  # noqa: ANN001
    """The upload form's quick check and the worker's full read use the one sniffer."""
    try:
        quick = check_file_type(name, data).extension
    except DocumentError as exc:
        quick = str(exc)
    try:
        read_document(data, name)
        full = name.rsplit(".", 1)[-1]
    except DocumentError as exc:
        full = str(exc)
    assert quick == full
