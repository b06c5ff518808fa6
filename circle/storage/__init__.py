"""Where uploaded files live: the local data folder or S3-compatible object storage.

One small interface (`Storage`) with two implementations. A file is first written under a
pending name; it is published (made visible under its key) only by the job that runs after the
transaction holding its row has committed, so a crash can leave at most a pending orphan, which
`flask check` reports and `flask check --repair` removes.
"""

from __future__ import annotations

from flask import Flask, current_app

from circle.storage.base import Entry, Storage, StorageFull
from circle.storage.local import LocalStorage

__all__ = ["Entry", "LocalStorage", "Storage", "StorageFull", "get_storage", "make_storage"]

_EXT_KEY = "circle.storage"


def make_storage(config: dict) -> Storage:
    """Build the storage STORAGE_URL names: empty for the data folder, or s3://bucket/prefix."""
    url = str(config.get("STORAGE_URL") or "")
    if url.startswith("s3://"):
        from circle.storage.s3 import S3Storage

        return S3Storage.from_config(url, config)
    if url and not url.startswith("file://"):
        raise ValueError(f"STORAGE_URL not understood: {url!r} (use s3://bucket/prefix)")
    root = url[len("file://") :] if url else str(config["UPLOAD_DIR"])
    return LocalStorage(root)


def get_storage(app: Flask | None = None) -> Storage:
    """Return the app's storage (one per app)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    storage = app.extensions.get(_EXT_KEY)
    if storage is None:
        storage = app.extensions[_EXT_KEY] = make_storage(app.config)
    return storage
