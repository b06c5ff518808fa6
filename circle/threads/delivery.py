"""E-mail about threads: a title, who wrote and a link; never the text of a post."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from circle.hooks import register_job, register_periodic
from circle.mail import Notice, queue_notices
from circle.models import Member, utcnow
from circle.threads.links import thread_path
from circle.threads.lookup import subject_lookup
from circle.threads.models import MailMode, NoticeKind, Notification, Thread
from circle.threads.services.digests import (
    DigestBatch,
    claim_digest,
    due_digests,
)
from circle.threads.services.notifications import DELIVER_JOB, mail_due, mail_modes
from circle.threads.tokens import make_token

log = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return str(current_app.config["BASE_URL"]) + path


def thread_link(thread: Thread, post_id: int | None = None) -> str:
    """Return the full link to a thread (and a post in it)."""
    return _absolute(thread_path(thread.circle.slug, thread.id, post_id))


def _unsubscribe_link(member_id: int, action: str, target_id: int) -> str:
    token = make_token(current_app.config["SECRET_KEY"], member_id, action, target_id)
    return _absolute(url_for("notifications.unsubscribe", token=token))


def _footer(member_id: int, thread: Thread) -> str:
    return "\n".join(
        [
            _(
                "Stopp e-post om denne tråden: %(link)s",
                link=_unsubscribe_link(member_id, "thread", thread.id),
            ),
            _(
                "Demp e-post fra %(circle)s: %(link)s",
                circle=thread.circle.name,
                link=_unsubscribe_link(member_id, "circle", thread.circle_id),
            ),
            _(
                "Velg mellom e-post med en gang og daglig sammendrag: %(link)s",
                link=_absolute(url_for("notifications.settings")),
            ),
        ]
    )


def _subject_and_intro(note: Notification) -> tuple[str, str]:
    thread, who = note.thread, note.actor.name if note.actor else _("Noen")
    circle = thread.circle.name
    if note.kind == NoticeKind.MENTION:
        return (
            _("%(who)s nevnte deg i en tråd", who=who),
            _("%(who)s nevnte deg i en tråd i %(circle)s.", who=who, circle=circle),
        )
    if note.kind == NoticeKind.NEW_THREAD:
        return (
            _("Ny tråd i %(circle)s", circle=circle),
            _("%(who)s startet en ny tråd i %(circle)s.", who=who, circle=circle),
        )
    if note.kind == NoticeKind.RESOLVED:
        return (
            _("En tråd du følger, er besvart"),
            _(
                "%(who)s har skrevet hvordan innspillene ble brukt, i en tråd du følger i "
                "%(circle)s.",
                who=who,
                circle=circle,
            ),
        )
    return (
        _("Nytt innlegg i en tråd du følger"),
        _(
            "%(who)s skrev et nytt innlegg i en tråd du følger i %(circle)s.",
            who=who,
            circle=circle,
        ),
    )


def notice_for(note: Notification, member: Member) -> Notice:
    """Return the e-mail for one notification: fixed words, the thread title and a link."""
    subject, intro = _subject_and_intro(note)
    return Notice(
        to=member.email,
        subject=subject,
        intro=intro,
        title=note.thread.title,
        link=thread_link(note.thread, note.post_id),
        footer=_footer(member.id, note.thread),
        unsubscribe=_unsubscribe_link(member.id, "thread", note.thread.id),
    )


DIGESTS_JOB = "threads.digests"


def deliver_immediate(session: Session, thread_id: int) -> int:
    """Queue the mail due at once for a thread's unmailed notifications; return how many.

    Notifications are marked mailed in the same transaction that queues their mail, so a
    second run finds nothing to do and a crash before the commit leaves both undone.
    """
    pending = list(
        session.scalars(
            select(Notification)
            .where(Notification.thread_id == thread_id, Notification.mailed_at.is_(None))
            .options(
                joinedload(Notification.thread).joinedload(Thread.circle),
                joinedload(Notification.actor),
            )
        )
    )
    if not pending:
        return 0
    circle_id = pending[0].circle_id
    members = {
        m.id: m
        for m in session.scalars(
            select(Member).where(Member.id.in_({n.member_id for n in pending}))
        )
    }
    modes = mail_modes(session, members, circle_id)
    now = utcnow()
    notices, handled = [], []
    for note in pending:
        member = members[note.member_id]
        due = mail_due(note.kind, modes[member.id])
        if not member.active or due == MailMode.OFF or note.read_at is not None:
            handled.append(note.id)
        elif due == MailMode.IMMEDIATE:
            notices.append(notice_for(note, member))
            handled.append(note.id)
    if handled:
        session.execute(
            update(Notification).where(Notification.id.in_(handled)).values(mailed_at=now)
        )
    return queue_notices(session, notices, circle_id=circle_id)


def _deliver_job(session: Session, payload: dict[str, Any]) -> None:
    deliver_immediate(session, int(payload["thread_id"]))


def digest_notice(batch: DigestBatch) -> Notice:
    """Return a member's digest: per thread its title, who wrote, and a link."""
    lines = []
    for entry in batch.entries:
        thread = entry.thread
        who = ", ".join(entry.authors) or _("noen")
        line = _(
            "«%(title)s» i %(circle)s: %(n)d nytt fra %(who)s",
            title=thread.title,
            circle=thread.circle.name,
            n=entry.count,
            who=who,
        )
        if entry.mentioned:
            line += " " + _("(du er nevnt)")
        lines.append(f"{line}\n{thread_link(thread, entry.first_post_id)}")
    circles = {e.thread.circle_id: e.thread for e in batch.entries}
    footer = "\n".join(
        [
            _(
                "Demp e-post fra %(circle)s: %(link)s",
                circle=t.circle.name,
                link=_unsubscribe_link(batch.member.id, "circle", cid),
            )
            for cid, t in circles.items()
        ]
        + [
            _(
                "Velg mellom e-post med en gang og daglig sammendrag: %(link)s",
                link=_absolute(url_for("notifications.settings")),
            )
        ]
    )
    return Notice(
        to=batch.member.email,
        subject=_("Dagens nytt fra trådene dine"),
        intro=_("Dette er nytt siden sist i trådene du følger. Les innleggene på nettstedet."),
        title="\n\n".join(lines),
        link=_absolute(url_for("notifications.index")),
        footer=footer,
        # One link for the header (RFC 8058 wants a single https URI): stop thread e-mail
        # in every circle; the footer keeps a link for each circle.
        unsubscribe=_unsubscribe_link(batch.member.id, "all", batch.member.id),
    )


def send_digests(session: Session, now: datetime | None = None) -> int:
    """Queue the due daily digests; return how many. Safe to run twice.

    Each digest is recorded as sent in the same transaction that queues its mail, and the mail
    job retries while the SMTP server is down, so none is lost and none goes twice.
    """
    now = now or utcnow()
    batches = due_digests(session, now=now, lookup=subject_lookup())
    for batch in batches:
        claim_digest(session, batch, now=now)
        queue_notices(session, [digest_notice(batch)])
    return len(batches)


def _digests_job(session: Session, _payload: dict[str, Any]) -> None:
    send_digests(session)


def init_delivery(app: Flask) -> None:
    """Register the delivery jobs, and the digests as a periodic job (hourly; each is due once)."""
    register_job(app, DELIVER_JOB, _deliver_job)
    register_job(app, DIGESTS_JOB, _digests_job)
    register_periodic(app, "digests", DIGESTS_JOB, {"minute": "5"})
