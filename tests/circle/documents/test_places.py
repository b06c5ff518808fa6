"""Every place of every accepted file type: a number there is refused, naming the place."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from circle.documents import Document, read_document
from circle.identity import IdentityNumberError
from tests.circle.documents import builders as b
from tests.circle.documents.numbers import HARMLESS, identity_number

# A number whose first digit is 0, for cells where a spreadsheet stores it as a number.
FNR = identity_number("050387")
assert FNR.startswith("0")
HARMLESS_ZERO = HARMLESS  # numbers that fail the check stay accepted whatever their form

# (file type, place, builder, file name, phrase the refusal must name)
CASES: list[tuple[str, str, Callable[[str], bytes], str, str]] = [
    ("docx", "body", b.docx_body, "rutine.docx", "på side 1"),
    ("docx", "nested table", b.docx_nested_table, "rutine.docx", "på side 1"),
    ("docx", "two runs", b.docx_split_runs, "rutine.docx", "på side 1"),
    ("docx", "row in a content control", b.docx_row_in_content_control, "r.docx", "på side 1"),
    ("docx", "field result", b.docx_field_result, "rutine.docx", "på side 1"),
    ("docx", "text box", b.docx_textbox, "rutine.docx", "i en tekstboks"),
    ("docx", "header", b.docx_header, "rutine.docx", "i topptekst"),
    ("docx", "footer", b.docx_footer, "rutine.docx", "i bunntekst"),
    ("docx", "first-page header", b.docx_first_page_header, "r.docx", "topptekst for første side"),
    ("docx", "even-page footer", b.docx_even_page_footer, "r.docx", "bunntekst for partallssider"),
    ("docx", "second section", b.docx_second_section_header, "rutine.docx", "i topptekst"),
    ("docx", "footnote", b.docx_footnote, "rutine.docx", "i en fotnote"),
    ("docx", "endnote", b.docx_endnote, "rutine.docx", "i en sluttnote"),
    ("docx", "comment", b.docx_comment, "rutine.docx", "i en kommentar"),
    ("docx", "deletion", b.docx_deleted, "rutine.docx", "spores endringer (slettet tekst)"),
    ("docx", "insertion", b.docx_inserted, "rutine.docx", "spores endringer (innsatt tekst)"),
    ("docx", "field code", b.docx_field_code, "rutine.docx", "i en feltkode"),
    ("docx", "core properties", b.docx_core_property, "rutine.docx", "i dokumentegenskapene"),
    ("docx", "app properties", b.docx_app_property, "rutine.docx", "i dokumentegenskapene"),
    (
        "docx",
        "custom properties",
        b.docx_custom_property,
        "r.docx",
        "egendefinerte dokumentegenskapene",
    ),
    ("docx", "custom XML", b.docx_custom_xml, "rutine.docx", "i en annen del av filen"),
    ("docx", "picture EXIF", b.docx_image_exif, "rutine.docx", "i metadataene til bildet"),
    ("pdf", "page 2", b.pdf_page_two, "rapport.pdf", "på side 2"),
    ("pdf", "two lines", b.pdf_two_lines, "rapport.pdf", "på side 1"),
    ("pdf", "two runs", b.pdf_two_runs, "rapport.pdf", "på side 1"),
    ("pdf", "info subject", b.pdf_info, "rapport.pdf", "i dokumentegenskapene"),
    ("pdf", "info keywords", b.pdf_keywords, "rapport.pdf", "i dokumentegenskapene"),
    ("pdf", "XMP", b.pdf_xmp, "rapport.pdf", "i XMP-metadataene"),
    ("pdf", "annotation", b.pdf_annotation, "rapport.pdf", "i en merknad (annotasjon) på side 2"),
    (
        "pdf",
        "annotation /T",
        b.pdf_annotation_author,
        "rapport.pdf",
        "merknad (annotasjon) på side 1",
    ),
    (
        "pdf",
        "annotation /RC",
        b.pdf_annotation_rich_text,
        "r.pdf",
        "merknad (annotasjon) på side 1",
    ),
    ("pdf", "popup", b.pdf_popup, "rapport.pdf", "i en merknad (annotasjon) på side 1"),
    ("pdf", "link", b.pdf_link, "rapport.pdf", "i en merknad (annotasjon) på side 1"),
    ("pdf", "form field", b.pdf_form_field, "rapport.pdf", "i et skjemafelt"),
    ("pdf", "bookmark", b.pdf_bookmark, "rapport.pdf", "i bokmerkene"),
    ("xlsx", "cell", b.xlsx_cell, "tiltak.xlsx", "i arkfanen «Tiltak»"),
    ("xlsx", "number cell", b.xlsx_number, "tiltak.xlsx", "i arkfanen «Tiltak»"),
    ("xlsx", "cached formula result", b.xlsx_formula_cached, "t.xlsx", "i arkfanen «Tiltak»"),
    ("xlsx", "hidden sheet", b.xlsx_hidden_sheet, "tiltak.xlsx", "i arkfanen «Skjult»"),
    ("xlsx", "sheet name", b.xlsx_sheet_name, "tiltak.xlsx", "i navnet på en arkfane"),
    ("xlsx", "comment", b.xlsx_comment, "tiltak.xlsx", "i en kommentar"),
    ("xlsx", "defined name", b.xlsx_defined_name, "tiltak.xlsx", "i et definert navn"),
    ("xlsx", "properties", b.xlsx_properties, "tiltak.xlsx", "i dokumentegenskapene"),
    ("xlsx", "sheet header", b.xlsx_header, "tiltak.xlsx", "i arkfanen «Tiltak»"),
    ("pptx", "slide 2", b.pptx_second_slide, "matrise.pptx", "på lysbilde 2"),
    ("pptx", "table", b.pptx_table, "matrise.pptx", "på lysbilde 2"),
    ("pptx", "notes", b.pptx_notes, "matrise.pptx", "i notatene til lysbilde 1"),
    ("pptx", "comment", b.pptx_comment, "matrise.pptx", "i en kommentar"),
    ("pptx", "properties", b.pptx_properties, "matrise.pptx", "i dokumentegenskapene"),
    ("pptx", "slide layout", b.pptx_layout, "matrise.pptx", "i en annen del av filen"),
    ("odt", "body", b.odt_body, "rutine.odt", "på side 1"),
    ("odt", "page 2", b.odt_second_page, "rutine.odt", "på side 2"),
    ("odt", "header", b.odt_header, "rutine.odt", "i topptekst"),
    ("odt", "footer", b.odt_footer, "rutine.odt", "i bunntekst"),
    ("odt", "footnote", b.odt_footnote, "rutine.odt", "i en fotnote"),
    ("odt", "endnote", b.odt_endnote, "rutine.odt", "i en sluttnote"),
    ("odt", "comment", b.odt_comment, "rutine.odt", "i en kommentar"),
    ("odt", "deletion", b.odt_deleted, "rutine.odt", "spores endringer (slettet tekst)"),
    ("odt", "meta", b.odt_meta, "rutine.odt", "i dokumentegenskapene"),
    ("odt", "user-defined meta", b.odt_user_defined, "r.odt", "egendefinerte dokumentegenskapene"),
    ("ods", "cell", b.ods_cell, "tiltak.ods", "i arkfanen «Ark1»"),
    ("ods", "number value", b.ods_value, "tiltak.ods", "i arkfanen «Ark1»"),
    ("ods", "sheet name", b.ods_sheet_name, "tiltak.ods", "i navnet på en arkfane"),
    ("ods", "comment", b.ods_comment, "tiltak.ods", "i en kommentar"),
    ("ods", "meta", b.ods_meta, "tiltak.ods", "i dokumentegenskapene"),
    ("odp", "slide 2", b.odp_slide, "matrise.odp", "på lysbilde 2"),
    ("odp", "notes", b.odp_notes, "matrise.odp", "i notatene til lysbilde 1"),
    ("odp", "meta", b.odp_meta, "matrise.odp", "i dokumentegenskapene"),
    ("jpeg", "EXIF description", b.jpeg_exif_description, "bilde.jpg", "bildets metadata (EXIF)"),
    ("jpeg", "EXIF artist", b.jpeg_exif_artist, "bilde.jpg", "bildets metadata (EXIF)"),
    ("jpeg", "EXIF XPComment", b.jpeg_exif_xp_comment, "bilde.jpg", "bildets metadata (EXIF)"),
    ("jpeg", "EXIF UserComment", b.jpeg_exif_user_comment, "b.jpeg", "bildets metadata (EXIF)"),
    ("jpeg", "JPEG comment", b.jpeg_comment, "bilde.jpg", "i bildets kommentar"),
    ("png", "EXIF", b.png_exif, "bilde.png", "i bildets metadata (EXIF)"),
    ("png", "tEXt", b.png_text, "bilde.png", "i bildets tekstfelt (PNG)"),
    ("png", "zTXt", b.png_ztxt, "bilde.png", "i bildets tekstfelt (PNG)"),
    ("png", "iTXt", b.png_itxt, "bilde.png", "i bildets tekstfelt (PNG)"),
    ("txt", "UTF-8", b.txt_plain, "notat.txt", "på side 1"),
    ("txt", "UTF-8 with BOM", b.txt_bom, "notat.txt", "på side 1"),
    ("txt", "UTF-16", b.txt_utf16, "notat.txt", "på side 1"),
    ("md", "table", b.md_plain, "notat.md", "på side 1"),
    ("csv", "cell", b.csv_cell, "liste.csv", "på side 1"),
]
IDS = [f"{kind}-{place}" for kind, place, *_ in CASES]


def _all_text(doc: Document) -> str:
    return "\n".join([*doc.pages, *(p.text for p in doc.parts), *(p.name for p in doc.parts)])


@pytest.mark.parametrize(("kind", "place", "build", "name", "where"), CASES, ids=IDS)
def test_number_in_place_is_refused_naming_it(kind, place, build, name, where) -> None:  # noqa: ANN001
    data = build(FNR)
    with pytest.raises(IdentityNumberError) as excinfo:
        read_document(data, name)
    message = str(excinfo.value)
    assert where in str(excinfo.value.where), message
    assert where in message
    digits = re.sub(r"\D", "", message)
    assert FNR not in digits and FNR[1:] not in digits


@pytest.mark.parametrize(("kind", "place", "build", "name", "where"), CASES, ids=IDS)
def test_same_file_without_a_number_is_read(kind, place, build, name, where) -> None:  # noqa: ANN001
    doc = read_document(build(HARMLESS), name)
    text = re.sub(r"\s+", "", _all_text(doc))
    assert HARMLESS in text or HARMLESS[1:] in text
