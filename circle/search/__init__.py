"""The area-neutral search engine: Norwegian analysis, the query syntax, snippets, index folders
and the choice of backend. Areas build their own indexes on these parts (the library's reports
in `library.search`, everything else the circle shares in `circle.search.site`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

BACKENDS = ("whoosh", "postgresql")


def backend_name(app: Flask) -> str:
    """Return SEARCH_BACKEND, or the default for the database: postgresql on PostgreSQL."""
    name = (app.config.get("SEARCH_BACKEND") or "").strip().lower()
    if not name:
        url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
        name = "postgresql" if url.startswith(("postgresql", "postgres:")) else "whoosh"
    if name not in BACKENDS:
        raise ValueError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    return name


_lock = threading.Lock()


def per_app(app: Flask | None, key: str, make: Callable[[Flask], Any]) -> Any:
    """Return the app's one object under ``key`` (a backend), made on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(key)
    if found is None:
        with _lock:
            found = app.extensions.get(key)
            if found is None:
                found = app.extensions[key] = make(app)
    return found
