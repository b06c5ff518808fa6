"""Outgoing e-mail: a title and a link, never the text of a minute, post or comment."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

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


def build_message(notice: Notice, sender: str) -> EmailMessage:
    """Return the EmailMessage for a notice; the body holds only fixed text, a title and a link."""
    ensure_no_identity_number(notice.subject, notice.title)
    msg = EmailMessage()
    msg["From"] = header_value(sender)
    msg["To"] = header_value(notice.to)
    msg["Subject"] = header_value(notice.subject)
    msg["Date"] = format_datetime(datetime.now(OSLO))  # with the real offset, e.g. +0100
    msg["Message-ID"] = make_msgid(domain="forskningssirkel.local")
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


def send_notices(config: Mapping[str, object], notices: Iterable[Notice]) -> int:
    """Send notices over SMTP, or write them to the outbox folder when no SMTP host is set."""
    messages = [build_message(n, str(config["MAIL_FROM"])) for n in notices]
    if not messages:
        return 0
    if not config.get("MAIL_SERVER"):
        outbox = Path(str(config["OUTBOX_DIR"]))
        outbox.mkdir(parents=True, exist_ok=True)
        for msg in messages:
            path = outbox / f"{uuid.uuid4().hex}.eml"
            path.write_bytes(msg.as_bytes())
            log.info("mail written to outbox: %s (subject %r)", path.name, msg["Subject"])
        return len(messages)
    host, port = str(config["MAIL_SERVER"]), int(config["MAIL_PORT"])  # type: ignore[arg-type]
    context = ssl.create_default_context()
    smtp_cls = smtplib.SMTP_SSL if config.get("MAIL_SSL") else smtplib.SMTP
    kwargs = {"context": context} if config.get("MAIL_SSL") else {}
    with smtp_cls(host, port, timeout=20, **kwargs) as smtp:
        if config.get("MAIL_STARTTLS"):
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(str(config["MAIL_USERNAME"]), str(config["MAIL_PASSWORD"]))
        for msg in messages:
            smtp.send_message(msg)
    log.info("sent %d mail(s) via SMTP", len(messages))
    return len(messages)
