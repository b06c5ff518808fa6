"""Extract page text and suggested metadata from uploaded PDF, DOCX, text and Markdown files."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from flask_babel import lazy_gettext as _l

PAGE_TARGET = 3000

EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
}
REFUSED_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz"})
KIND_NAMES = {
    "pdf": _l("en PDF"),
    "docx": _l("et Word-dokument (DOCX)"),
    "text": _l("ren tekst"),
    "markdown": _l("ren tekst"),
    "zip": _l("et ZIP-arkiv"),
    "ole": _l("et eldre Office-dokument (for eksempel .doc)"),
    "html": _l("en HTML-side"),
    "svg": _l("et SVG-bilde"),
    "xml": _l("en XML-fil"),
    "binary": _l("en binærfil"),
}

MSG_EMPTY = _l("Filen er tom.")
MSG_NO_TEXT = _l("Filen inneholder ingen tekst.")
MSG_HTML = _l(
    "HTML- og SVG-filer kan ikke lastes opp. Last opp rapporten som PDF, Word (DOCX), "
    "ren tekst eller Markdown."
)
MSG_NO_EXTENSION = _l(
    "Filen mangler filendelse. Last opp PDF, Word (DOCX), ren tekst (.txt) eller Markdown (.md)."
)
MSG_ENCRYPTED = _l(
    "PDF-filen er passordbeskyttet og kan ikke leses. Fjern passordet og last opp filen på nytt."
)
MSG_BAD_PDF = _l(
    "PDF-filen er skadet eller ufullstendig og kan ikke leses. Lagre eller eksporter den på nytt "
    "og last opp igjen."
)
MSG_BAD_DOCX = _l("Word-filen er skadet og kan ikke leses. Lagre den på nytt og last opp igjen.")


def _unsupported(ext: str) -> Any:
    return _l(
        "Filtypen «%(ext)s» støttes ikke. Last opp PDF, Word (DOCX), ren tekst (.txt) eller "
        "Markdown (.md).",
        ext=ext,
    )


def _mismatch(name: str, actual: str) -> Any:
    return _l(
        "Innholdet i «%(name)s» passer ikke med filendelsen: filen ser ut til å være %(actual)s.",
        name=name,
        actual=KIND_NAMES[actual],
    )


class ExtractionError(Exception):
    """An upload that cannot be used, with a message for the member (translated when shown)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class ExtractedDocument:
    """Text per page, whether any of it is searchable, and suggested metadata."""

    kind: str
    pages: list[str]
    has_text: bool
    suggested: dict[str, Any] = field(default_factory=dict)
    # The text before running headers and footers were dropped: the identity-number guard
    # must see those too (a number in a repeated header would otherwise slip through).
    raw_text: str = ""


def extract_document(data: bytes, filename: str) -> ExtractedDocument:
    """Return the pages of an uploaded file; raise ExtractionError for unusable files."""
    name = _basename(filename)
    ext = _extension(name)
    if ext in REFUSED_EXTENSIONS:
        raise ExtractionError(MSG_HTML)
    if not data:
        raise ExtractionError(MSG_EMPTY)
    actual = sniff(data)
    if actual in ("html", "svg"):
        raise ExtractionError(MSG_HTML)
    expected = EXTENSIONS.get(ext)
    if expected is None:
        raise ExtractionError(_unsupported(ext) if ext else MSG_NO_EXTENSION)
    if actual != expected and not (actual == "text" and expected == "markdown"):
        shown = name if len(name) <= 80 else name[:77] + "…"
        raise ExtractionError(_mismatch(shown, actual))
    if expected == "pdf":
        return _extract_pdf(data)
    if expected == "docx":
        return _extract_docx(data)
    return _extract_text(data, expected)


# --------------------------------------------------------------------- sniffing


