"""Word files (DOCX): body, tables, text boxes, headers, footers, notes, comments, changes."""

from __future__ import annotations

from typing import Any

from circle.documents.archive import Archive, all_text, core_info, local, properties_parts
from circle.documents.budget import Budget
from circle.documents.model import Document, Part, Refusal, thousands
from circle.documents.text import paginate_plain_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_HEADINGS = frozenset({"title", "tittel", "heading 1", "overskrift 1"})
# Parts with no text a person wrote (layout, fonts, numbering definitions).
_BORING = ("word/styles", "word/settings", "word/fonttable", "word/websettings", "word/theme/")
_HEADER_KINDS = {
    ("header", "default"): "header",
    ("header", "first"): "header_first",
    ("header", "even"): "header_even",
    ("footer", "default"): "footer",
    ("footer", "first"): "footer_first",
    ("footer", "even"): "footer_even",
}


class _Body:
    """Collects the body's text per page and the hidden places met on the way."""

    def __init__(self, styles: dict[str, str]) -> None:
        self.pages: list[list[str]] = [[]]
        self.styles = styles
        self.heading: str | None = None
        self.paragraphs = 0
        self.deleted: list[str] = []
        self.inserted: list[str] = []
        self.textboxes: list[str] = []
        self.fields: list[str] = []

    def blocks(self, parent: Any, out: list[list[str]] | None = None) -> None:
        """Walk paragraphs, tables and content controls in document order."""
        pages = self.pages if out is None else out
        for block in parent.iterchildren():
            tag = block.tag
            if tag == W + "p":
                self.paragraph(block, pages)
            elif tag == W + "tbl":
                for row in _own(block, block, W + "tr"):
                    cells = []
                    for cell in _own(row, block, W + "tc"):
                        inner: list[list[str]] = [[]]
                        self.blocks(cell, inner)
                        cells.append(" ".join(t for page in inner for t in page).strip())
                    line = "\t".join(cells)
                    if line.strip():
                        pages[-1].append(line)
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"):
                self.blocks(block, pages)
            elif tag in (W + "ins", W + "moveTo"):
                self.inserted.append(" ".join(all_text(block)))
                self.blocks(block, pages)
            elif tag in (W + "del", W + "moveFrom"):
                self.deleted.append(" ".join(all_text(block)))
            elif tag == _MC + "AlternateContent":
                self.blocks(_choice(block), pages)

    def paragraph(self, p: Any, pages: list[list[str]]) -> None:
        parts: list[str] = []
        self._runs(p, parts, pages)
        text = "".join(parts).strip()
        if text:
            pages[-1].append(text)
        self.paragraphs += 1
        if self.heading is None and text and self.paragraphs <= 30 and pages is self.pages:
            style = p.find(f"{W}pPr/{W}pStyle")
            name = self.styles.get(style.get(W + "val", "") if style is not None else "", "")
            if name.lower() in _HEADINGS:
                self.heading = text

    def _runs(self, el: Any, parts: list[str], pages: list[list[str]]) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "tab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr", W + "lastRenderedPageBreak"):
                is_page = tag == W + "lastRenderedPageBreak" or child.get(W + "type") == "page"
                if not is_page:
                    parts.append("\n")
                    continue
                text = "".join(parts).strip()
                if text:
                    pages[-1].append(text)
                parts.clear()
                if pages[-1]:
                    pages.append([])
            elif tag in (W + "del", W + "moveFrom"):
                self.deleted.append(" ".join(all_text(child)))
            elif tag in (W + "delText", W + "delInstrText"):
                self.deleted.append(child.text or "")
            elif tag == W + "instrText":
                self.fields.append(child.text or "")
            elif tag == W + "txbxContent":
                self.textboxes.append("\n".join(all_text(child)))
            elif tag == _MC + "AlternateContent":
                self._runs(_choice(child), parts, pages)
            elif tag in (W + "pPr", W + "rPr"):
                continue  # formatting (it may hold a changed-formatting record, not text)
            else:
                if tag in (W + "ins", W + "moveTo"):
                    self.inserted.append(" ".join(all_text(child)))
                self._runs(child, parts, pages)


