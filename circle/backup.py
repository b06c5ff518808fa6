"""Consistent backups of the database and uploaded files while the site runs, and restore."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from circle.models import FileState, StoredFile, utcnow
from circle.storage import Entry, Storage

MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why."""


def _sqlite_path(engine: Engine) -> Path:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise BackupError("database backup of this kind needs SQLite (use pg_dump for PostgreSQL)")
    return Path(engine.url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    # SQLite's online backup API copies a consistent snapshot while others keep writing.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def create_backup(engine: Engine, session: Session, storage: Storage, destination: Path) -> Path:
    """Write a .tar.gz with the database snapshot, the referenced files and a manifest.

    Files still being read (or refused) are not in the archive: after a restore, a file whose
    reading had not finished is refused as lost, and its uploader sees why.
    """
    db_file = _sqlite_path(engine)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        snapshot = work / "database.sqlite3"
        _copy_sqlite(db_file, snapshot)
        # Files are listed from the snapshot, so the archive matches the database exactly.
        snap = sqlite3.connect(snapshot)
        rows = snap.execute("SELECT key, sha256 FROM stored_file WHERE state = 'ready'").fetchall()
        snap.close()
        files_dir = work / "files"
        for key, _sha in rows:
            try:
                data = storage.read(key)
            except FileNotFoundError as exc:
                raise BackupError(f"stored file {key} is missing from storage") from exc
            (files_dir / key[:2]).mkdir(parents=True, exist_ok=True)
            (files_dir / key[:2] / key).write_bytes(data)
        manifest = {
            "created_at": datetime.now(UTC).isoformat(),
            "files": len(rows),
            "storage": storage.kind,
            "database_sha256": hashlib.sha256(snapshot.read_bytes()).hexdigest(),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        with tarfile.open(destination, "w:gz") as archive:
            stored = [p for p in files_dir.rglob("*") if p.is_file()]
            for item in [snapshot, work / MANIFEST, *stored]:
                archive.add(item, arcname=str(item.relative_to(work)))
    return destination


def restore_backup(archive_path: Path, database_file: Path, storage: Storage) -> dict:
    """Restore a backup into an empty data folder; refuse to overwrite existing data."""
    if database_file.exists() and database_file.stat().st_size > 0:
        raise BackupError(f"{database_file} exists: restore only into an empty data folder")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(tmp, filter="data")
        work = Path(tmp)
        manifest = json.loads((work / MANIFEST).read_text())
        snapshot = work / "database.sqlite3"
        if hashlib.sha256(snapshot.read_bytes()).hexdigest() != manifest["database_sha256"]:
            raise BackupError("the database in the backup does not match its manifest")
        database_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(snapshot, database_file)
        for path in sorted((work / "files").rglob("*")) if (work / "files").exists() else []:
            if path.is_file():
                storage.put_pending(path.name, path.read_bytes())
                storage.publish(path.name)
    return manifest


# A pending file younger than this may belong to an upload whose transaction is still open.
ORPHAN_AGE = timedelta(hours=1)


def _file_problems(
    session: Session, storage: Storage, orphan_age: timedelta = ORPHAN_AGE
) -> tuple[list[str], list[str]]:
    """Return (problems, keys whose bytes should go) for the stored files and the storage."""
    problems: list[str] = []
    remove: list[str] = []
    rows = {s.key: s for s in session.scalars(select(StoredFile))}
    listed: dict[str, list[Entry]] = {}
    for entry in storage.entries():
        listed.setdefault(entry.key, []).append(entry)
    now = utcnow()
    for key, stored in rows.items():
        entries = listed.get(key, [])
        published = [e for e in entries if not e.pending]
        if stored.state == FileState.READY:
            if not published:
                problems.append(f"file {stored.id} ({key}) is missing")
            elif published[0].size != stored.size:
                problems.append(f"file {stored.id} ({key}) has changed in storage")
            elif storage.kind == "local":
                data = storage.read(key)
                if hashlib.sha256(data).hexdigest() != stored.sha256:
                    problems.append(f"file {stored.id} ({key}) has changed in storage")
        elif stored.state == FileState.PROCESSING and not entries:
            problems.append(f"file {stored.id} ({key}) is being read, but its bytes are missing")
        elif stored.state == FileState.REFUSED and entries:
            problems.append(f"file {stored.id} ({key}) was refused, but its bytes are still there")
            remove.append(key)
    for key, entries in listed.items():
        if key in rows:
            continue
        for entry in entries:
            if entry.pending and now - entry.modified < orphan_age:
                continue  # perhaps an upload in progress
            what = "partial file" if entry.pending else "orphan file"
            problems.append(f"{what} {key} has no row in the database")
            remove.append(key)
    return problems, sorted(set(remove))


def check_files(
    session: Session, storage: Storage, orphan_age: timedelta = ORPHAN_AGE
) -> list[str]:
    """Return problems with stored files: missing or changed bytes, orphans, partial files."""
    return _file_problems(session, storage, orphan_age)[0]


def repair_files(
    session: Session, storage: Storage, orphan_age: timedelta = ORPHAN_AGE
) -> list[str]:
    """Remove orphan and partial files and the bytes of refused ones; return what was done."""
    _problems, remove = _file_problems(session, storage, orphan_age)
    for key in remove:
        storage.delete(key)
    return [f"removed the bytes of {key}" for key in remove]


def check_database(session: Session) -> list[str]:
    """Return foreign-key and integrity problems reported by the database (SQLite)."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return []
    with bind.connect() as conn:
        problems = [
            f"integrity: {row[0]}"
            for row in conn.exec_driver_sql("PRAGMA integrity_check")
            if row[0] != "ok"
        ]
        problems += [
            f"foreign key: {tuple(row)}" for row in conn.exec_driver_sql("PRAGMA foreign_key_check")
        ]
    return problems
