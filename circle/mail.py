"""Outgoing e-mail: a title and a link, never the text of a minute, post or comment."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from circle.i18n import OSLO
from circle.identity import ensure_no_identity_number

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file attached to an e-mail (e.g. an .ics invitation).

    ``content_type`` may carry parameters: "text/calendar; charset=utf-8; method=PUBLISH".
    """

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Notice:
    """An e-mail notice: who it goes to, what it is about, and where to read it."""

    to: str
    subject: str
    intro: str
    link: str
    title: str = ""
    footer: str = ""
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    # An https link that stops these e-mails with one POST (RFC 8058), without signing in.
    unsubscribe: str = ""


# Anything that would end a header line or that mail readers treat as a line break.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def header_value(value: str) -> str:
    """Return text safe for one header: line breaks and control characters become spaces."""
    return " ".join(_HEADER_BREAKS.sub(" ", value).split())


def _body_text(value: str) -> str:
    # A lone CR would be a line break to some readers and not to others: make it LF.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _content_type(value: str) -> tuple[str, str, dict[str, str]]:
    kind, *params = (p.strip() for p in value.split(";"))
    maintype, subtype = kind.split("/", 1)
    return maintype, subtype, dict(p.split("=", 1) for p in params if "=" in p)


def build_message(notice: Notice, sender: str, message_id: str | None = None) -> EmailMessage:
    """Return the EmailMessage for a notice; the body holds only fixed text, a title and a link."""
    ensure_no_identity_number(notice.subject, notice.title)
    msg = EmailMessage()
    msg["From"] = header_value(sender)
    msg["To"] = header_value(notice.to)
    msg["Subject"] = header_value(notice.subject)
    msg["Date"] = format_datetime(datetime.now(OSLO))  # with the real offset, e.g. +0100
    msg["Message-ID"] = message_id or make_msgid(domain="forskningssirkel.local")
    msg["Auto-Submitted"] = "auto-generated"
    if notice.unsubscribe:
        msg["List-Unsubscribe"] = f"<{header_value(notice.unsubscribe)}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    parts = ["Hei,", "", notice.intro]
    if notice.title:
        parts += ["", notice.title]
    parts += ["", notice.link, ""]
    if notice.footer:
        parts += [notice.footer, ""]
    parts.append("-- \nForskningssirkel")
    msg.set_content(_body_text("\n".join(parts)))
    for att in notice.attachments:
        maintype, subtype, params = _content_type(att.content_type)
        msg.add_attachment(
            att.data,
            maintype=maintype,
            subtype=subtype,
            filename=header_value(att.filename),
            params=params,
        )
    return msg


def _smtp(config: Mapping[str, object]) -> smtplib.SMTP:
    host, port = str(config["MAIL_SERVER"]), int(config["MAIL_PORT"])  # type: ignore[arg-type]
    context = ssl.create_default_context()
    if config.get("MAIL_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=20, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=20)
    try:
        if config.get("MAIL_STARTTLS"):
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(str(config["MAIL_USERNAME"]), str(config["MAIL_PASSWORD"]))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _write_outbox(config: Mapping[str, object], msg: EmailMessage) -> None:
    outbox = Path(str(config["OUTBOX_DIR"]))
    outbox.mkdir(parents=True, exist_ok=True)
    # Named after the Message-ID, so a message written twice (a retried job) is one file.
    name = hashlib.sha256(str(msg["Message-ID"]).encode()).hexdigest()[:32]
    path = outbox / f"{name}.eml"
    tmp = path.with_suffix(".part")
    tmp.write_bytes(msg.as_bytes())
    tmp.replace(path)
    log.info("mail written to outbox: %s", path.name)


def send_messages(config: Mapping[str, object], messages: list[EmailMessage]) -> int:
    """Send built messages over SMTP, or write them to the outbox folder without SMTP_HOST."""
    if not messages:
        return 0
    if not config.get("MAIL_SERVER"):
        for msg in messages:
            _write_outbox(config, msg)
        return len(messages)
    with _smtp(config) as smtp:
        for msg in messages:
            smtp.send_message(msg)
    log.info("sent %d mail(s) via SMTP", len(messages))
    return len(messages)


def send_notices(config: Mapping[str, object], notices: Iterable[Notice]) -> int:
    """Build and send notices at once (the mail job's last step; views queue them instead)."""
    return send_messages(config, [build_message(n, str(config["MAIL_FROM"])) for n in notices])


# The one policy for mail: queued in the transaction that causes it, sent by a job after the
# commit, retried while the SMTP server is down, never lost, and shown to the circle's leaders
# (and site administrators) if it finally fails.
MAIL_JOB = "mail.send"
MAIL_ATTEMPTS = 16  # with doubling waits capped at an hour: about nine hours of trying


def _plain(value: Any) -> Any:
    """Resolve lazy strings; keep JSON values as they are."""
    if value is None or isinstance(value, bool | int | float | dict | list | tuple):
        return value
    return str(value)


def notice_payload(notice: Notice, message_id: str) -> dict[str, Any]:
    """Return a notice as JSON-ready data for the mail job (strings resolved now)."""
    data = {k: _plain(v) for k, v in asdict(notice).items() if k != "attachments"}
    data["attachments"] = [
        {
            "filename": a.filename,
            "content_type": a.content_type,
            "data": base64.b64encode(a.data).decode("ascii"),
        }
        for a in notice.attachments
    ]
    data["message_id"] = message_id
    return data


def notice_from_payload(payload: Mapping[str, Any]) -> tuple[Notice, str]:
    """Return the notice and Message-ID a mail job carries."""
    fields = {k: v for k, v in payload.items() if k not in {"attachments", "message_id"}}
    attachments = tuple(
        Attachment(a["filename"], a["content_type"], base64.b64decode(a["data"]))
        for a in payload.get("attachments", [])
    )
    return Notice(**fields, attachments=attachments), str(payload["message_id"])


def queue_notices(
    session: Session, notices: Iterable[Notice], *, circle_id: int | None = None
) -> int:
    """Queue notices in the session's transaction; each is sent by its own job after commit."""
    from circle.jobs import enqueue

    count = 0
    for notice in notices:
        ensure_no_identity_number(notice.subject, notice.title)
        message_id = make_msgid(domain="forskningssirkel.local")
        enqueue(session, MAIL_JOB, notice_payload(notice, message_id), circle_id=circle_id)
        count += 1
    return count


def _permanent(exc: smtplib.SMTPException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def send_mail_job(_session: Session, payload: dict[str, Any]) -> None:
    """The mail job: build the message (same Message-ID on every attempt) and send it."""
    from circle.jobs import PermanentJobError

    notice, message_id = notice_from_payload(payload)
    config = current_app.config
    msg = build_message(notice, str(config["MAIL_FROM"]), message_id=message_id)
    try:
        send_messages(config, [msg])
    except smtplib.SMTPException as exc:
        if _permanent(exc):
            raise PermanentJobError(f"the mail server refused the message: {exc}") from exc
        raise


def init_mail(app: Flask) -> None:
    """Register the mail job."""
    from circle.hooks import register_job

    register_job(app, MAIL_JOB, send_mail_job, max_attempts=MAIL_ATTEMPTS, lease_seconds=120)
