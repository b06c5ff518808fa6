"""The storage interface every implementation keeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol


class StorageFull(Exception):
    """There is no room for the file; nothing of it was kept."""


@dataclass(frozen=True)
class Entry:
    """A stored object as the storage lists it."""

    key: str
    pending: bool
    modified: datetime
    size: int


class Storage(Protocol):
    """Put, publish, read and delete files by key."""

    kind: str  # "local" or "s3"

    def put_pending(self, key: str, data: bytes) -> None:
        """Write data under the key's pending name (not yet visible); StorageFull if no room."""

    def publish(self, key: str) -> bool:
        """Make the pending file visible under its key; return False if there was none."""

    def delete(self, key: str) -> None:
        """Remove the file, pending or published; nothing happens if it is not there."""

    def open(self, key: str) -> BinaryIO:
        """Open a published file for reading; FileNotFoundError if it is not there."""

    def read(self, key: str) -> bytes:
        """Return a published file's bytes."""

    def exists(self, key: str, *, pending: bool = False) -> bool:
        """Tell whether the published (or pending) file is there."""

    def entries(self) -> Iterator[Entry]:
        """List every stored object, published and pending."""

    def local_path(self, key: str) -> Path | None:
        """Return the published file's path when it lives on this machine's disk."""
