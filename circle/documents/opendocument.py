"""OpenDocument files (ODT, ODS, ODP): body, sheets, slides, notes, comments, styles, meta."""

from __future__ import annotations

from typing import Any

from circle.documents.archive import Archive, all_text, local, number_variants
from circle.documents.budget import Budget
from circle.documents.model import Document, Part, Refusal, thousands
from circle.documents.text import paginate_plain_text

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
PRESENTATION = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"
_HEADERS = {
    "header": "header",
    "header-left": "header_even",
    "header-first": "header_first",
    "footer": "footer",
    "footer-left": "footer_even",
    "footer-first": "footer_first",
}
_VALUE_ATTRIBUTES = ("value", "string-value", "date-value", "time-value", "boolean-value")
_SKIP = ("settings.xml", "meta-inf/", "configurations2/")


class _Body:
    """Collects text in document order; notes, comments and deletions go to their own places."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.footnotes: list[str] = []
        self.endnotes: list[str] = []
        self.comments: list[str] = []
        self.deleted: list[str] = []

    def blocks(self, parent: Any, pages: list[list[str]] | None = None) -> None:
        pages = self.pages if pages is None else pages
        for child in parent.iterchildren():
            tag = child.tag
            if tag in (TEXT + "p", TEXT + "h"):
                buf: list[str] = []
                self.inline(child, buf, pages)
                text = "".join(buf).strip()
                if text:
                    pages[-1].append(text)
            elif tag == TEXT + "soft-page-break":
                if pages[-1]:
                    pages.append([])
            elif tag == TEXT + "tracked-changes":
                self.deleted.append(" ".join(all_text(child)))
            elif tag == OFFICE + "annotation":
                self.comments.append(" ".join(all_text(child)))
            elif tag == TABLE + "table-row":
                cells = []
                for cell in child:
                    inner: list[list[str]] = [[]]
                    self.blocks(cell, inner)
                    values = [cell.get(OFFICE + a) for a in _VALUE_ATTRIBUTES]
                    values = [number_variants(v) if v else v for v in values]
                    values.append(cell.get(TABLE + "formula"))
                    text = " ".join(t for page in inner for t in page)
                    extra = [v for v in values if v and v not in text]
                    cells.append(" ".join([text, *extra]).strip())
                line = "\t".join(cells).rstrip()
                if line:
                    pages[-1].append(line)
            elif isinstance(tag, str):
                self.blocks(child, pages)

    def inline(self, el: Any, buf: list[str], pages: list[list[str]]) -> None:
        if el.text:
            buf.append(el.text)
        for child in el.iterchildren():
            tag = child.tag
            if tag == TEXT + "note":
                body = child.find(TEXT + "note-body")
                target = (
                    self.endnotes
                    if child.get(TEXT + "note-class") == "endnote"
                    else (self.footnotes)
                )
                target.append(" ".join(all_text(body)))
            elif tag == OFFICE + "annotation":
                self.comments.append(" ".join(all_text(child)))
            elif tag == TEXT + "s":
                buf.append(" " * min(int(child.get(TEXT + "c", "1") or 1), 100))
            elif tag == TEXT + "tab":
                buf.append("\t")
            elif tag == TEXT + "line-break":
                buf.append("\n")
            elif tag == TEXT + "soft-page-break":
                text = "".join(buf).strip()
                if text:
                    pages[-1].append(text)
                buf.clear()
                if pages[-1]:
                    pages.append([])
            elif tag in (DRAW + "text-box", DRAW + "frame"):
                inner: list[list[str]] = [[]]
                self.blocks(child, inner)
                buf.extend(" " + t for page in inner for t in page)
            elif isinstance(tag, str):
                self.inline(child, buf, pages)
            if child.tail:
                buf.append(child.tail)


def _joined(texts: list[str]) -> str:
    return "\n".join(t for t in texts if t.strip())


def read_opendocument(data: bytes, kind: str, budget: Budget, name: str) -> Document:
    """Read an OpenDocument text, spreadsheet or presentation in full."""
    archive = Archive(data, budget, name)
    for member in archive.members:
        if member.startswith("Object ") and not member.endswith(".xml"):
            raise Refusal("attachments")  # an embedded object that is not OpenDocument XML
    archive.refuse_embedded([])
    content = archive.xml("content.xml")
    body_el = content.find(f"{OFFICE}body") if content is not None else None
    if body_el is None:
        raise Refusal("damaged", name=name)
    body = _Body()
    doc = Document(kind, info=_meta_info(archive))
    if kind == "odt":
        body.blocks(body_el)
        texts = ["\n\n".join(p).strip() for p in body.pages]
        while len(texts) > 1 and not texts[-1]:
            texts.pop()
        doc.pages = paginate_plain_text(texts[0] if texts else "") if len(texts) <= 1 else texts
    elif kind == "ods":
        names = []
        for table in body_el.iter(TABLE + "table"):
            sheet: list[list[str]] = [[]]
            body.blocks(table, sheet)
            sheet_name = table.get(TABLE + "name", "")
            names.append(sheet_name)
            text = "\n".join(t for page in sheet for t in page)
            if text.strip():
                doc.parts.append(Part("sheet", text, name=sheet_name))
        if names:
            doc.parts.append(Part("sheet_names", "\n".join(names)))
        named = [" ".join(el.attrib.values()) for el in body_el.iter(TABLE + "named-range")]
        named += [" ".join(el.attrib.values()) for el in body_el.iter(TABLE + "named-expression")]
        if named:
            doc.parts.append(Part("defined_name", _joined(named)))
    else:
        doc.page_place = "slide"
        slides = list(body_el.iter(DRAW + "page"))
        if len(slides) > budget.max_pages:
            raise Refusal("too_many_pages", n=thousands(budget.max_pages))
        for number, slide in enumerate(slides, 1):
            notes = slide.find(PRESENTATION + "notes")
            if notes is not None:
                slide.remove(notes)
                text = "\n".join(all_text(notes))
                if text.strip():
                    doc.parts.append(Part("notes", text, number=number))
            page: list[list[str]] = [[]]
            body.blocks(slide, page)
            doc.pages.append("\n".join(t for p in page for t in p))
    for place, texts in (
        ("footnote", body.footnotes),
        ("endnote", body.endnotes),
        ("comment", body.comments),
        ("deleted", body.deleted),
    ):
        if _joined(texts):
            doc.parts.append(Part(place, _joined(texts)))
    doc.parts.extend(_styles_parts(archive))
    doc.parts.extend(_meta_parts(archive))
    doc.parts.extend(archive.image_parts())
    doc.parts.extend(archive.other_parts(skip=_SKIP))
    if doc.characters() > budget.max_characters:
        raise Refusal("too_much_text", n=thousands(budget.max_characters))
    return doc


def _styles_parts(archive: Archive) -> list[Part]:
    root = archive.xml("styles.xml")
    if root is None:
        return []
    parts = []
    for master in root.iter(STYLE + "master-page"):
        for child in master:
            place = _HEADERS.get(local(child.tag))
            text = "\n".join(all_text(child))
            if place and text.strip():
                parts.append(Part(place, text))
    rest = "\n".join(all_text(root))
    if rest.strip():
        parts.append(Part("other", rest, name="styles.xml"))
    return parts


def _meta_parts(archive: Archive) -> list[Part]:
    root = archive.xml("meta.xml")
    if root is None:
        return []
    custom, standard = [], []
    for el in root.iter():
        if not isinstance(el.tag, str) or not (el.text or "").strip():
            continue
        if el.tag == META + "user-defined":
            custom.append(f"{el.get(META + 'name', '')}: {el.text}")
        else:
            standard.append(el.text)
    parts = []
    if _joined(standard):
        parts.append(Part("properties", _joined(standard)))
    if custom:
        parts.append(Part("custom_properties", _joined(custom)))
    return parts


def _meta_info(archive: Archive) -> dict[str, Any]:
    root = archive.xml("meta.xml")
    info: dict[str, Any] = {}
    if root is None:
        return info
    for el in root.iter():
        name, text = local(el.tag), (el.text or "").strip() if isinstance(el.tag, str) else ""
        if name == "title" and text:
            info["title"] = text
        elif name in ("initial-creator", "creator") and text and "author" not in info:
            info["author"] = text
        elif name == "creation-date" and text[:4].isdigit():
            info["year"] = int(text[:4])
    return info