def sniff(data: bytes) -> str:
    """Return what the bytes are: pdf, docx, zip, ole, html, svg, xml, text or binary."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    text = decode_text(data[:65536], partial=True)
    if text is None:
        return "binary"
    lead = text.lstrip("\ufeff \t\r\n").lower()[:4096]
    if lead.startswith(("<!doctype html", "<html")) or _ACTIVE_TAG_RE.match(lead):
        return "html"
    if lead.startswith(("<svg", "<!doctype svg")) or (lead.startswith("<?xml") and "<svg" in lead):
        return "svg"
    if lead.startswith("<?xml"):
        return "html" if "<html" in lead else "xml"
    return "text"


# Markup that makes a file a web page rather than text: a browser would run or load it.
_ACTIVE_TAG_RE = re.compile(r"<(head|body|script|iframe|frameset|object|embed|meta|style|link)\b")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def decode_text(data: bytes, partial: bool = False) -> str | None:
    """Decode text as UTF-8 (or UTF-16 with a BOM, or cp1252); return None for binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a multi-byte character only happens at the end of a sample.
        if partial and exc.start >= len(data) - 3:
            text = data[: exc.start].decode("utf-8-sig")
        else:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                return None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(2, len(text[:65536]) // 100):
        return None
    return text


def _basename(filename: str) -> str:
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    return name.strip()


def _extension(name: str) -> str:
    return PurePosixPath(name.lower()).suffix


# ------------------------------------------------------------------------ PDF


def _extract_pdf(data: bytes) -> ExtractedDocument:
    from pypdf import PdfReader  # imported here: only PDF uploads pay for it

    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-4096:]:
        raise ExtractionError(MSG_BAD_PDF)  # cut off before the end marker: truncated
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - e.g. AES without a crypto library
                opened = 0
            if not opened:
                raise ExtractionError(MSG_ENCRYPTED)
        runs: list[tuple[str, float]] = []
        raw: list[str] = []
        for number, page in enumerate(reader.pages):
            if number == 0:
                raw.append(page.extract_text(visitor_text=_run_collector(runs)) or "")
            else:
                raw.append(page.extract_text() or "")
        info = _pdf_info(reader)
    except ExtractionError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        raise ExtractionError(MSG_BAD_PDF) from exc
    pages = normalise_pages(raw)
    has_text = any(_has_words(p) for p in pages)
    if not has_text:
        pages = ["" for _ in pages]
    suggested = _suggest(raw[0] if raw else "", info, _largest_text(runs))
    return ExtractedDocument("pdf", pages, has_text, suggested, raw_text="\n".join(raw))


def _run_collector(runs: list[tuple[str, float]]) -> Any:
    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text and text.strip():
            scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or 1.0
            runs.append((text, float(size or 0) * scale))

    return visit


def _largest_text(runs: list[tuple[str, float]]) -> str | None:
    sizes = [s for _, s in runs if s > 0]
    if not sizes:
        return None
    top = max(sizes)
    body = Counter(round(s) for s in sizes).most_common(1)[0][0]
    if top < body * 1.15:
        return None  # no line stands out from the body text
    text = " ".join(t.strip() for t, s in runs if s >= top - 0.5)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    return text if 3 <= len(text) <= 250 and _has_words(text) else None


def _pdf_info(reader: Any) -> dict[str, Any]:
    try:
        meta = reader.metadata
    except Exception:  # noqa: BLE001 - a broken info dictionary is not worth refusing the file
        return {}
    if not meta:
        return {}
    info: dict[str, Any] = {}
    for key, attr in (("title", "title"), ("author", "author")):
        try:
            value = getattr(meta, attr)
        except Exception:  # noqa: BLE001
            value = None
        if value:
            info[key] = str(value)
    try:
        created = meta.creation_date
    except Exception:  # noqa: BLE001
        created = None
    if isinstance(created, dt.datetime):
        info["year"] = created.year
    return info


# ----------------------------------------------------------------------- DOCX


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _extract_docx(data: bytes) -> ExtractedDocument:
    try:
        import docx  # imported here: only DOCX uploads pay for it

        document = docx.Document(io.BytesIO(data))
        pages = _docx_pages(document.element.body)
        props = document.core_properties
        info: dict[str, Any] = {}
        if props.title:
            info["title"] = props.title
        if props.author:
            info["author"] = props.author
        if props.created:
            info["year"] = props.created.year
        heading = _docx_heading(document)
    except ExtractionError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml raise many types
        raise ExtractionError(MSG_BAD_DOCX) from exc
    if len(pages) <= 1:
        pages = paginate_plain_text(pages[0] if pages else "")
    raw_text = "\n".join(pages)
    pages = normalise_pages(pages)
    if not any(_has_words(p) for p in pages):
        raise ExtractionError(MSG_NO_TEXT)
    return ExtractedDocument(
        "docx", pages, True, _suggest(pages[0], info, heading), raw_text=raw_text
    )


