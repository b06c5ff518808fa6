"""The password-reset mail, built in a job so the answer is the same whoever asked."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from circle.auth import services
from circle.jobs import enqueue
from circle.mail import Notice, queue_notices

RESET_JOB = "auth.password_reset"


def request_password_reset(session: Session, *, email: str, locale: str) -> None:
    """Queue the reset mail for an address; the request does the same work whether it exists."""
    enqueue(session, RESET_JOB, {"email": services.normalise_email(email), "locale": locale})


def send_reset_job(session: Session, payload: dict[str, Any]) -> None:
    """The job: if the address belongs to an active member, queue a reset link to it."""
    member = services.get_member_by_email(session, str(payload.get("email", "")))
    if member is None or not member.active:
        return
    token = services.make_reset_token(current_app.config["SECRET_KEY"], member)
    link = current_app.config["BASE_URL"] + url_for("auth.reset_password", token=token)
    with force_locale(str(payload.get("locale") or "nb")):
        notice = Notice(
            to=member.email,
            subject=_("Nytt passord i Forskningssirkel"),
            intro=_(
                "Noen ba om å sette nytt passord for kontoen din. Lenken virker én gang "
                "og i begrenset tid. Ba du ikke om dette, kan du se bort fra e-posten."
            ),
            link=link,
        )
        queue_notices(session, [notice])


def init_reset_mail(app: Flask) -> None:
    """Register the reset-mail job."""
    from circle.hooks import register_job

    register_job(app, RESET_JOB, send_reset_job, max_attempts=5, lease_seconds=60)
