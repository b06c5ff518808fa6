"""The one document setup: A4, the document's language, title and author, page numbers."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask_babel import get_locale

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
A4 = (Mm(210), Mm(297))
MARGIN = Mm(25)
NARROW_MARGIN = Mm(15)
_LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}


def document_language() -> str:
    """Return the language tag for the active locale: "nb-NO", or "en-GB" in English."""
    locale = get_locale()
    return _LANGUAGES.get(locale.language if locale else "nb", "nb-NO")


def _set_language(document: Any, tag: str) -> None:
    """Mark all text as the language (spell-checking, hyphenation) in defaults and Normal."""
    styles = document.styles.element
    targets = list(styles.iterfind(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"))
    targets.append(document.styles["Normal"].element.get_or_add_rPr())
    for rpr in targets:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attr), tag)


def _page_number_footer(section: Any) -> None:
    """Put a centred PAGE field in the section's footer."""
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.text = ""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("end", None)):
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)  # python-docx has no public API for fields
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        if kind == "separate":
            shown = OxmlElement("w:t")
            shown.text = "1"
            run._r.append(shown)


def _page(section: Any, *, landscape: bool, margin: Any) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin


def new_document(
    *, title: str, author: str, language: str | None = None, landscape: bool = False
) -> Any:
    """Return a new A4 document: language, title, author, page numbers, headings kept with
    the paragraph that follows them."""
    document = Document()
    tag = language or document_language()
    _set_language(document, tag)
    document.styles["Normal"].font.size = Pt(11)
    for style in document.styles:
        if style.name == "Title" or style.name.startswith("Heading"):
            try:
                style.paragraph_format.keep_with_next = True
                style.paragraph_format.keep_together = True
            except AttributeError:  # character styles ("Heading 1 Char") have no paragraphs
                continue
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = author
    props.language = tag
    props.comments = ""
    props.keywords = ""
    section = document.sections[0]
    _page(section, landscape=landscape, margin=NARROW_MARGIN if landscape else MARGIN)
    _page_number_footer(section)
    return document


def landscape_section(document: Any) -> Any:
    """Start a landscape A4 section on a new page (for wide tables) and return it."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True, margin=NARROW_MARGIN)
    return section


def portrait_section(document: Any) -> Any:
    """Go back to portrait A4 on a new page and return the section."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=False, margin=MARGIN)
    return section


def document_bytes(document: Any) -> bytes:
    """Return the document as DOCX bytes."""
    out = BytesIO()
    document.save(out)
    return out.getvalue()
