"""Reminders from the periodic job: before meetings and to reviewers; safe to run twice,
never for a cancelled meeting, in the bell, and each kind can be turned off."""

from __future__ import annotations

import email
from datetime import timedelta

from sqlalchemy import func, select

from circle.hooks import hooks
from circle.models import utcnow
from circle.notifications.models import Notification
from circle.notifications.services import set_muted_kinds
from meetings.notifications import KINDS, MEETING_REMINDER
from meetings.services import changes, reminders
from meetings.services.agenda import add_item
from meetings.services.attendance import send_invitation
from meetings.services.workflow import add_comment, send_for_review
from tests.meetings.conftest import at


def _invited(session, people, make_meeting, days: float):  # noqa: ANN001, ANN202
    meeting = make_meeting(days)
    add_item(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        title="Rapporten om ettervern",
        kind="discussion",
        preparation="Hemmelig detalj: hva mener dere om side 12?",
    )
    send_invitation(session, meeting, people.circle, actor=people.leader)
    session.commit()
    return meeting


def _run(app, session):  # noqa: ANN001, ANN202
    with app.test_request_context("/"):
        result = reminders.send_reminders(session)
        session.commit()
    return result


def _bodies(mailbox) -> dict[str, str]:  # noqa: ANN001
    out = {}
    for message in mailbox:
        parsed = email.message_from_bytes(message.as_bytes())
        part = next(p for p in parsed.walk() if p.get_content_type() == "text/plain")
        out[parsed["To"]] = part.get_payload(decode=True).decode()
    return out


def test_meeting_reminder_goes_once_with_agenda_link_and_titles_only(
    app, session, people, make_meeting, mailbox
) -> None:
    """Two days before: each invitee once (a second run sends nothing), the agenda link and
    the title of the item to prepare, not the preparation text; listed in the bell."""
    soon = _invited(session, people, make_meeting, 1.5)
    _invited(session, people, make_meeting, 5)  # beyond the default two days
    mailbox.clear()
    first = _run(app, session)
    assert first["meetings"] == 4  # two leaders, two participants
    bodies = _bodies(mailbox)
    text = bodies[people.participant.email]
    assert f"/meetings/{soon.id}" in text
    assert "Rapporten om ettervern" in text and "Hemmelig detalj" not in text
    assert people.reference.email not in bodies
    mailbox.clear()
    assert _run(app, session) == {"meetings": 0, "reviews": 0, "consultations": 0}
    assert mailbox == []
    count = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.kind == MEETING_REMINDER.key, Notification.subject_id == soon.id)
    )
    assert count == 4


def test_no_reminder_for_a_cancelled_meeting_and_a_moved_one_is_reminded_again(
    app, session, people, make_meeting, mailbox
) -> None:
    """Cancelled: nothing. Moved after its reminder: reminded again for the new time."""
    cancelled = _invited(session, people, make_meeting, 1)
    changes.cancel_meeting(session, cancelled, people.circle, actor=people.leader)
    moved = _invited(session, people, make_meeting, 1.2)
    session.commit()
    assert _run(app, session)["meetings"] == 4  # only the moved one
    new_start = at(1.6)
    changes.move_meeting(
        session,
        moved,
        people.circle,
        actor=people.leader,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
    )
    session.commit()
    mailbox.clear()
    assert _run(app, session)["meetings"] == 4
    assert all(m["Subject"].startswith("Påminnelse: ") for m in mailbox)


def test_the_circle_chooses_the_lead_and_members_turn_reminders_off(
    app, session, people, make_meeting, mailbox
) -> None:
    """Seven days: the meeting five days away is reminded; a member who turned the kind off
    gets neither e-mail nor bell notice."""
    meeting = _invited(session, people, make_meeting, 5)
    reminders.set_reminder_days(session, people.circle, actor=people.leader, days=7)
    set_muted_kinds(session, people.participant2, {MEETING_REMINDER.key}, KINDS)
    session.commit()
    mailbox.clear()
    assert _run(app, session)["meetings"] == 3
    assert people.participant2.email not in _bodies(mailbox)
    muted_bell = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.member_id == people.participant2.id,
            Notification.kind == MEETING_REMINDER.key,
        )
    )
    assert muted_bell == 0
    assert meeting.id in set(
        session.scalars(
            select(Notification.subject_id).where(Notification.kind == MEETING_REMINDER.key)
        )
    )


