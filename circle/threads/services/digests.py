"""Daily digests: which notifications go in whose digest, recorded so a rerun sends nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from circle.i18n import OSLO
from circle.models import Member
from circle.threads.models import DigestRecord, MailMode, NoticeKind, Notification, Thread
from circle.threads.permissions import can_view_thread
from circle.threads.services.common import SubjectLookup
from circle.threads.services.notifications import mail_due, mail_modes

# Immediate e-mails are sent right after the request; ones still unsent after this long failed
# and go in the next digest instead.
IMMEDIATE_GRACE = timedelta(hours=1)


@dataclass
class DigestEntry:
    """One thread in a digest: how many new things, and who wrote them."""

    thread: Thread
    count: int = 0
    authors: list[str] = field(default_factory=list)
    first_post_id: int | None = None
    mentioned: bool = False


@dataclass
class DigestBatch:
    """The digest for one member."""

    member: Member
    day: date
    entries: list[DigestEntry]
    notification_ids: list[int]


def digest_day(now: datetime) -> date:
    """Return the Europe/Oslo day a digest sent at `now` belongs to."""
    return now.astimezone(OSLO).date()


def due_digests(session: Session, *, now: datetime, lookup: SubjectLookup) -> list[DigestBatch]:
    """Return the digests due now; notifications that need no e-mail are marked done."""
    day = digest_day(now)
    pending = list(
        session.scalars(
            select(Notification)
            .where(
                Notification.mailed_at.is_(None),
                Notification.created_at <= now,
                Notification.thread_id.is_not(None),  # other areas send their own e-mail
            )
            .options(
                joinedload(Notification.thread).joinedload(Thread.circle),
                joinedload(Notification.actor),
            )
            .order_by(Notification.member_id, Notification.id)
        )
    )
    if not pending:
        return []
    members = {
        m.id: m
        for m in session.scalars(
            select(Member).where(Member.id.in_({n.member_id for n in pending}))
        )
    }
    already = set(
        session.scalars(
            select(DigestRecord.member_id).where(
                DigestRecord.day == day, DigestRecord.member_id.in_(members)
            )
        )
    )
    subjects: dict[int, object] = {}
    modes: dict[tuple[int, int], MailMode] = {}
    skip: list[int] = []
    batches: dict[int, DigestBatch] = {}
    for note in pending:
        member = members.get(note.member_id)
        thread = note.thread
        if member is None or not member.active or note.read_at is not None:
            skip.append(note.id)
            continue
        if thread.id not in subjects:
            subjects[thread.id] = (
                lookup(thread.subject_kind, thread.subject_id) if thread.subject_kind else None
            )
        if not can_view_thread(member, thread.circle, thread, subjects[thread.id]):  # type: ignore[arg-type]
            skip.append(note.id)  # no longer in the audience: never mail it
            continue
        key = (member.id, thread.circle_id)
        if key not in modes:
            modes.update(
                {
                    (m, thread.circle_id): mode
                    for m, mode in mail_modes(session, [member.id], thread.circle_id).items()
                }
            )
        due = mail_due(note.kind, modes[key])
        if due == MailMode.OFF:
            skip.append(note.id)
            continue
        if due == MailMode.IMMEDIATE and note.created_at > now - IMMEDIATE_GRACE:
            continue  # the request that made it is sending it
        if member.id in already:
            continue  # today's digest is sent; these wait for tomorrow's
        batch = batches.setdefault(member.id, DigestBatch(member, day, [], []))
        entry = next((e for e in batch.entries if e.thread.id == thread.id), None)
        if entry is None:
            entry = DigestEntry(thread=thread, first_post_id=note.post_id)
            batch.entries.append(entry)
        entry.count += 1
        entry.mentioned = entry.mentioned or note.kind == NoticeKind.MENTION
        name = note.actor.name if note.actor else ""
        if name and name not in entry.authors:
            entry.authors.append(name)
        batch.notification_ids.append(note.id)
    if skip:
        session.execute(update(Notification).where(Notification.id.in_(skip)).values(mailed_at=now))
        session.flush()
    return list(batches.values())


def claim_digest(session: Session, batch: DigestBatch, *, now: datetime) -> DigestRecord:
    """Record the digest as sent before sending it, so a second run cannot send it again."""
    record = DigestRecord(
        member_id=batch.member.id, day=batch.day, sent_at=now, items=len(batch.notification_ids)
    )
    session.add(record)
    session.execute(
        update(Notification)
        .where(Notification.id.in_(batch.notification_ids))
        .values(mailed_at=now)
    )
    session.flush()
    return record
