"""The area-neutral search engine: Norwegian analysis, the query syntax, snippets, index folders
and the choice of backend. Areas build their own indexes on these parts (the library's reports
in `library.search`, everything else the circle shares in `circle.search.site`)."""

from __future__ import annotations

from flask import Flask

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
