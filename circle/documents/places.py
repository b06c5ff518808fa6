"""The Norwegian names of places in a file and of file types, for messages and pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# Places without a number or a name: the phrase follows "står ... " in the guard's message.
_PHRASES = {
    "header": _l("i topptekst"),
    "header_first": _l("i topptekst for første side"),
    "header_even": _l("i topptekst for partallssider"),
    "footer": _l("i bunntekst"),
    "footer_first": _l("i bunntekst for første side"),
    "footer_even": _l("i bunntekst for partallssider"),
    "footnote": _l("i en fotnote"),
    "endnote": _l("i en sluttnote"),
    "comment": _l("i en kommentar"),
    "deleted": _l("i spores endringer (slettet tekst)"),
    "inserted": _l("i spores endringer (innsatt tekst)"),
    "textbox": _l("i en tekstboks"),
    "field_code": _l("i en feltkode"),
    "properties": _l("i dokumentegenskapene"),
    "custom_properties": _l("i de egendefinerte dokumentegenskapene"),
    "xmp": _l("i XMP-metadataene"),
    "form_field": _l("i et skjemafelt"),
    "bookmarks": _l("i bokmerkene"),
    "sheet_names": _l("i navnet på en arkfane"),
    "defined_name": _l("i et definert navn"),
    "shared_strings": _l("i regnearkets lagrede tekster"),
    "exif": _l("i bildets metadata (EXIF)"),
    "png_text": _l("i bildets tekstfelt (PNG)"),
    "image_comment": _l("i bildets kommentar"),
    "image_xmp": _l("i bildets XMP-metadata"),
    "iptc": _l("i bildets IPTC-metadata"),
    "text": _l("i teksten"),
}


def where_phrase(place: str, number: int | None = None, name: str = "") -> Any:
    """Return the lazy Norwegian phrase for a place in a file ("i topptekst", "på side 3")."""
    if place == "page":
        return _l("på side %(n)s", n=number)
    if place == "slide":
        return _l("på lysbilde %(n)s", n=number)
    if place == "notes":
        return _l("i notatene til lysbilde %(n)s", n=number)
    if place == "annotation":
        return _l("i en merknad (annotasjon) på side %(n)s", n=number)
    if place == "sheet":
        return _l("i arkfanen «%(name)s»", name=name)
    if place == "embedded_image":
        return _l("i metadataene til bildet «%(name)s» i filen", name=name)
    if place == "other":
        return _l("i en annen del av filen (%(name)s)", name=name)
    return _PHRASES[place]


TYPE_LABELS = {
    "pdf": _l("PDF"),
    "docx": _l("Word (DOCX)"),
    "xlsx": _l("Excel (XLSX)"),
    "pptx": _l("PowerPoint (PPTX)"),
    "odt": _l("OpenDocument-tekst (ODT)"),
    "ods": _l("OpenDocument-regneark (ODS)"),
    "odp": _l("OpenDocument-presentasjon (ODP)"),
    "txt": _l("ren tekst (TXT)"),
    "md": _l("Markdown (MD)"),
    "csv": _l("CSV"),
    "png": _l("PNG-bilde"),
    "jpg": _l("JPEG-bilde (JPG)"),
    "jpeg": _l("JPEG-bilde (JPEG)"),
}
# What content that is not accepted looks like, for the mismatch message.
KIND_NAMES = {
    "pdf": _l("en PDF"),
    "docx": _l("et Word-dokument (DOCX)"),
    "xlsx": _l("et Excel-regneark (XLSX)"),
    "pptx": _l("en PowerPoint-presentasjon (PPTX)"),
    "odt": _l("et OpenDocument-tekstdokument (ODT)"),
    "ods": _l("et OpenDocument-regneark (ODS)"),
    "odp": _l("en OpenDocument-presentasjon (ODP)"),
    "text": _l("ren tekst"),
    "png": _l("et PNG-bilde"),
    "jpeg": _l("et JPEG-bilde"),
    "zip": _l("et ZIP-arkiv"),
    "broken_zip": _l("et ødelagt ZIP-arkiv"),
    "ole": _l("et eldre Office-dokument (for eksempel .doc)"),
    "html": _l("en HTML-side"),
    "svg": _l("et SVG-bilde"),
    "xml": _l("en XML-fil"),
    "binary": _l("en binærfil"),
}


def either(labels: list[str]) -> str:
    """Return labels as one phrase: "PDF, Word (DOCX) eller ren tekst (TXT)"."""
    if len(labels) <= 1:
        return "".join(labels)
    return str(_l("%(first)s eller %(last)s", first=", ".join(labels[:-1]), last=labels[-1]))
