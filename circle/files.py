"""Uploaded files: type checks, storage under random keys, downloads under the original name."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
import zipfile
from io import BytesIO
from pathlib import Path

from flask import Response, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from circle.errors import DomainError
from circle.identity import contains_identity_number, ensure_no_identity_number
from circle.models import Member, StoredFile

# extension -> (content type, how to recognise the content)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "txt": ("text/plain; charset=utf-8", "text"),
    "md": ("text/markdown; charset=utf-8", "text"),
    "csv": ("text/csv; charset=utf-8", "text"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
}
REFUSED_EXTENSIONS = {
    "html",
    "htm",
    "xhtml",
    "svg",
    "svgz",
    "js",
    "mjs",
    "xml",
    "exe",
    "bat",
    "cmd",
    "sh",
    "ps1",
    "dll",
    "msi",
    "jar",
    "php",
}
DOWNLOAD_CSP = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
_ZIP_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}


class UploadError(DomainError):
    """The upload was refused; the message says why."""


def extension_of(filename: str) -> str:
    """Return the lower-case extension without the dot."""
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def clean_original_name(filename: str) -> str:
    """Return a display name: no path, no control characters, NFC, at most 255 characters.

    A name that holds an identity number is never shown: it becomes "fil" with its extension
    (store_file and check_upload refuse such a file, and their messages use this name).
    """
    if contains_identity_number(filename):
        ext = extension_of(filename)
        return "fil." + ext if ext in ALLOWED else "fil"
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if not name:
        name = "fil"
    if len(name) > 255:
        ext = extension_of(name)
        name = name[: 254 - len(ext)] + ("." + ext if ext else "")
    return name


def ensure_clean_name(filename: str) -> None:
    """Refuse a file whose name (as typed, before cleaning) holds an identity number."""
    ensure_no_identity_number(filename, where=_l("i filnavnet"))


def _looks_like(kind: str, data: bytes, ext: str) -> bool:
    if kind == "pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if kind == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if kind in {"docx", "xlsx", "pptx", "odf"}:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        return _ZIP_MARKERS.get(ext, "mimetype") in names
    if kind == "text":
        if b"\x00" in data:
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        head = text[:512].lstrip().lower()
        return not head.startswith(("<!doctype html", "<html", "<svg", "<?xml", "<script"))
    return False


def check_upload(filename: str, data: bytes, allowed: set[str] | None = None) -> str:
    """Return the content type for an acceptable upload, or raise UploadError."""
    ensure_clean_name(filename)
    ext = extension_of(filename)
    if not data:
        raise UploadError(_l("Filen «%(name)s» er tom.", name=clean_original_name(filename)))
    if ext in REFUSED_EXTENSIONS:
        raise UploadError(_l("Filer av typen .%(ext)s kan ikke lastes opp.", ext=ext))
    if ext not in ALLOWED or (allowed is not None and ext not in allowed):
        kinds = ", ".join(sorted(allowed or ALLOWED))
        raise UploadError(_l("Filtypen støttes ikke. Tillatt: %(kinds)s.", kinds=kinds))
    content_type, kind = ALLOWED[ext]
    if not _looks_like(kind, data, ext):
        raise UploadError(
            _l(
                "Innholdet i «%(name)s» stemmer ikke med filtypen .%(ext)s.",
                name=clean_original_name(filename),
                ext=ext,
            )
        )
    return content_type


def file_path(upload_dir: str | Path, key: str) -> Path:
    """Return where a stored file's bytes live."""
    return Path(upload_dir) / key[:2] / key


def store_file(
    session: Session,
    *,
    upload_dir: str | Path,
    data: bytes,
    filename: str,
    uploaded_by: Member | None,
    allowed: set[str] | None = None,
) -> StoredFile:
    """Check and store an upload under a random key; the caller commits."""
    content_type = check_upload(filename, data, allowed)
    original = clean_original_name(filename)
    key = uuid.uuid4().hex
    path = file_path(upload_dir, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # a crash never leaves a half-written file under the real key
    stored = StoredFile(
        key=key,
        original_name=original,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by,
    )
    session.add(stored)
    session.flush()
    return stored


def discard_file(upload_dir: str | Path, key: str) -> None:
    """Remove a stored file's bytes (used when the transaction that stored it fails)."""
    file_path(upload_dir, key).unlink(missing_ok=True)


def delete_stored_file(session: Session, stored: StoredFile, *, upload_dir: str | Path) -> None:
    """Delete the row and the bytes of a stored file."""
    key = stored.key
    session.delete(stored)
    session.flush()
    discard_file(upload_dir, key)


def download_response(
    stored: StoredFile, upload_dir: str | Path, *, inline: bool = False
) -> Response:
    """Return the file under its original name (RFC 6266 filename*), never sniffable."""
    # Only PDFs may open in the browser (for page links); everything else is a download.
    as_attachment = not (inline and stored.content_type == "application/pdf")
    response = send_file(
        file_path(upload_dir, stored.key),
        mimetype=stored.content_type,
        as_attachment=as_attachment,
        download_name=stored.original_name,
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Nothing in a file may load, frame it elsewhere or rebase its links; a download is also
    # sandboxed. An inline PDF is not (a sandbox would stop some browsers' PDF viewers).
    csp = DOWNLOAD_CSP + ("; sandbox" if as_attachment else "")
    response.headers["Content-Security-Policy"] = csp
    return response
