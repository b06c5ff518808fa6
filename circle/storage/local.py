"""Files in a folder of the data directory: <root>/<ab>/<key>, pending as <key>.part."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from circle.storage.base import Entry, StorageFull

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
PENDING_SUFFIX = ".part"


class LocalStorage:
    """The embedded default: files under the data folder."""

    kind = "local"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def _pending(self, key: str) -> Path:
        return self._path(key).with_name(key + PENDING_SUFFIX)

    def put_pending(self, key: str, data: bytes) -> None:
        """Write data under <key>.part, all or nothing."""
        path = self._pending(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            path.unlink(missing_ok=True)
            if exc.errno in _FULL:
                raise StorageFull(str(exc)) from exc
            raise

    def publish(self, key: str) -> bool:
        """Rename <key>.part to <key> (atomic on one file system)."""
        try:
            os.replace(self._pending(key), self._path(key))
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        """Remove both names of the file."""
        self._path(key).unlink(missing_ok=True)
        self._pending(key).unlink(missing_ok=True)

    def open(self, key: str) -> BinaryIO:
        """Open the published file."""
        return self._path(key).open("rb")

    def read(self, key: str) -> bytes:
        """Return the published file's bytes."""
        return self._path(key).read_bytes()

    def exists(self, key: str, *, pending: bool = False) -> bool:
        """Tell whether the file is there under the given name."""
        return (self._pending(key) if pending else self._path(key)).is_file()

    def entries(self) -> Iterator[Entry]:
        """List the files under the root (published and pending)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if not path.is_file():
                    continue
                stat = path.stat()
                pending = path.name.endswith(PENDING_SUFFIX)
                key = path.name[: -len(PENDING_SUFFIX)] if pending else path.name
                modified = datetime.fromtimestamp(stat.st_mtime, UTC)
                yield Entry(key=key, pending=pending, modified=modified, size=stat.st_size)

    def local_path(self, key: str) -> Path | None:
        """Return the published file's path."""
        return self._path(key)