def test_reviewers_who_have_not_answered_are_reminded_before_the_deadline(
    app, session, people, held_meeting, mailbox
) -> None:
    """Within a day of the deadline: the reviewer without a comment, not the one who wrote."""
    meeting = held_meeting()
    reviewers = send_for_review(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        deadline=utcnow() + timedelta(hours=20),
    )
    assert {m.id for m in reviewers} >= {people.participant.id, people.leader2.id}
    add_comment(
        session, meeting.minutes, people.circle, actor=people.leader2, kind="comment", body="Fint."
    )
    session.commit()
    mailbox.clear()
    assert _run(app, session)["reviews"] == 1
    assert list(_bodies(mailbox)) == [people.participant.email]
    mailbox.clear()
    assert _run(app, session)["reviews"] == 0 and mailbox == []


def test_the_hourly_job_reminds_once_however_many_workers_tick(
    app, session, people, make_meeting, mailbox
) -> None:
    """Through the periodic machinery: the slot's job runs (eagerly here) and reminds; a second
    worker's tick in the same slot queues nothing; the next hour's run finds nothing due."""
    from circle.jobs.queue import enqueue_periodic

    _invited(session, people, make_meeting, 1)
    mailbox.clear()
    [spec] = [p for p in hooks(app).periodic if p.kind == reminders.REMINDER_JOB]
    assert spec.schedule == {"minute": "20"} and reminders.REMINDER_JOB in hooks(app).jobs
    slot = utcnow().replace(minute=20, second=0, microsecond=0)
    assert enqueue_periodic(app, spec, slot) is True
    assert len(mailbox) == 4
    assert enqueue_periodic(app, spec, slot) is False
    assert enqueue_periodic(app, spec, slot + timedelta(hours=1)) is True
    assert len(mailbox) == 4


def test_reminder_settings_page(client, session, people, login_as) -> None:  # noqa: ANN001
    """Leaders set the lead; out of range is a form error; participants may not."""
    url = f"/c/{people.circle.slug}/meetings/reminders"
    login_as(people.leader)
    assert 'value="2"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"days": "30"})
    assert response.status_code == 200 and "Velg mellom 0 og 14." in response.get_data(as_text=True)
    assert client.post(url, data={"days": "3"}).status_code == 302
    assert reminders.reminder_days(session, people.circle.id) == 3
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Påminnelser før møter" in page
    login_as(people.participant)
    assert client.get(url).status_code == 403


def test_the_audience_of_a_consultation_is_reminded_before_its_deadline(
    app, session, people, mailbox
) -> None:
    """Deadline in two days: the whole audience (but the platform is no actor, so the author
    too), once; a leaders-only consultation reaches only leaders; a far deadline, nobody."""
    from circle.i18n import local_today
    from circle.threads.models import Audience, ThreadKind
    from circle.threads.services.threads import create_thread
    from meetings.notifications import CONSULTATION_REMINDER

    today = local_today(utcnow())

    def consultation(title: str, audience: Audience, days: int):  # noqa: ANN202
        return create_thread(
            session,
            people.circle,
            actor=people.leader,
            title=title,
            body="Vi ber om innspill.",
            audience=audience,
            kind=ThreadKind.CONSULTATION,
            deadline=today + timedelta(days=days),
        )

    open_to_all = consultation("Høring om veilederen", Audience.REFERENCE, 2)
    consultation("Høring i ledergruppen", Audience.LEADERS, 1)
    consultation("Høring langt fram", Audience.REFERENCE, 20)
    session.commit()
    mailbox.clear()
    with app.test_request_context("/"):
        sent = reminders.send_reminders(session)
        session.commit()
    assert sent["consultations"] == 6 + 2  # six in the reference audience, two leaders
    to_reference = [
        m for m in mailbox if m["To"] == people.reference.email and m["Subject"].startswith("Påm")
    ]
    assert len(to_reference) == 1
    assert f"/threads/{open_to_all.id}" in _bodies(to_reference)[people.reference.email]
    bell = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.kind == CONSULTATION_REMINDER.key,
            Notification.member_id == people.reference.id,
        )
    )
    assert bell == 1
    with app.test_request_context("/"):
        assert reminders.send_reminders(session)["consultations"] == 0


def test_the_command_sends_what_is_due_once(app, session, people, make_meeting, mailbox) -> None:
    """`flask meetings send-reminders` reminds the invitees; run again, it sends nothing."""
    _invited(session, people, make_meeting, 1)
    mailbox.clear()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["meetings", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "reminded 4 of meetings" in result.output
    assert len(mailbox) == 4
    again = runner.invoke(args=["meetings", "send-reminders"])
    assert "reminded 0 of meetings" in again.output