def _own(parent: Any, table: Any, tag: str) -> list[Any]:
    """Return the rows or cells of this table under parent, also inside content controls."""
    found = []
    for el in parent.iter(tag):
        owner = el.getparent()
        while owner is not None and owner.tag != W + "tbl":
            owner = owner.getparent()
        if owner is table and (tag != W + "tc" or _row_of(el) is parent):
            found.append(el)
    return found


def _row_of(cell: Any) -> Any:
    row = cell.getparent()
    while row is not None and row.tag != W + "tr":
        row = row.getparent()
    return row


def _choice(alternate: Any) -> Any:
    """Return the first choice of an mc:AlternateContent (its fallback repeats it)."""
    for tag in (_MC + "Choice", _MC + "Fallback"):
        found = alternate.find(tag)
        if found is not None:
            return found
    return alternate


def _styles(archive: Archive) -> dict[str, str]:
    root = archive.xml("word/styles.xml")
    if root is None:
        return {}
    names = {}
    for style in root.iterchildren(W + "style"):
        name = style.find(W + "name")
        if name is not None:
            names[style.get(W + "styleId", "")] = name.get(W + "val", "")
    return names


def _header_kinds(archive: Archive, body: Any) -> dict[str, str]:
    """Map header and footer part names to their kind (default, first page, even pages)."""
    rels = archive.xml("word/_rels/document.xml.rels")
    targets = {}
    if rels is not None:
        for rel in rels:
            target = rel.get("Target", "")
            targets[rel.get("Id", "")] = "word/" + target.lstrip("/").removeprefix("word/")
    kinds = {}
    for ref in body.iter(W + "headerReference", W + "footerReference"):
        which = "header" if local(ref.tag) == "headerReference" else "footer"
        name = targets.get(ref.get(_R + "id", ""))
        if name:
            kinds[name] = _HEADER_KINDS.get((which, ref.get(W + "type", "default")), which)
    return kinds


def _notes(root: Any, tag: str) -> str:
    if root is None:
        return ""
    texts = []
    for note in root.iterchildren(W + tag):
        if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        texts.append(" ".join(all_text(note)))
    return "\n".join(t for t in texts if t.strip())


def read_docx(data: bytes, budget: Budget, name: str) -> Document:
    """Read a Word file's body as pages, and every other place as a labelled part."""
    archive = Archive(data, budget, name)
    archive.refuse_embedded(["word/embeddings/", "word/activex/"])
    root = archive.xml("word/document.xml")
    body_el = root.find(W + "body") if root is not None else None
    if body_el is None:
        raise Refusal("damaged", name=name)
    body = _Body(_styles(archive))
    body.blocks(body_el)
    texts = ["\n\n".join(p).strip() for p in body.pages]
    while len(texts) > 1 and not texts[-1]:
        texts.pop()
    if len(texts) <= 1:
        texts = paginate_plain_text(texts[0] if texts else "")
    doc = Document("docx", texts, info=core_info(archive), heading=body.heading)
    for place, texts_found in (
        ("deleted", body.deleted),
        ("inserted", body.inserted),
        ("textbox", body.textboxes),
        ("field_code", body.fields),
    ):
        joined = "\n".join(t for t in texts_found if t.strip())
        if joined:
            doc.parts.append(Part(place, joined))
    kinds = _header_kinds(archive, body_el)
    for member in archive.names("word/", ".xml"):
        short = member.rsplit("/", 1)[-1]
        if short.startswith(("header", "footer")) and member.count("/") == 1:
            kind = kinds.get(member, "header" if short.startswith("header") else "footer")
            text = "\n".join(all_text(archive.xml(member)))
            if text.strip():
                doc.parts.append(Part(kind, text))
    for member, tag, place in (
        ("word/footnotes.xml", "footnote", "footnote"),
        ("word/endnotes.xml", "endnote", "endnote"),
        ("word/comments.xml", "comment", "comment"),
    ):
        notes = archive.xml(member)
        text = _notes(notes, tag)
        if place == "comment" and notes is not None:
            authors = {c.get(W + "author", "") for c in notes}
            text = "\n".join([text, *sorted(a for a in authors if a)])
        if text.strip():
            doc.parts.append(Part(place, text))
    doc.parts.extend(properties_parts(archive))
    doc.parts.extend(archive.image_parts())
    doc.parts.extend(archive.other_parts(skip=_BORING))
    if doc.characters() > budget.max_characters:
        raise Refusal("too_much_text", n=thousands(budget.max_characters))
    return doc
