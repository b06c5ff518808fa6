"""Uploaded files: storage under random keys, downloads under the original name.

What a file is, and whether it may be uploaded, is circle.documents' one check.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from pathlib import Path

from flask import Response, send_file
from sqlalchemy.orm import Session

from circle.documents import check_file_type
from circle.documents.sniff import extension_of
from circle.identity import ensure_no_identity_number
from circle.models import Member, StoredFile


def clean_original_name(filename: str) -> str:
    """Return a display name: no path, no control characters, NFC, at most 255 characters."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if not name:
        name = "fil"
    if len(name) > 255:
        ext = extension_of(name)
        name = name[: 254 - len(ext)] + ("." + ext if ext else "")
    return name


def check_upload(filename: str, data: bytes, allowed: set[str] | None = None) -> str:
    """Return the content type for an acceptable upload, or raise DocumentError."""
    return check_file_type(filename, data, allowed).content_type


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
    ensure_no_identity_number(original)
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
    # The stored type is the whole header value ("text/csv; charset=utf-8"); send_file's
    # mimetype would have added a second charset to it.
    response.headers["Content-Type"] = stored.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    if as_attachment:
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
