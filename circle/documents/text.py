"""Plain text, Markdown and CSV files: strict UTF-8, a character budget, pages by length."""

from __future__ import annotations

import re

from circle.documents.budget import Budget
from circle.documents.model import Document, Refusal, thousands
from circle.documents.sniff import controls

PAGE_TARGET = 3000


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 with a BOM; else refuse."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Refusal("encoding") from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Refusal("encoding") from exc
    if "\x00" in text or controls(text) > max(2, len(text[:65536]) // 100):
        raise Refusal("mismatch_binary")
    return text


def read_text(data: bytes, kind: str, budget: Budget) -> Document:
    """Return a text file's pages (form feeds, else ~3,000-character passages)."""
    if len(data) > 4 * budget.max_characters:
        raise Refusal("too_much_text", n=thousands(budget.max_characters))
    text = decode_text(data)
    if len(text) > budget.max_characters:
        raise Refusal("too_much_text", n=thousands(budget.max_characters))
    heading = None
    if kind == "markdown":
        match = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
        heading = match.group(1) if match else None
    return Document(kind, paginate_plain_text(text) if text.strip() else [], heading=heading)


def paginate_plain_text(text: str, target: int = PAGE_TARGET) -> list[str]:
    """Split plain text into pages at form feeds, else into ~target-character passages."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        pages = text.split("\f")
        while len(pages) > 1 and not pages[-1].strip():
            pages.pop()  # a final form feed ends the last page; it does not start a new one
        return pages if any(p.strip() for p in pages) else []
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for para in re.split(r"\n[ \t]*\n", text):
        para = para.strip()
        if not para:
            continue
        for piece in _split_long(para, target):
            extra = len(piece) + (2 if current else 0)
            if current and size + extra > target:
                pages.append("\n\n".join(current))
                current, size, extra = [], 0, len(piece)
            current.append(piece)
            size += extra
    if current:
        pages.append("\n\n".join(current))
    return pages


def _split_long(para: str, target: int) -> list[str]:
    if len(para) <= target:
        return [para]
    pieces: list[str] = []
    current = ""
    for sentence in re.split(r"(?<=[.!?…:;])\s+", para):
        while len(sentence) > target:
            cut = sentence.rfind(" ", 0, target)
            cut = cut if cut > target // 2 else target
            head, sentence = sentence[:cut], sentence[cut:].lstrip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + 1 + len(sentence) > target:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces
