"""Pictures (PNG, JPEG): the text in their metadata (EXIF, PNG text chunks, comments, XMP, IPTC)."""

from __future__ import annotations

import io
from typing import Any

from PIL import ExifTags, Image, IptcImagePlugin, UnidentifiedImageError

from circle.documents.model import Document, Part, Refusal

# Windows' own EXIF fields hold UTF-16 text (XPTitle, XPComment, XPAuthor, XPKeywords, XPSubject).
_XP_TAGS = frozenset({0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F})
_MAX_VALUE = 1_000_000


def _decode(tag: int, value: Any) -> str:
    if isinstance(value, bytes):
        value = value[:_MAX_VALUE]
        if tag in _XP_TAGS:
            return value.decode("utf-16-le", "replace").rstrip("\x00")
        if tag == ExifTags.Base.UserComment and len(value) >= 8:
            code, body = value[:8], value[8:]
            if code.startswith(b"UNICODE"):
                encoding = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
                return body.decode(encoding, "replace")
            return body.decode("utf-8", "replace").strip("\x00 ")
        return value.decode("utf-8", "replace").strip("\x00")
    if isinstance(value, tuple | list):
        return " ".join(_decode(tag, v) for v in value[:1000])
    return str(value)


def _exif_text(image: Any) -> str:
    exif = image.getexif()
    lines = [f"{tag}: {_decode(tag, value)}" for tag, value in exif.items()]
    for ifd in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo, ExifTags.IFD.Interop):
        try:
            sub = exif.get_ifd(ifd)
        except (KeyError, ValueError, TypeError, OSError):
            continue
        lines.extend(f"{tag}: {_decode(tag, value)}" for tag, value in sub.items())
    return "\n".join(lines)


def metadata_parts(data: bytes) -> list[Part]:
    """Return the text an image carries beside its pixels, one part per kind of metadata."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decode the pixels once: a damaged picture is refused, not half read
            parts = [Part("exif", _exif_text(image))]
            chunks = getattr(image, "text", None) or {}  # PNG tEXt, zTXt and iTXt
            parts.append(Part("png_text", "\n".join(f"{k}: {v}" for k, v in chunks.items())))
            info = image.info
            comment = info.get("comment")
            if isinstance(comment, bytes):
                comment = comment.decode("utf-8", "replace")
            parts.append(Part("image_comment", str(comment or "")))
            xmp = info.get("xmp") or info.get("XML:com.adobe.xmp") or b""
            if isinstance(xmp, bytes):
                xmp = xmp.decode("utf-8", "replace")
            parts.append(Part("image_xmp", str(xmp)))
            iptc = IptcImagePlugin.getiptcinfo(image) if image.format == "JPEG" else None
            if iptc:
                parts.append(Part("iptc", "\n".join(_decode(0, v) for v in iptc.values())))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise Refusal("damaged_image") from exc
    except (ValueError, TypeError, KeyError, IndexError, EOFError) as exc:
        raise Refusal("damaged_image") from exc
    return [p for p in parts if p.text.strip()]


def metadata_text(data: bytes) -> str:
    """Return all metadata text of an image inside another file ('' if it cannot be read)."""
    try:
        return "\n".join(p.text for p in metadata_parts(data))
    except Refusal:
        return ""


def read_image(data: bytes, kind: str, name: str) -> Document:
    """Read a PNG or JPEG picture's metadata (no OCR: the pixels are not read as text)."""
    try:
        parts = metadata_parts(data)
    except Refusal as exc:
        raise Refusal("damaged", name=name) from exc
    return Document(kind, parts=parts)