def _docx_pages(body: Any) -> list[str]:
    """Return text split at explicit and last-rendered page breaks."""
    pages: list[list[str]] = [[]]
    _docx_blocks(body, pages)
    texts = ["\n\n".join(p).strip() for p in pages]
    while len(texts) > 1 and not texts[-1]:
        texts.pop()
    return texts


def _docx_blocks(parent: Any, pages: list[list[str]]) -> None:
    for block in parent.iterchildren():
        if block.tag == _W + "p":
            _docx_paragraph(block, pages)
        elif block.tag == _W + "tbl":
            for row in block.iter(_W + "tr"):
                cells = (_text_of(cell) for cell in row.iter(_W + "tc"))
                line = "\t".join(c.strip() for c in cells)
                if line.strip():
                    pages[-1].append(line)
        elif block.tag == _W + "sdt":
            # Content controls (cover pages, tables of contents) wrap ordinary paragraphs.
            for content in block.iterchildren(_W + "sdtContent"):
                _docx_blocks(content, pages)


def _text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(_W + "t"))


def _docx_paragraph(p: Any, pages: list[list[str]]) -> None:
    parts: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == _W + "t":
            parts.append(el.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "lastRenderedPageBreak", _W + "cr"):
            is_page = tag == _W + "lastRenderedPageBreak" or el.get(_W + "type") == "page"
            if not is_page:
                parts.append("\n")
                continue
            text = "".join(parts).strip()
            if text:
                pages[-1].append(text)
            parts = []
            if pages[-1]:
                pages.append([])
    text = "".join(parts).strip()
    if text:
        pages[-1].append(text)


def _docx_heading(document: Any) -> str | None:
    for para in document.paragraphs[:30]:
        style = (para.style.name or "").lower() if para.style is not None else ""
        if para.text.strip() and style in ("title", "tittel", "heading 1", "overskrift 1"):
            return para.text.strip()
    return None


# ---------------------------------------------------------------- plain text


def _extract_text(data: bytes, kind: str) -> ExtractedDocument:
    text = decode_text(data)
    if text is None:
        raise ExtractionError(_mismatch(str(_l("filen")), "binary"))
    if not text.strip():
        raise ExtractionError(MSG_NO_TEXT)
    pages = normalise_pages(paginate_plain_text(text))
    if not any(_has_words(p) for p in pages):
        raise ExtractionError(MSG_NO_TEXT)
    heading = None
    if kind == "markdown":
        m = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
        heading = m.group(1) if m else None
    return ExtractedDocument(kind, pages, True, _suggest(pages[0], {}, heading), raw_text=text)


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


# -------------------------------------------------------------- normalising

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HYPHEN_BREAK_RE = re.compile(r"([^\W\d_]+)[-\u2010]\n(?=([^\W_]+))")
_ROMAN_RE = re.compile(r"^[ivxlcdm]{1,7}$")
# Words after which a line-final hyphen marks a suspended compound: "barne- og ungdomsvern".
_CONNECTORS = frozenset({"og", "eller", "samt", "enn", "til", "and", "or", "nor", "und", "och"})
_EDGE_LINES = 3


def normalise_pages(pages: list[str]) -> list[str]:
    """Return pages cleaned for search: NFKC, no soft hyphens, headers or line-end hyphens."""
    cleaned = [_clean(p) for p in pages]
    cleaned = _drop_running_lines(cleaned)
    return [_tidy(_join_hyphenated(p)) for p in cleaned]


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    # A soft hyphen at a line end marks where the word was broken: join the halves.
    text = re.sub(r"\u00ad[ \t]*\n[ \t]*", "", text).replace("\u00ad", "")
    text = _CONTROL_RE.sub("", text).replace("\t", " ")
    text = re.sub(r" {2,}", " ", text)
    return re.sub(r" *\n *", "\n", text)


