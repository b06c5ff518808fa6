"""The password-reset mail, built in a job so the answer is the same whoever asked."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy.orm import Session

from circle.auth import services
from circle.auth.notices import reset_notice
from circle.jobs import enqueue
from circle.mail import queue_notices

RESET_JOB = "auth.password_reset"


def request_password_reset(session: Session, *, email: str, locale: str) -> None:
    """Queue the reset mail for an address; the request does the same work whether it exists."""
    enqueue(session, RESET_JOB, {"email": services.normalise_email(email), "locale": locale})


def send_reset_job(session: Session, payload: dict[str, Any]) -> None:
    """The job: if the address belongs to an active member, queue a reset link to it."""
    member = services.get_member_by_email(session, str(payload.get("email", "")))
    if member is None or not member.active:
        return
    with force_locale(getattr(member, "locale", None) or str(payload.get("locale") or "nb")):
        queue_notices(session, [reset_notice(current_app.config, member)])


def init_reset_mail(app: Flask) -> None:
    """Register the reset-mail job."""
    from circle.hooks import register_job

    register_job(app, RESET_JOB, send_reset_job, max_attempts=5, lease_seconds=60)
