"""The projects blueprint; its views live in one module per concept."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects", __name__)


def load_views() -> Blueprint:
    """Import the view modules (registering their routes) and return the blueprint."""
    from projects.views import (  # noqa: F401
        files,
        matrix,
        overview,
        plan,
        removal,
        report,
        writeup,
    )

    return bp
