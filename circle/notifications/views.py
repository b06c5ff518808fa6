"""Views: the member's notifications (what the bell counts) and marking them read."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.extensions import db
from circle.notifications.kinds import registered_kinds
from circle.notifications.models import Notification
from circle.notifications.services import list_notifications, mark_all_read, mark_read

# Other parts of the core add routes to this blueprint (the thread e-mail settings).
bp = Blueprint("notifications", __name__)


@dataclass(frozen=True)
class Row:
    """A notification as the page shows it: who, what, and the link to follow."""

    note: Notification
    says: str
    link: str | None


def _rows() -> list[Row]:
    kinds = registered_kinds(current_app)

    def keep(note: Notification) -> bool:
        kind = kinds.get(note.kind)
        return kind is None or kind.visible is None or kind.visible(note)

    rows = []
    for note in list_notifications(db.session, current_user, keep=keep):
        kind = kinds.get(note.kind)
        text = kind.text if kind is not None else _("varslet deg")
        if note.actor is not None:
            says = f"{note.actor.name} {text}"
        elif kind is not None and kind.alone is not None:
            says = str(kind.alone)
        else:
            says = _("Noen %(what)s", what=text)
        rows.append(Row(note, says, kind.link(note) if kind is not None else None))
    return rows


@bp.get("/notifications")
@login_required
def index() -> str:
    """The member's notifications, newest first; unread ones are marked."""
    rows = _rows()
    return render_template(
        "notifications/index.html",
        rows=rows,
        unread=sum(1 for r in rows if r.note.read_at is None),
    )


@bp.post("/notifications/read", endpoint="mark_all_read")
@login_required
def mark_all_read_view() -> Response:
    """Mark every notification as read."""
    mark_all_read(db.session, current_user)
    db.session.commit()
    flash(_("Alle varsler er merket som lest."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int) -> Response:
    """Mark one notification as read and go to what it is about."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.member_id != current_user.id:
        abort(404)
    kind = registered_kinds(current_app).get(note.kind)
    link = kind.link(note) if kind is not None else None
    mark_read(db.session, current_user, note)
    db.session.commit()
    return redirect(link or url_for("notifications.index"))
