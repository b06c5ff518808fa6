"""Outgoing e-mail: a title and a link, never the text of a minute, post or comment."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from circle.identity import ensure_no_identity_number

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file attached to an e-mail (e.g. an .ics invitation)."""

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


def build_message(notice: Notice, sender: str) -> EmailMessage:
    """Return the EmailMessage for a notice; the body holds only fixed text, a title and a link."""
    ensure_no_identity_number(notice.subject, notice.title)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = notice.to
    msg["Subject"] = notice.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="forskningssirkel.local")
    msg["Auto-Submitted"] = "auto-generated"
    parts = ["Hei,", "", notice.intro]
    if notice.title:
        parts += ["", notice.title]
    parts += ["", notice.link, ""]
    if notice.footer:
        parts += [notice.footer, ""]
    parts.append("-- \nForskningssirkel")
    msg.set_content("\n".join(parts))
    for att in notice.attachments:
        maintype, subtype = att.content_type.split("/", 1)
        msg.add_attachment(att.data, maintype=maintype, subtype=subtype, filename=att.filename)
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
            # Only the file name: a subject carries a title, and titles stay out of logs.
            log.info("mail written to outbox: %s", path.name)
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
