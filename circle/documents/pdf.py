"""PDF files: page text, document info, XMP, annotations, form fields, bookmarks; no attachments."""

from __future__ import annotations

import html
import io
import math
import re
import unicodedata
from collections import Counter
from typing import Any

import pypdf
from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from circle.documents.archive import all_text, parse_xml
from circle.documents.budget import Budget
from circle.documents.model import Document, Part, Refusal, thousands

_MAX_VALUE_DEPTH = 8
_TAG_RE = re.compile(r"<[^>]{0,2000}>")


def _configuration(budget: Budget) -> dict[str, Any]:
    """Return pypdf limits tightened to the budget (stream bombs, huge page trees, no helpers)."""
    stream = min(75_000_000, max(8_000_000, budget.max_unpacked_bytes // 4))
    return {
        "jbig2dec_binary": None,  # never call an outside program on an untrusted file
        "zlib_maximum_output_length": stream,
        "lzw_maximum_output_length": stream,
        "run_length_maximum_output_length": stream,
        "array_based_stream_maximum_output_length": stream,
        "brotli_maximum_output_length": stream,
        "image_maximum_buffer_size": stream,
        "stream_decoding_work_maximum_length": stream * 4,
        "page_tree_maximum_entries": budget.max_pages * 2 + 100,
        "page_tree_maximum_page_entries": budget.max_pages * 2 + 100,
    }


def read_pdf(data: bytes, budget: Budget) -> Document:
    """Read every page and every hidden place of a PDF; refuse what cannot be checked."""
    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-4096:]:
        raise Refusal("bad_pdf")  # cut off before the end marker: truncated
    with pypdf.apply_configuration(**_configuration(budget)):
        try:
            return _read(data, budget)
        except (Refusal, MemoryError, RecursionError):
            raise
        except LimitReachedError as exc:
            if "page" in str(exc).lower():
                raise Refusal("too_many_pages", n=thousands(budget.max_pages)) from exc
            raise Refusal("pdf_limit") from exc
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
            raise Refusal("bad_pdf") from exc


def _read(data: bytes, budget: Budget) -> Document:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception:  # noqa: BLE001 - e.g. AES without a crypto library
            opened = 0
        if not opened:
            raise Refusal("encrypted_pdf")
    root = _resolve(reader.trailer.get("/Root"))
    pages_node = _resolve(root.get("/Pages")) if isinstance(root, DictionaryObject) else None
    declared = _resolve(pages_node.get("/Count")) if isinstance(pages_node, DictionaryObject) else 0
    # The declared count is checked before the page tree is walked: refusing a 99,000-page
    # file must not cost parsing its pages.
    if isinstance(declared, int) and declared > budget.max_pages:
        raise Refusal("too_many_pages", n=thousands(budget.max_pages))
    if _has_embedded_files(root):
        raise Refusal("attachments")
    count = len(reader.pages)
    if count > budget.max_pages:
        raise Refusal("too_many_pages", n=thousands(budget.max_pages))
    doc = Document("pdf")
    runs: list[tuple[str, float]] = []
    total = 0
    for number, page in enumerate(reader.pages, 1):
        _decode_streams(page)
        visitor = _run_collector(runs) if number == 1 else None
        text = page.extract_text(visitor_text=visitor) or ""
        total += len(text)
        if total > budget.max_characters:
            raise Refusal("too_much_text", n=thousands(budget.max_characters))
        doc.pages.append(text)
        doc.parts.extend(_annotations(page, number))
    doc.heading = _largest_text(runs)
    doc.info = _info(reader)
    doc.parts.extend(_metadata_parts(reader, root))
    return doc


def _decode_streams(page: Any) -> None:
    """Decode the page's content and form streams first: text extraction would hide a failure.

    pypdf's text extraction passes over a stream it cannot decode (a decompression bomb stops
    at the limit) and returns less text; the file must be refused, not read in part.
    """
    contents = page.get_contents()
    if contents is not None:
        contents.get_data()
    resources = _resolve(page.get("/Resources"))
    xobjects = (
        _resolve(resources.get("/XObject")) if isinstance(resources, DictionaryObject) else None
    )
    if isinstance(xobjects, DictionaryObject):
        for ref in list(xobjects.values())[:500]:
            xobject = _resolve(ref)
            if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Form":
                xobject.get_data()


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _has_embedded_files(root: Any) -> bool:
    if not isinstance(root, DictionaryObject):
        return False
    names = _resolve(root.get("/Names"))
    return isinstance(names, DictionaryObject) and names.get("/EmbeddedFiles") is not None


def _text(value: Any, depth: int = 0) -> str:
    """Return the text inside a PDF value (strings, names, arrays, dictionaries), bounded."""
    value = _resolve(value)
    if depth > _MAX_VALUE_DEPTH or value is None:
        return ""
    if isinstance(value, ArrayObject):
        return " ".join(filter(None, (_text(v, depth + 1) for v in value[:1000])))
    if isinstance(value, DictionaryObject):
        return " ".join(filter(None, (_text(v, depth + 1) for v in list(value.values())[:1000])))
    if hasattr(value, "get_data"):  # a stream: rich text or XFA held as XML
        try:
            return _markup_text(value.get_data())
        except Exception:  # noqa: BLE001 - an unreadable stream holds no readable text
            return ""
    return str(value)


def _markup_text(data: bytes | str) -> str:
    """Return the words of an XML or XHTML fragment (rich text, XMP), tags removed."""
    raw = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return html.unescape(_TAG_RE.sub(" ", raw))


def _annotations(page: Any, number: int) -> list[Part]:
    """Return the text of a page's annotations and form widgets; refuse an attached file."""
    annots = _resolve(page.get("/Annots"))
    if not isinstance(annots, ArrayObject):
        return []
    notes: list[str] = []
    fields: list[str] = []
    for ref in annots[:5000]:
        annot = _resolve(ref)
        if not isinstance(annot, DictionaryObject):
            continue
        if annot.get("/Subtype") == "/FileAttachment" or annot.get("/FS") is not None:
            raise Refusal("attachments")
        texts = fields if annot.get("/Subtype") == "/Widget" else notes
        for key in ("/Contents", "/T", "/TU", "/Subj", "/RC", "/V", "/DV", "/NM"):
            if annot.get(key) is not None:
                texts.append(_text(annot.get(key)))
        action = _resolve(annot.get("/A"))
        if isinstance(action, DictionaryObject) and action.get("/URI") is not None:
            texts.append(_text(action.get("/URI")))
        popup = _resolve(annot.get("/Popup"))
        if isinstance(popup, DictionaryObject) and popup.get("/Contents") is not None:
            texts.append(_text(popup.get("/Contents")))
    parts = []
    for place, texts in (("form_field", fields), ("annotation", notes)):
        text = "\n".join(t for t in texts if t.strip())
        if text:
            parts.append(Part(place, html.unescape(_TAG_RE.sub(" ", text)), number=number))
    return parts


def _metadata_parts(reader: Any, root: Any) -> list[Part]:
    parts = []
    try:
        info = reader.metadata
    except Exception:  # noqa: BLE001 - a broken info dictionary is read as empty
        info = None
    if info:
        lines = [f"{k}: {_text(v)}" for k, v in list(info.items())[:1000]]
        parts.append(Part("properties", "\n".join(lines)))
    if isinstance(root, DictionaryObject):
        meta = _resolve(root.get("/Metadata"))
        if meta is not None and hasattr(meta, "get_data"):
            parts.append(Part("xmp", _xmp_text(meta.get_data())))
        form = _resolve(root.get("/AcroForm"))
        if isinstance(form, DictionaryObject):
            parts.append(Part("form_field", _form_text(reader, form)))
    outline = _outline_text(reader)
    if outline:
        parts.append(Part("bookmarks", outline))
    return [p for p in parts if p.text.strip()]


def _xmp_text(data: bytes) -> str:
    try:
        root = parse_xml(data, "XMP")
    except Refusal:
        return _markup_text(data)
    return "\n".join(all_text(root, attributes=True))


def _form_text(reader: Any, form: Any) -> str:
    lines = []
    try:
        fields = reader.get_fields() or {}
    except Exception:  # noqa: BLE001 - a broken field tree is read through /Fields below
        fields = {}
    for name, fld in fields.items():
        values = [_text(fld.get(k)) for k in ("/V", "/DV", "/TU", "/Opt") if fld.get(k) is not None]
        lines.append(f"{name}: {' '.join(values)}")
    lines.append(_text(form.get("/Fields")))
    if form.get("/XFA") is not None:
        lines.append(_text(form.get("/XFA")))
    return "\n".join(line for line in lines if line.strip())


def _outline_text(reader: Any) -> str:
    titles: list[str] = []

    def walk(items: Any, depth: int) -> None:
        for item in items:
            if len(titles) > 10_000 or depth > 50:
                return
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                titles.append(str(getattr(item, "title", "") or ""))

    try:
        walk(reader.outline, 0)
    except Exception:  # noqa: BLE001 - a broken outline holds no readable text
        return ""
    return "\n".join(t for t in titles if t.strip())


def _info(reader: Any) -> dict[str, Any]:
    """Return title, author and year from the document info dictionary."""
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
    if created is not None and hasattr(created, "year"):
        info["year"] = created.year
    return info


def _run_collector(runs: list[tuple[str, float]]) -> Any:
    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text and text.strip() and len(runs) < 20_000:
            scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or 1.0
            runs.append((text, float(size or 0) * scale))

    return visit


def _largest_text(runs: list[tuple[str, float]]) -> str | None:
    """Return the text set in the largest type on the page, if it stands out from the body."""
    sizes = [s for _, s in runs if s > 0]
    if not sizes:
        return None
    top = max(sizes)
    body = Counter(round(s) for s in sizes).most_common(1)[0][0]
    if top < body * 1.15:
        return None  # no line stands out from the body text
    text = " ".join(t.strip() for t, s in runs if s >= top - 0.5)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    return text if 3 <= len(text) <= 250 and len(re.findall(r"[^\W\d_]{2,}", text)) >= 3 else None
