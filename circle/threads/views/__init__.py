"""Blueprints: `threads` (a circle's threads, status updates, the reference group's page); the
core's `notifications` blueprint gets the thread e-mail settings and unsubscribe links."""

from __future__ import annotations

from flask import Blueprint

from circle.notifications.views import bp as notifications_bp

bp = Blueprint("threads", __name__)
__all__ = ["bp", "notifications_bp"]


def load_routes() -> None:
    """Import the view modules so their routes attach to the blueprints."""
    from circle.threads.views import (  # noqa: F401
        editing,
        mentions,
        notifications,
        posts,
        reference,
        threads,
    )
