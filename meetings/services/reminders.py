"""Reminders sent by a periodic job: before each meeting, to reviewers before the deadline,
and to the audience of a consultation (a thread with a deadline) before its deadline.

The consultation reminder lives here, next to the other two, because it shares their record
of what was sent; it uses only the threads' public functions (audience and subject lookup).

Each reminder is recorded per member under a key (ReminderSent, unique on key and member) in
the transaction that queues its mail and bell notice, so a second run (or a second worker)
sends nothing twice. A moved meeting has a new key and is reminded again; a cancelled one never.
Members who turned a kind off in their notification settings get neither bell nor e-mail.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from circle.audit import record_event
from circle.errors import DomainError, NotAllowed
from circle.i18n import format_when
from circle.mail import Notice, queue_notices
from circle.models import Circle, Member, utcnow
from meetings.models import (
    Meeting,
    MeetingSettings,
    Minutes,
    MinutesState,
    ReminderSent,
    ReviewComment,
)
from meetings.notifications import MEETING_REMINDER, REVIEW_REMINDER, notify_reminder
from meetings.permissions import can_manage_meetings

DEFAULT_DAYS = 2
MAX_DAYS = 14
# Reviewers who have not answered hear this long before the comment deadline.
REVIEW_LEAD = timedelta(days=1)
REMINDER_JOB = "meetings.reminders"
# The audience of a consultation hears this many days before its deadline (a date).
CONSULTATION_LEAD = timedelta(days=2)


def reminder_days(session: Session, circle_id: int) -> int:
    """Return how many days before a meeting the circle's reminder goes out (0: none)."""
    days = session.scalar(
        select(MeetingSettings.reminder_days).where(MeetingSettings.circle_id == circle_id)
    )
    return DEFAULT_DAYS if days is None else days


