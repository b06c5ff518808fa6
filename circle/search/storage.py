"""Index folders on disk: the inter-process write lock, the `current` pointer and the journal."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

POINTER = "current"
WRITE_LOCK = "write.lock"
REBUILD_LOCK = "rebuild.lock"
REBUILD_MARKER = "rebuilding"
JOURNAL = "journal.jsonl"
FOLDER_PREFIX = "ix-"


class IndexBusyError(TimeoutError):
    """Raised when the index write lock could not be taken in time."""


@contextlib.contextmanager
def file_lock(path: Path, timeout: float, what: str = "search index") -> Iterator[None]:
    """Hold an exclusive flock on ``path``, waiting at most ``timeout`` seconds."""
    with open(path, "a+b") as fh:
        _acquire(fh, timeout, what)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _acquire(fh: IO[bytes], timeout: float, what: str) -> None:
    deadline = time.monotonic() + max(timeout, 0.0)
    delay = 0.002
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise IndexBusyError(f"could not lock the {what} within {timeout:g} s") from None
            # Short first waits keep single uploads snappy; the cap keeps polling cheap.
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


class IndexStore:
    """The index root: one folder per built index plus a pointer naming the live one."""

    def __init__(self, root: Path, lock_timeout: float = 30.0) -> None:
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        self.root.mkdir(parents=True, exist_ok=True)

    def write_lock(self) -> contextlib.AbstractContextManager[None]:
        """Return a context manager holding the single-writer lock."""
        return file_lock(self.root / WRITE_LOCK, self.lock_timeout)

    def current(self) -> Path | None:
        """Return the live index folder, or None before the first write."""
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        folder = self.root / name
        return folder if name and folder.is_dir() else None

    def pointer_stamp(self) -> tuple[int, int] | None:
        """Return a cheap token that changes whenever the pointer is replaced."""
        try:
            st = os.stat(self.root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def new_folder(self) -> Path:
        """Create and return an empty, uniquely named index folder."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        folder = self.root / f"{FOLDER_PREFIX}{stamp}-{secrets.token_hex(4)}"
        folder.mkdir()
        return folder

    def point_to(self, folder: Path) -> None:
        """Make ``folder`` the live index atomically (write a temp file, then os.replace)."""
        tmp = self.root / f".{POINTER}.{secrets.token_hex(4)}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(folder.name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / POINTER)
        _fsync_dir(self.root)

    def remove_folders(self, keep: set[str]) -> None:
        """Delete index folders other than those named in ``keep``."""
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith(FOLDER_PREFIX) and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)

    # Rebuild bookkeeping: while a rebuild holds REBUILD_LOCK, writers also journal their
    # changes into the folder being built, and the rebuild replays them before the swap.

    @contextlib.contextmanager
    def rebuilding(self, folder: Path) -> Iterator[None]:
        """Mark ``folder`` as being rebuilt for as long as the context is open."""
        with file_lock(self.root / REBUILD_LOCK, 0.0, "search index for rebuilding"):
            (self.root / REBUILD_MARKER).write_text(folder.name, encoding="utf-8")
            try:
                yield
            finally:
                with contextlib.suppress(FileNotFoundError):
                    (self.root / REBUILD_MARKER).unlink()

    def end_rebuild(self, folder: Path) -> None:
        """Stop journalling into ``folder`` (call with the write lock held, after the swap)."""
        with contextlib.suppress(FileNotFoundError):
            (self.root / REBUILD_MARKER).unlink()
        with contextlib.suppress(FileNotFoundError):
            (folder / JOURNAL).unlink()

    def rebuild_folder(self) -> Path | None:
        """Return the folder a live rebuild is building, if one is running."""
        marker = self.root / REBUILD_MARKER
        try:
            name = marker.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        with open(self.root / REBUILD_LOCK, "a+b") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                folder = self.root / name
                return folder if folder.is_dir() else None
            # Nobody holds the lock: the marker is left over from a crashed rebuild.
            fcntl.flock(fh, fcntl.LOCK_UN)
            return None

    @staticmethod
    def journal(folder: Path, op: str, payload: dict[str, Any]) -> None:
        """Append one change to the journal of a folder being rebuilt."""
        line = json.dumps({"op": op, **payload}, ensure_ascii=False)
        with open(folder / JOURNAL, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    @staticmethod
    def read_journal(folder: Path) -> list[dict[str, Any]]:
        """Return the journalled changes of a folder, oldest first."""
        try:
            text = (folder / JOURNAL).read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
