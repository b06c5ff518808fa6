"""Consistent backups of the database and uploaded files while the site runs, and restore."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from circle.models import StoredFile

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


def create_backup(engine: Engine, session: Session, upload_dir: Path, destination: Path) -> Path:
    """Write a .tar.gz with the database snapshot, the referenced files and a manifest."""
    db_file = _sqlite_path(engine)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        snapshot = work / "database.sqlite3"
        _copy_sqlite(db_file, snapshot)
        # Files are listed from the snapshot, so the archive matches the database exactly.
        snap = sqlite3.connect(snapshot)
        rows = snap.execute("SELECT key, sha256 FROM stored_file").fetchall()
        snap.close()
        files_dir = work / "files"
        for key, _sha in rows:
            source = upload_dir / key[:2] / key
            if not source.exists():
                raise BackupError(f"stored file {key} is missing on disk")
            (files_dir / key[:2]).mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, files_dir / key[:2] / key)
        manifest = {
            "created_at": datetime.now(UTC).isoformat(),
            "files": len(rows),
            "database_sha256": hashlib.sha256(snapshot.read_bytes()).hexdigest(),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        with tarfile.open(destination, "w:gz") as archive:
            stored = [p for p in files_dir.rglob("*") if p.is_file()]
            for item in [snapshot, work / MANIFEST, *stored]:
                archive.add(item, arcname=str(item.relative_to(work)))
    return destination


def restore_backup(archive_path: Path, database_file: Path, upload_dir: Path) -> dict:
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
        if (work / "files").exists():
            shutil.copytree(work / "files", upload_dir, dirs_exist_ok=True)
    return manifest


IntegrityCheck = Callable[[Session], list[str]]


def check_files(session: Session, upload_dir: Path) -> list[str]:
    """Return problems with stored files: missing bytes or a changed checksum."""
    problems = []
    for stored in session.scalars(select(StoredFile)):
        path = upload_dir / stored.key[:2] / stored.key
        if not path.exists():
            problems.append(f"file {stored.id} ({stored.key}) is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != stored.sha256:
            problems.append(f"file {stored.id} ({stored.key}) has changed on disk")
    return problems


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