def set_reminder_days(session: Session, circle: Circle, *, actor: Member, days: Any) -> int:
    """Set the circle's reminder lead (0 turns meeting reminders off)."""
    if not can_manage_meetings(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan endre påminnelsene."))
    try:
        value = int(days)
    except (TypeError, ValueError) as exc:
        raise DomainError(_l("Skriv et helt antall dager.")) from exc
    if not 0 <= value <= MAX_DAYS:
        raise DomainError(_l("Velg mellom 0 og %(n)d dager.", n=MAX_DAYS))
    settings = session.scalar(select(MeetingSettings).where(MeetingSettings.circle_id == circle.id))
    if settings is None:
        settings = MeetingSettings(circle_id=circle.id)
        session.add(settings)
    settings.reminder_days = value
    session.flush()
    record_event(session, "meeting_reminder_days", actor=actor, circle=circle, detail=str(value))
    return value


def _claim(session: Session, key: str, members: list[Member], now: datetime) -> list[Member]:
    """Return the members not yet reminded under this key, and record them as reminded."""
    if not members:
        return []
    done = set(
        session.scalars(
            select(ReminderSent.member_id).where(
                ReminderSent.key == key,
                ReminderSent.member_id.in_([m.id for m in members]),
            )
        )
    )
    fresh = [m for m in members if m.id not in done]
    session.add_all(ReminderSent(key=key, member_id=m.id, sent_at=now) for m in fresh)
    session.flush()
    return fresh


def _absolute(endpoint: str, **values: Any) -> str:
    return str(current_app.config["BASE_URL"]) + url_for(endpoint, **values)


def _told(notes: list[Any], members: list[Member]) -> list[Member]:
    """Return the members a bell notice was made for (the rest turned the kind off)."""
    ids = {n.member_id for n in notes}
    return [m for m in members if m.id in ids]


def _stamp(value: datetime) -> str:
    """Return a time as a machine key part (UTC, to the minute)."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M")


def meeting_key(meeting: Meeting) -> str:
    """Return the reminder key of a meeting at its current time."""
    return f"meeting:{meeting.id}:{_stamp(meeting.starts_at)}"


def _meeting_notice(meeting: Meeting, circle: Circle, member: Member) -> Notice:
    questions = [i.title for i in meeting.items if i.preparation.strip()]
    when = format_when(meeting.starts_at, "short_datetime")
    lines = [f"{meeting.title} – {when}" + (f", {meeting.place}" if meeting.place else "")]
    if questions:
        lines.append(_("Forbered deg til disse punktene:"))
        lines += [f"– {title}" for title in questions]
    return Notice(
        to=member.email,
        subject=_("Påminnelse: ") + meeting.title,
        intro=_(
            "Møtet i %(circle)s nærmer seg. Dagsordenen står på nettsiden.", circle=circle.name
        ),
        link=_absolute("meetings.show", slug=circle.slug, meeting_id=meeting.id),
        title="\n".join(lines),
    )


def remind_meetings(session: Session, now: datetime) -> int:
    """Remind the invitees of meetings within their circle's lead; return how many."""
    from meetings.services.attendance import audience

    sent = 0
    meetings = session.scalars(
        select(Meeting)
        .where(
            Meeting.starts_at > now,
            Meeting.starts_at <= now + timedelta(days=MAX_DAYS),
            Meeting.cancelled_at.is_(None),
            Meeting.invitation_sent_at.is_not(None),
        )
        .options(selectinload(Meeting.items), selectinload(Meeting.circle))
        .order_by(Meeting.starts_at)
    )
    for meeting in meetings:
        days = reminder_days(session, meeting.circle_id)
        if not days or meeting.starts_at > now + timedelta(days=days):
            continue
        members = _claim(
            session, meeting_key(meeting), [m.member for m in audience(session, meeting)], now
        )
        notes = notify_reminder(session, MEETING_REMINDER, meeting, members, now=now)
        told = _told(notes, members)
        queue_notices(
            session,
            [_meeting_notice(meeting, meeting.circle, m) for m in told],
            circle_id=meeting.circle_id,
        )
        sent += len(told)
    return sent


def _review_notice(minutes: Minutes, circle: Circle, member: Member) -> Notice:
    meeting = minutes.meeting
    deadline = format_when(minutes.review_deadline, "short_datetime")
    return Notice(
        to=member.email,
        subject=_("Påminnelse: referat fra %(t)s", t=meeting.title),
        intro=_(
            "Du er bedt om å lese gjennom referatet. Fristen for kommentarer er %(d)s.",
            d=deadline,
        ),
        link=_absolute("meetings.minutes", slug=circle.slug, meeting_id=meeting.id),
        title=meeting.title,
    )


def remind_reviewers(session: Session, now: datetime) -> int:
    """Remind reviewers who have not commented, within a day of the deadline; return how many."""
    sent = 0
    rows = session.scalars(
        select(Minutes)
        .where(
            Minutes.state == MinutesState.REVIEW,
            Minutes.review_deadline > now,
            Minutes.review_deadline <= now + REVIEW_LEAD,
        )
        .options(selectinload(Minutes.reviewers), selectinload(Minutes.meeting))
    )
    for minutes in rows:
        answered = set(
            session.scalars(
                select(ReviewComment.author_id).where(ReviewComment.minutes_id == minutes.id)
            )
        )
        waiting = [
            r.member for r in minutes.reviewers if r.member_id not in answered and r.member.active
        ]
        key = f"review:{minutes.id}:{_stamp(minutes.review_deadline)}"
        members = _claim(session, key, waiting, now)
        notes = notify_reminder(session, REVIEW_REMINDER, minutes.meeting, members, now=now)
        told = _told(notes, members)
        circle = session.get(Circle, minutes.circle_id)
        queue_notices(
            session,
            [_review_notice(minutes, circle, m) for m in told],
            circle_id=minutes.circle_id,
        )
        sent += len(told)
    return sent


def _consultation_notice(thread: Any, member: Member) -> Notice:
    return Notice(
        to=member.email,
        subject=_(
            "Påminnelse: frist for innspill %(d)s", d=format_date(thread.deadline, "d. MMMM")
        ),
        intro=_(
            "Fristen for innspill i høringen nærmer seg. Les og svar på nettsiden.",
        ),
        link=_absolute("threads.show", slug=thread.circle.slug, thread_id=thread.id),
        title=thread.title,
    )


def remind_consultations(session: Session, now: datetime) -> int:
    """Remind the audience of open consultations whose deadline is within CONSULTATION_LEAD."""
    from circle.i18n import local_today
    from circle.notifications.services import record_notification
    from circle.threads.lookup import subject_lookup
    from circle.threads.models import Thread, ThreadKind, ThreadState
    from circle.threads.services.notifications import recipients
    from meetings.notifications import CONSULTATION_REMINDER

    today = local_today(now)
    lookup = subject_lookup()
    sent = 0
    threads = session.scalars(
        select(Thread)
        .where(
            Thread.kind == ThreadKind.CONSULTATION,
            Thread.state == ThreadState.OPEN,
            Thread.deadline >= today,
            Thread.deadline <= today + CONSULTATION_LEAD,
        )
        .options(selectinload(Thread.circle))
    )
    for thread in threads:
        subject = lookup(thread.subject_kind, thread.subject_id)
        audience = recipients(session, thread, subject)
        members = _claim(session, f"consultation:{thread.id}:{thread.deadline}", audience, now)
        notes = record_notification(
            session,
            kind=CONSULTATION_REMINDER,
            recipients=members,
            actor=None,
            circle_id=thread.circle_id,
            title=thread.title,
            subject_kind="thread",
            subject_id=thread.id,
            thread_id=thread.id,
            now=now,
        )
        told = _told(notes, members)
        queue_notices(
            session, [_consultation_notice(thread, m) for m in told], circle_id=thread.circle_id
        )
        sent += len(told)
    return sent


def send_reminders(session: Session, now: datetime | None = None) -> dict[str, int]:
    """Send every reminder that is due; safe to run twice."""
    now = now or utcnow()
    return {
        "meetings": remind_meetings(session, now),
        "reviews": remind_reviewers(session, now),
        "consultations": remind_consultations(session, now),
    }


def reminders_job(session: Session, _payload: dict[str, Any]) -> None:
    """The periodic job."""
    send_reminders(session)
