"""The library's notice in the bell: an uploaded file that was refused.

Uploads are read outside the request; when a file is refused there, the job calls
notify_refused_upload() so the member who sent it learns why without waiting on the page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from circle.identity import contains_identity_number
from circle.models import Circle, Member
from circle.notifications.kinds import NotificationKind
from circle.notifications.models import Notification
from circle.notifications.services import record_notification


def _upload_page(note: Any) -> str | None:
    if note.circle is None:
        return None
    if note.subject_kind == "report" and note.subject_id:  # the report page says why
        return url_for("library.show", slug=note.circle.slug, report_id=note.subject_id)
    return url_for("library.upload", slug=note.circle.slug)


UPLOAD_REFUSED = NotificationKind(
    "upload_refused",
    _l("avviste en fil du lastet opp"),
    _upload_page,
    setting=_l("Filer jeg har lastet opp som ble avvist"),
    alone=_l("En fil du lastet opp, ble avvist"),
)


def notify_refused_upload(
    session: Session,
    *,
    uploader: Member,
    circle: Circle | None,
    filename: str,
    reason: str,
    report_id: int | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Tell the member who uploaded a file that it was refused, and why (no actor: the
    platform refused it). A file name that holds an identity number is not repeated."""
    name = (filename or "").strip() or str(_l("(uten navn)"))
    if contains_identity_number(name):
        name = str(_l("(filnavnet kan ikke vises)"))
    if contains_identity_number(reason):
        reason = ""
    return record_notification(
        session,
        kind=UPLOAD_REFUSED,
        recipients=[uploader],
        actor=None,
        circle_id=circle.id if circle is not None else None,
        title=name,
        detail=reason,
        subject_kind="report" if report_id else None,
        subject_id=report_id,
        now=now,
    )
