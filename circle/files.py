"""Uploaded files: kept pending until committed, read in a job, downloaded under their name.

An upload is checked cheaply in the request (type, name), written to storage under a pending
name, and given a row in state "processing" with a job to read it, all in the request's
transaction. After the commit the job publishes the file, reads every place of it within the
document budget (circle.documents) and hands the result to the area that asked for it (its
file consumer, registered in circle.hooks); a refused file loses its bytes at once and keeps only
its name and the reason, for the uploader. Deleting a file queues the removal of its bytes, so a
crash never leaves an orphan behind the database's back.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
import uuid
from typing import Any

from flask import Flask, Response, current_app, send_file
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from circle.documents import Budget, DocumentError, check_file_type, read_document
from circle.documents.sniff import extension_of
from circle.hooks import hooks, register_job
from circle.identity import (
    IdentityNumberError,
    contains_identity_number,
    ensure_no_identity_number,
)
from circle.jobs import enqueue
from circle.models import FileState, Member, StoredFile
from circle.storage import Storage, get_storage

log = logging.getLogger(__name__)

DOWNLOAD_CSP = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
READ_JOB = "files.read"
DELETE_JOB = "files.delete"
_PENDING_KEY = "circle.files.pending"
_listening = False


def clean_original_name(filename: str) -> str:
    """Return a display name: no path, no control characters, NFC, at most 255 characters.

    A name that holds an identity number is never shown: it becomes "fil" with its extension
    (store_file and check_upload refuse such a file, and their messages use this name).
    """
    if contains_identity_number(filename):
        ext = extension_of(filename)
        return "fil." + ext if ext.isalnum() and len(ext) <= 5 else "fil"
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


def check_upload(filename: str, data: bytes, allowed: set[str] | None = None) -> str:
    """Return the content type for an acceptable upload, or raise DocumentError."""
    ensure_clean_name(filename)
    return check_file_type(filename, data, allowed).content_type


def store_file(
    session: Session,
    *,
    storage: Storage,
    data: bytes,
    filename: str,
    uploaded_by: Member | None,
    purpose: str,
    allowed: set[str] | None = None,
    locale: str = "nb",
) -> StoredFile:
    """Check an upload, write it as pending and queue its reading job; the caller commits."""
    content_type = check_upload(filename, data, allowed)
    original = clean_original_name(filename)
    key = uuid.uuid4().hex
    storage.put_pending(key, data)
    session.info.setdefault(_PENDING_KEY, []).append((storage, key))
    stored = StoredFile(
        key=key,
        original_name=original,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by,
        state=FileState.PROCESSING,
        purpose=purpose,
    )
    session.add(stored)
    session.flush()
    enqueue(session, READ_JOB, {"stored_file_id": stored.id, "locale": locale})
    return stored


def forget_file(session: Session, stored: StoredFile) -> None:
    """Delete a stored file's row and queue the removal of its bytes (after the commit)."""
    key = stored.key
    session.delete(stored)
    enqueue(session, DELETE_JOB, {"key": key})
    session.flush()


def download_response(stored: StoredFile, storage: Storage, *, inline: bool = False) -> Response:
    """Stream the file under its original name (RFC 6266 filename*), never sniffable."""
    # Only PDFs may open in the browser (for page links); everything else is a download.
    as_attachment = not (inline and stored.content_type == "application/pdf")
    path = storage.local_path(stored.key)
    source: Any = path if path is not None else storage.open(stored.key)
    response = send_file(
        source,
        mimetype=stored.content_type,
        as_attachment=as_attachment,
        download_name=stored.original_name,
        conditional=True,
        etag=stored.sha256,
        last_modified=stored.created_at,
        max_age=0,
    )
    if path is None:
        response.content_length = stored.size
    # The stored type is the whole header value ("text/csv; charset=utf-8"); send_file's
    # mimetype would have added a second charset to it.
    response.headers["Content-Type"] = stored.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Nothing in a file may load, frame it elsewhere or rebase its links; a download is also
    # sandboxed. An inline PDF is not (a sandbox would stop some browsers' PDF viewers).
    csp = DOWNLOAD_CSP + ("; sandbox" if as_attachment else "")
    response.headers["Content-Security-Policy"] = csp
    return response


def refusal_text(exc: DocumentError | IdentityNumberError, name: str) -> str:
    """Return why a file was refused, in the words the uploader sees."""
    if isinstance(exc, IdentityNumberError):
        return str(
            _l(
                "«%(name)s» er ikke lagret: filen ser ut til å inneholde et fødselsnummer eller "
                "D-nummer (%(where)s). Av hensyn til taushetsplikten kan slike opplysninger ikke "
                "lagres her. Fjern nummeret og last opp på nytt.",
                name=name,
                where=exc.where,
            )
        )
    return str(exc.message)


def read_file_job(session: Session, payload: dict[str, Any]) -> None:
    """The reading job: publish, read every place within the budget, hand over or refuse."""
    stored = session.get(StoredFile, int(payload["stored_file_id"]))
    if stored is None or stored.state != FileState.PROCESSING:
        return  # deleted meanwhile, or done by an earlier run
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    storage = get_storage(app)
    consumer = hooks(app).file_consumers.get(stored.purpose)
    storage.publish(stored.key)  # idempotent: a retry finds it published
    with force_locale(str(payload.get("locale") or "nb")):
        try:
            if not storage.exists(stored.key):
                raise DocumentError("lost")
            document = read_document(
                storage.read(stored.key),
                stored.original_name,
                budget=Budget.from_config(app.config),
                allowed=consumer.allowed if consumer else None,
            )
            stored.state = FileState.READY
            if consumer is not None:
                # A savepoint: an area that finds the file unusable after all (a report
                # without text) leaves none of its half-made changes behind.
                with session.begin_nested():
                    consumer.on_ready(session, stored, document)
        except (DocumentError, IdentityNumberError) as exc:
            stored.state = FileState.PROCESSING
            refuse_file(session, stored, refusal_text(exc, stored.original_name), storage)
            return
    session.flush()


def refuse_file(session: Session, stored: StoredFile, reason: str, storage: Storage) -> None:
    """Remove a refused file's bytes and tell its area and its uploader why."""
    storage.delete(stored.key)
    stored.state = FileState.REFUSED
    stored.refusal = reason
    consumer = hooks(current_app).file_consumers.get(stored.purpose)
    if consumer is not None:
        consumer.on_refused(session, stored, reason)
    for notify in hooks(current_app).file_refused:
        notify(session, stored, reason)
    session.flush()


def delete_file_job(_session: Session, payload: dict[str, Any]) -> None:
    """The deletion job: remove the bytes (safe to run twice)."""
    get_storage().delete(str(payload["key"]))


def _after_rollback(session: Session) -> None:
    # Pending files written in a transaction that did not commit have no row: remove them now
    # (a crash before this runs leaves them to `flask check --repair`).
    for storage, key in session.info.pop(_PENDING_KEY, []):
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001 - left to the check, never worth an error page
            log.warning("could not remove pending file %s after a rollback", key)


def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING_KEY, None)


def init_files(app: Flask) -> None:
    """Register the file jobs and the clean-up of pending files after a rollback."""
    global _listening
    register_job(app, READ_JOB, read_file_job, max_attempts=5, lease_seconds=300)
    register_job(app, DELETE_JOB, delete_file_job, max_attempts=10, lease_seconds=120)
    if not _listening:
        event.listen(Session, "after_rollback", _after_rollback)
        event.listen(Session, "after_commit", _after_commit)
        _listening = True
