"""E-mail about threads: a title, who wrote and a link; never the text of a post."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from circle.extensions import db
from circle.mail import Notice, send_notices
from circle.models import Member, utcnow
from circle.threads.lookup import subject_lookup
from circle.threads.models import MailMode, NoticeKind, Notification, Thread
from circle.threads.services.digests import (
    DigestBatch,
    claim_digest,
    due_digests,
    release_digest,
)
from circle.threads.services.notifications import mail_due, mail_modes
from circle.threads.tokens import make_token

log = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return str(current_app.config["BASE_URL"]) + path


def thread_link(thread: Thread, post_id: int | None = None) -> str:
    """Return the full link to a thread (and a post in it)."""
    anchor = f"#post-{post_id}" if post_id else ""
    return _absolute(url_for("threads.show", slug=thread.circle.slug, thread_id=thread.id)) + anchor


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


def deliver_immediate(thread_id: int) -> int:
    """Send the e-mails due at once for a thread's new notifications; call after commit."""
    session = db.session
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
    notices, sent_ids, done_ids = [], [], []
    for note in pending:
        member = members[note.member_id]
        due = mail_due(note.kind, modes[member.id])
        if not member.active or due == MailMode.OFF or note.read_at is not None:
            done_ids.append(note.id)
        elif due == MailMode.IMMEDIATE:
            notices.append(notice_for(note, member))
            sent_ids.append(note.id)
    _mark(done_ids + sent_ids, now)
    session.commit()
    try:
        send_notices(current_app.config, notices)
    except Exception:  # the SMTP server is down: leave them for the next digest
        log.exception("immediate thread e-mail failed for thread %s", thread_id)
        _mark(sent_ids, None)
        session.commit()
        return 0
    return len(notices)


def _mark(ids: list[int], when: datetime | None) -> None:
    if ids:
        db.session.execute(
            update(Notification).where(Notification.id.in_(ids)).values(mailed_at=when)
        )


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


def send_digests(now: datetime | None = None) -> tuple[int, int]:
    """Send the due daily digests; return (sent, failed). Safe to run twice."""
    session = db.session
    now = now or utcnow()
    batches = due_digests(session, now=now, lookup=subject_lookup())
    session.commit()
    sent = failed = 0
    for batch in batches:
        notice = digest_notice(batch)
        claim_digest(session, batch, now=now)
        session.commit()
        try:
            send_notices(current_app.config, [notice])
        except Exception:
            log.exception("digest to member %s failed", batch.member.id)
            release_digest(session, batch)
            session.commit()
            failed += 1
        else:
            sent += 1
    return sent, failed
