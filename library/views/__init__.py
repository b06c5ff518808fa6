"""The library's blueprint: search, reports, uploads and reading lists."""

from __future__ import annotations

from flask import Blueprint


def load_views() -> Blueprint:
    """Import the view modules (they add their routes to the blueprint) and return it."""
    from library.views import lists, reports, upload  # noqa: F401
    from library.views.common import bp

    return bp
