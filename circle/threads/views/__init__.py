"""Blueprints: `threads` (a circle's threads, status updates, the reference group's page) and
`notifications` (the bell's list, e-mail settings, unsubscribe links)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("threads", __name__)
notifications_bp = Blueprint("notifications", __name__)


def load_routes() -> None:
    """Import the view modules so their routes attach to the blueprints."""
    from circle.threads.views import (  # noqa: F401
        notifications,
        posts,
        reference,
        threads,
    )
