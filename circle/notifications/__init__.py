"""Notifications for every area: one model, one service to record them, the bell and its page.

An area registers its kinds (circle.notifications.kinds.register_kind) and records through
circle.notifications.services.record_notification; the bell in the header counts what is
unread, /notifications lists it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the notifications page and the bell's count (after the areas' init_app)."""
    from flask import g
    from flask_login import current_user

    import circle.notifications.models  # noqa: F401  (register the tables with the metadata)
    from circle.extensions import db
    from circle.notifications.services import unread_count
    from circle.notifications.views import bp

    app.register_blueprint(bp)

    @app.context_processor
    def _bell() -> dict[str, Any]:
        def notifications_unread_count() -> int:
            # One COUNT per request, however often the template asks.
            if "_notifications_unread" not in g:
                g._notifications_unread = unread_count(db.session, current_user)
            return g._notifications_unread

        return {"notifications_unread_count": notifications_unread_count}
