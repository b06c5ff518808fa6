"""What the meetings area tells members through the bell: invitations, minutes to review,
comments on minutes they wrote, distributed minutes and tasks they were given."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from circle.models import Member
from circle.notifications.kinds import NotificationKind
from circle.notifications.services import record_notification
from meetings.models import ActionItem, Meeting, Minutes, MinutesRevision
from meetings.permissions import can_view_action

MEETING = "meeting"
ACTION = "action"


def _meeting_page(note: Any) -> str | None:
    if note.circle is None or note.subject_id is None:
        return None
    return url_for("meetings.show", slug=note.circle.slug, meeting_id=note.subject_id)


def _minutes_page(note: Any) -> str | None:
    if note.circle is None or note.subject_id is None:
        return None
    return url_for("meetings.minutes", slug=note.circle.slug, meeting_id=note.subject_id)


def _my_tasks(note: Any) -> str | None:
    if note.circle is None:
        return None
    return url_for("meetings.my_actions", slug=note.circle.slug)


INVITATION = NotificationKind(
    "meeting_invitation",
    _l("sendte deg innkalling til et møte"),
    _meeting_page,
    setting=_l("Innkallinger til møter"),
)
MEETING_CHANGED = NotificationKind(
    "meeting_changed",
    _l("endret et møte du er innkalt til"),
    _meeting_page,
    setting=_l("Endringer i møter jeg er innkalt til"),
)
MEETING_CANCELLED = NotificationKind(
    "meeting_cancelled",
    _l("avlyste et møte du er innkalt til"),
    _meeting_page,
    setting=_l("Avlyste møter jeg er innkalt til"),
)
MEETING_REMINDER = NotificationKind(
    "meeting_reminder",
    _l("minner om et møte du er innkalt til"),
    _meeting_page,
    setting=_l("Påminnelser før møter"),
    alone=_l("Påminnelse om et møte du er innkalt til"),
)
REVIEW_REMINDER = NotificationKind(
    "minutes_review_reminder",
    _l("minner om et referat du skal lese gjennom"),
    _minutes_page,
    setting=_l("Påminnelser om referater jeg ikke har svart på"),
    alone=_l("Påminnelse om et referat du skal lese gjennom før fristen"),
)


def _thread_page(note: Any) -> str | None:
    if note.thread is None:
        return None
    return url_for("threads.show", slug=note.thread.circle.slug, thread_id=note.thread_id)


CONSULTATION_REMINDER = NotificationKind(
    "consultation_reminder",
    _l("minner om fristen i en høring"),
    _thread_page,
    setting=_l("Påminnelser før fristen i høringer"),
    alone=_l("Påminnelse: fristen i en høring nærmer seg"),
)
MINUTES_REVIEW = NotificationKind(
    "minutes_review",
    _l("sendte deg et referat til gjennomlesning"),
    _minutes_page,
    setting=_l("Referater jeg skal lese gjennom"),
)
MINUTES_COMMENT = NotificationKind(
    "minutes_comment",
    _l("kommenterte et referat du har skrevet"),
    _minutes_page,
    setting=_l("Kommentarer til referater jeg har skrevet"),
)
MINUTES_DISTRIBUTED = NotificationKind(
    "minutes_distributed",
    _l("sendte ut et godkjent referat til orientering"),
    _minutes_page,
    setting=_l("Godkjente referater som sendes ut"),
)
ACTION_ASSIGNED = NotificationKind(
    "action_assigned",
    _l("ga deg en oppgave"),
    _my_tasks,
    setting=_l("Oppgaver jeg får fra møtene"),
)
KINDS = (
    INVITATION,
    MEETING_CHANGED,
    MEETING_CANCELLED,
    MEETING_REMINDER,
    REVIEW_REMINDER,
    CONSULTATION_REMINDER,
    MINUTES_REVIEW,
    MINUTES_COMMENT,
    MINUTES_DISTRIBUTED,
    ACTION_ASSIGNED,
)
MINUTES_KINDS = frozenset(
    k.key for k in (MINUTES_REVIEW, MINUTES_COMMENT, MINUTES_DISTRIBUTED, REVIEW_REMINDER)
)


def _about_meeting(
    session: Session,
    kind: NotificationKind,
    meeting: Meeting,
    recipients: Iterable[Member | int],
    actor: Member | None,
    now: datetime | None,
) -> list[Any]:
    return record_notification(
        session,
        kind=kind,
        recipients=recipients,
        actor=actor,
        circle_id=meeting.circle_id,
        title=meeting.title,
        subject_kind=MEETING,
        subject_id=meeting.id,
        now=now,
    )


def notify_invitation(
    session: Session,
    meeting: Meeting,
    recipients: list[Member],
    actor: Member,
    *,
    changed: bool,
    now: datetime | None = None,
) -> None:
    """Tell those invited of the invitation, or of a change to the meeting."""
    kind = MEETING_CHANGED if changed else INVITATION
    _about_meeting(session, kind, meeting, recipients, actor, now)


def notify_cancelled(
    session: Session,
    meeting: Meeting,
    recipients: list[Member],
    actor: Member,
    now: datetime | None = None,
) -> None:
    """Tell those invited that the meeting is cancelled."""
    _about_meeting(session, MEETING_CANCELLED, meeting, recipients, actor, now)


def notify_reminder(
    session: Session,
    kind: NotificationKind,
    meeting: Meeting,
    recipients: list[Member],
    now: datetime | None = None,
) -> list[Any]:
    """Remind members of a meeting (or of minutes to review); the platform is the actor."""
    return _about_meeting(session, kind, meeting, recipients, None, now)


def notify_review(
    session: Session,
    meeting: Meeting,
    reviewers: list[Member],
    actor: Member,
    now: datetime | None = None,
) -> None:
    """Tell those asked to review the minutes."""
    _about_meeting(session, MINUTES_REVIEW, meeting, reviewers, actor, now)


def notify_comment(
    session: Session, minutes: Minutes, actor: Member, now: datetime | None = None
) -> None:
    """Tell whoever wrote the minutes that someone commented on them."""
    writers = set(
        session.scalars(
            select(MinutesRevision.author_id).where(
                MinutesRevision.minutes_id == minutes.id, MinutesRevision.author_id.is_not(None)
            )
        )
    )
    _about_meeting(session, MINUTES_COMMENT, minutes.meeting, sorted(writers), actor, now)


def notify_distributed(
    session: Session,
    meeting: Meeting,
    recipients: list[Member],
    actor: Member,
    now: datetime | None = None,
) -> None:
    """Tell those the approved minutes were sent to."""
    _about_meeting(session, MINUTES_DISTRIBUTED, meeting, recipients, actor, now)


def notify_assigned(
    session: Session,
    actions: Iterable[ActionItem],
    actor: Member,
    circle: Any,
    now: datetime | None = None,
) -> None:
    """Tell each owner of a task they may see now (once per task)."""
    for action in actions:
        owner = session.get(Member, action.owner_id) if action.owner_id else None
        if owner is None or not can_view_action(owner, action, circle):
            continue  # in draft minutes: the owner hears of it when the minutes are approved
        record_notification(
            session,
            kind=ACTION_ASSIGNED,
            recipients=[owner],
            actor=actor,
            circle_id=action.circle_id,
            title=action.what,
            subject_kind=ACTION,
            subject_id=action.id,
            once=True,
            now=now,
        )