def _join_hyphenated(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        before, after = m.group(1), m.group(2)
        if after.lower() in _CONNECTORS:
            return m.group(0)
        if len(before) == 1 or (before.isupper() and len(before) > 1) or not after[0].islower():
            return before + "-"  # e-post, NAV-kontoret, Nord-Norge, 0-24: keep the hyphen
        return before

    return _HYPHEN_BREAK_RE.sub(repl, text)


def _line_key(line: str) -> str | None:
    s = re.sub(r"\s+", " ", line.strip().lower())
    if not s or len(s) > 150:
        return None
    if _ROMAN_RE.match(s):
        return "#"
    return re.sub(r"\d+", "#", s)


def _drop_running_lines(pages: list[str]) -> list[str]:
    """Drop lines that repeat at the top or bottom of many pages (headers, page numbers)."""
    split = [p.split("\n") for p in pages]
    edges: list[set[int]] = []
    counts: Counter[str] = Counter()
    for lines in split:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        zone = set(filled[:_EDGE_LINES]) | set(filled[-_EDGE_LINES:])
        edges.append(zone)
        counts.update({k for i in zone if (k := _line_key(lines[i])) is not None})
    with_text = sum(1 for zone in edges if zone)
    if with_text < 3:
        return pages
    threshold = max(3, math.ceil(0.4 * with_text))
    repeated = {k for k, n in counts.items() if n >= threshold}
    if not repeated:
        return pages
    out = []
    for lines, zone in zip(split, edges, strict=True):
        kept = [ln for i, ln in enumerate(lines) if i not in zone or _line_key(ln) not in repeated]
        out.append("\n".join(kept))
    return out


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _has_words(text: str) -> bool:
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 3


# --------------------------------------------------------------- suggestions

_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_BYLINE_RE = re.compile(
    r"^(?:av|forfattere?|redigert av|redaktører?|authors?|by)\s*:?\s+(.+)$", re.IGNORECASE
)
_JUNK_TITLES = re.compile(
    r"^(untitled|ingen tittel|dokument\d*|document\d*|microsoft word\b.*"
    r"|.*\.(docx?|pdf|indd|odt))$",
    re.IGNORECASE,
)
_JUNK_AUTHORS = frozenset({"administrator", "admin", "user", "bruker", "owner", "eier", "unknown"})


def _suggest(first_page: str, info: dict[str, Any], heading: str | None) -> dict[str, Any]:
    """Return title, authors and year suggested by file metadata and the first page."""
    out: dict[str, Any] = {}
    title = _clean_title(info.get("title")) or _clean_title(heading)
    if not title:
        for line in first_page.splitlines():
            if line.strip():
                title = _clean_title(line) if len(line.strip()) <= 150 else None
                break
    if title:
        out["title"] = title
    authors = _split_names(info.get("author") or "")
    if not authors:
        for line in first_page.splitlines()[:40]:
            m = _BYLINE_RE.match(line.strip())
            if m:
                authors = _split_names(m.group(1))
                break
    if authors:
        out["authors"] = authors
    year = _page_year(first_page) or info.get("year")
    if year:
        out["year"] = int(year)
    return out


def _clean_title(value: str | None) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip(" -–:")
    if len(text) < 3 or _JUNK_TITLES.match(text) or not _has_letters(text):
        return None
    return text[:300]


def _has_letters(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2,}", text))


def _split_names(value: str) -> list[str]:
    names = []
    for part in re.split(r"\s*(?:;|,|&|\bog\b|\band\b)\s*", unicodedata.normalize("NFKC", value)):
        name = re.sub(r"\s+", " ", part).strip(" .")
        if len(name) >= 2 and name.lower() not in _JUNK_AUTHORS and _has_letters(name):
            names.append(name[:120])
    return names[:20]


def _page_year(text: str) -> int | None:
    latest = dt.date.today().year + 1
    years = [int(y) for y in _YEAR_RE.findall(text) if int(y) <= latest]
    if not years:
        return None
    counts = Counter(years)
    return max(counts, key=lambda y: (counts[y], y))
