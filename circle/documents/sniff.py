"""The one file-type check: which types are accepted, and whether the content is what it says."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from circle.documents.model import Refusal


@dataclass(frozen=True)
class FileType:
    """An accepted file type: its extension, what its content is, and how it is served."""

    extension: str
    kind: str
    content_type: str

    @property
    def label(self) -> Any:
        """The type's name as shown to members ("Word (DOCX)")."""
        from circle.documents.places import TYPE_LABELS

        return TYPE_LABELS[self.extension]


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

# Every type a file may be uploaded as, in the order they are shown. Each has a reader.
ACCEPTED_TYPES: tuple[FileType, ...] = (
    FileType("pdf", "pdf", "application/pdf"),
    FileType("docx", "docx", f"{_OOXML}.wordprocessingml.document"),
    FileType("xlsx", "xlsx", f"{_OOXML}.spreadsheetml.sheet"),
    FileType("pptx", "pptx", f"{_OOXML}.presentationml.presentation"),
    FileType("odt", "odt", f"{_ODF}.text"),
    FileType("ods", "ods", f"{_ODF}.spreadsheet"),
    FileType("odp", "odp", f"{_ODF}.presentation"),
    FileType("txt", "text", "text/plain; charset=utf-8"),
    FileType("md", "markdown", "text/markdown; charset=utf-8"),
    FileType("csv", "csv", "text/csv; charset=utf-8"),
    FileType("png", "png", "image/png"),
    FileType("jpg", "jpeg", "image/jpeg"),
    FileType("jpeg", "jpeg", "image/jpeg"),
)
BY_EXTENSION = {t.extension: t for t in ACCEPTED_TYPES}
ACCEPTED_EXTENSIONS = frozenset(BY_EXTENSION)
TEXT_KINDS = frozenset({"text", "markdown", "csv"})
ARCHIVE_KINDS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})
# Extensions refused outright: a browser would run them if they were ever served inline.
ACTIVE_EXTENSIONS = frozenset({"html", "htm", "xhtml", "shtml", "svg", "svgz"})

_OOXML_MAIN = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
_ODF_KINDS = {f"{_ODF}.text": "odt", f"{_ODF}.spreadsheet": "ods", f"{_ODF}.presentation": "odp"}
# Markup that makes a file a web page rather than text: a browser would run or load it.
_ACTIVE_TAG_RE = re.compile(r"<(head|body|script|iframe|frameset|object|embed|meta|style|link)\b")


def types_for(extensions: Iterable[str] | None = None) -> list[FileType]:
    """Return the accepted types (all, or those with the given extensions), in display order."""
    wanted = None if extensions is None else set(extensions)
    return [t for t in ACCEPTED_TYPES if wanted is None or t.extension in wanted]


def describe_types(extensions: Iterable[str] | None = None) -> str:
    """Return the accepted types as one phrase: "PDF, Word (DOCX) eller ren tekst (TXT)"."""
    seen: list[str] = []
    for t in types_for(extensions):
        label = str(t.label)
        if t.kind == "jpeg" and any("JPEG" in s for s in seen):
            continue
        seen.append(label)
    if len(seen) <= 1:
        return "".join(seen)
    from circle.documents.places import either

    return either(seen)


def basename(filename: str) -> str:
    """Return the file name without any folder (Windows or POSIX)."""
    return PureWindowsPath(PurePosixPath(filename or "").name).name.strip()


def extension_of(filename: str) -> str:
    """Return the lower-case extension without the dot ('' when there is none)."""
    name = basename(filename)
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def _shown(name: str) -> str:
    return name if len(name) <= 80 else name[:77] + "…"


def check_extension(filename: str, data: bytes, allowed: Iterable[str] | None = None) -> FileType:
    """Return the accepted type the file's name claims; raise Refusal before reading content."""
    ext = extension_of(filename)
    if ext in ACTIVE_EXTENSIONS:
        raise Refusal("active_extension", ext=ext)
    if not data:
        raise Refusal("empty")
    allowed_set = None if allowed is None else set(allowed)
    file_type = BY_EXTENSION.get(ext)
    if file_type is None or (allowed_set is not None and ext not in allowed_set):
        shown = [t.extension for t in types_for(allowed_set)]
        if ext:
            raise Refusal("unsupported", ext=ext, allowed=shown)
        raise Refusal("no_extension", allowed=shown)
    return file_type


def check_type(filename: str, data: bytes, allowed: Iterable[str] | None = None) -> FileType:
    """Return the file's accepted type; raise Refusal if the name or the content is wrong."""
    file_type = check_extension(filename, data, allowed)
    actual = sniff(data)
    name = _shown(basename(filename))
    if actual in ("html", "svg"):
        raise Refusal("active_content", name=name)
    if actual == "broken_zip" and file_type.kind in ARCHIVE_KINDS:
        raise Refusal("damaged_archive", name=name)
    if actual != file_type.kind and not (actual == "text" and file_type.kind in TEXT_KINDS):
        raise Refusal("mismatch", name=name, ext=file_type.extension, actual=actual)
    return file_type


def sniff(data: bytes) -> str:
    """Return what the bytes are: a kind of ACCEPTED_TYPES, or another (zip, broken_zip, ole, ...)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    text = decode_sample(data[:65536])
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


def _zip_kind(data: bytes) -> str:
    """Tell an Office Open XML or OpenDocument file from any other ZIP archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for main, kind in _OOXML_MAIN.items():
                    if main in names:
                        return kind
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).decode("ascii", "replace").strip()
                return _ODF_KINDS.get(mimetype, "zip")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, KeyError, EOFError):
        return "broken_zip"
    except NotImplementedError:  # a compression method zipfile cannot read
        return "zip"
    return "zip"


def decode_sample(data: bytes) -> str | None:
    """Decode the start of a file as text in any likely encoding; None when it is binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data[: len(data) // 2 * 2].decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a sample may end inside a multi-byte character
            text = data[: exc.start].decode("utf-8-sig", "replace")
        else:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                return None
    if controls(text) > max(2, len(text) // 100):
        return None
    return text


def controls(text: str) -> int:
    """Count the control characters a text file would not hold (tabs and line ends aside)."""
    return sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
