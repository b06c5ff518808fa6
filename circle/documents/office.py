"""Excel (XLSX) and PowerPoint (PPTX) files: every cell, sheet name, slide, note and comment."""

from __future__ import annotations

import posixpath
from typing import Any

from circle.documents.archive import (
    Archive,
    all_text,
    core_info,
    number_variants,
    properties_parts,
)
from circle.documents.budget import Budget
from circle.documents.model import Document, Part, Refusal, thousands

_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BORING = ("/styles.xml", "/theme/", "presprops.xml", "viewprops.xml", "tablestyles.xml")


def _relationships(archive: Archive, part: str) -> dict[str, str]:
    """Return a part's relationship ids mapped to the member names they point to."""
    folder, name = posixpath.split(part)
    rels = archive.xml(f"{folder}/_rels/{name}.rels")
    targets: dict[str, str] = {}
    if rels is None:
        return targets
    for rel in rels:
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        targets[rel.get("Id", "")] = path
        targets.setdefault("type:" + rel.get("Type", "").rsplit("/", 1)[-1], path)
    return targets


def _check_size(doc: Document, budget: Budget) -> Document:
    if doc.characters() > budget.max_characters:
        raise Refusal("too_much_text", n=thousands(budget.max_characters))
    return doc


def read_xlsx(data: bytes, budget: Budget, name: str) -> Document:
    """Read every sheet's cells (values, cached results, formulas), names, comments, properties."""
    archive = Archive(data, budget, name)
    archive.refuse_embedded(["xl/embeddings/", "xl/activex/"])
    workbook = archive.xml("xl/workbook.xml")
    if workbook is None:
        raise Refusal("damaged", name=name)
    shared = []
    strings = archive.xml("xl/sharedStrings.xml")
    if strings is not None:
        shared = ["".join(t.text or "" for t in si.iter(_S + "t")) for si in strings]
    used: set[int] = set()
    rels = _relationships(archive, "xl/workbook.xml")
    doc = Document("xlsx", info=core_info(archive))
    names = []
    for sheet in workbook.iter(_S + "sheet"):
        sheet_name = sheet.get("name", "")
        names.append(sheet_name)
        member = rels.get(sheet.get(_R + "id", ""))
        if member and member in archive.members:
            text = _sheet_text(archive.xml(member), shared, used)
            if text.strip():
                doc.parts.append(Part("sheet", text, name=sheet_name))
            _check_size(doc, budget)
    if names:
        doc.parts.append(Part("sheet_names", "\n".join(names)))
    defined = [f"{d.get('name', '')}: {d.text or ''}" for d in workbook.iter(_S + "definedName")]
    if defined:
        doc.parts.append(Part("defined_name", "\n".join(defined)))
    unused = [s for i, s in enumerate(shared) if i not in used and s.strip()]
    if unused:
        doc.parts.append(Part("shared_strings", "\n".join(unused)))
    for member in archive.names("xl/"):
        short = member.rsplit("/", 1)[-1]
        if member.endswith(".xml") and (
            short.startswith("comments")
            or member.startswith(("xl/comments/", "xl/threadedComments/"))
        ):
            text = "\n".join(all_text(archive.xml(member), attributes=False))
            if text.strip():
                doc.parts.append(Part("comment", text))
    doc.parts.extend(properties_parts(archive))
    doc.parts.extend(archive.image_parts())
    doc.parts.extend(archive.other_parts(skip=_BORING))
    return _check_size(doc, budget)


def _sheet_text(root: Any, shared: list[str], used: set[int]) -> str:
    if root is None:
        return ""
    lines = []
    for row in root.iter(_S + "row"):
        cells = []
        for cell in row.iterchildren(_S + "c"):
            kind = cell.get("t", "n")
            value = cell.findtext(_S + "v") or ""
            texts = []
            if kind == "s" and value.strip().isdigit():
                index = int(value)
                used.add(index)
                texts.append(shared[index] if index < len(shared) else "")
            elif kind == "inlineStr":
                texts.append("".join(t.text or "" for t in cell.iter(_S + "t")))
            elif value:
                texts.append(number_variants(value) if kind == "n" else value)
            formula = cell.findtext(_S + "f")
            if formula:
                texts.append(f"={formula}")
            cells.append(" ".join(texts))
        line = "\t".join(cells).rstrip()
        if line:
            lines.append(line)
    for child in root:
        if child.tag != _S + "sheetData":
            lines.extend(all_text(child))  # headers, footers, validations, ...
    return "\n".join(lines)


def _slide_text(root: Any) -> str:
    if root is None:
        return ""
    lines = ["".join(t.text or "" for t in p.iter(_A + "t")) for p in root.iter(_A + "p")]
    return "\n".join(line for line in lines if line.strip())


def read_pptx(data: bytes, budget: Budget, name: str) -> Document:
    """Read every slide as a page, and notes, comments, masters and properties as parts."""
    archive = Archive(data, budget, name)
    archive.refuse_embedded(["ppt/embeddings/", "ppt/activex/"])
    presentation = archive.xml("ppt/presentation.xml")
    if presentation is None:
        raise Refusal("damaged", name=name)
    rels = _relationships(archive, "ppt/presentation.xml")
    slides = [rels.get(s.get(_R + "id", "")) for s in presentation.iter(_P + "sldId")]
    slides = [s for s in slides if s and s in archive.members]
    if len(slides) > budget.max_pages:
        raise Refusal("too_many_pages", n=thousands(budget.max_pages))
    doc = Document("pptx", page_place="slide", info=core_info(archive))
    for number, member in enumerate(slides, 1):
        doc.pages.append(_slide_text(archive.xml(member)))
        notes = _relationships(archive, member).get("type:notesSlide")
        if notes and notes in archive.members:
            text = _slide_text(archive.xml(notes))
            if text.strip():
                doc.parts.append(Part("notes", text, number=number))
        _check_size(doc, budget)
    for member in archive.names("ppt/comments/", ".xml"):
        text = "\n".join(all_text(archive.xml(member)))
        if text.strip():
            doc.parts.append(Part("comment", text))
    doc.parts.extend(properties_parts(archive))
    doc.parts.extend(archive.image_parts())
    doc.parts.extend(archive.other_parts(skip=_BORING))
    return _check_size(doc, budget)
