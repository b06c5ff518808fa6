"""Cancelling, moving and deleting meetings: notices with updated .ics (read back with vobject,
not the library that wrote them), the calendar feed, the pages, and carrying items forward."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
import vobject
from sqlalchemy import func, select

from circle.errors import DomainError
from circle.notifications.models import Notification
from meetings.models import AgendaItem, ItemOrigin, Meeting
from meetings.services import changes, ical
from meetings.services.agenda import add_item
from meetings.services.attendance import send_invitation
from meetings.services.meetings import create_meeting
from tests.meetings.conftest import at


def _event_of(message) -> tuple:  # noqa: ANN001
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.strict)
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    calendar = vobject.readOne(part.get_content())
    return part, calendar, calendar.vevent


def _feed_events(session, member) -> dict:  # noqa: ANN001
    body = ical.member_feed(session, member, lambda m: f"http://sirkel.test/m/{m.id}")
    calendar = vobject.readOne(body.decode())
    return {e.uid.value.split("@")[0]: e for e in calendar.contents.get("vevent", [])}


def _invited(session, people, make_meeting, days: float = 10, **kw) -> Meeting:  # noqa: ANN001
    meeting = make_meeting(days, **kw)
    if not meeting.items:
        add_item(
            session, meeting, people.circle, actor=people.leader, title="Status", kind="information"
        )
    send_invitation(session, meeting, people.circle, actor=people.leader)
    session.commit()
    return meeting


def _url(people, meeting, tail: str = "") -> str:  # noqa: ANN001
    return f"/c/{people.circle.slug}/meetings/{meeting.id}{tail}"


def test_cancel_sends_method_cancel_and_the_feed_marks_it(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """Invitees get METHOD:CANCEL with STATUS:CANCELLED, the same UID and a higher SEQUENCE;
    the participant's feed says the same; the bell has it; the pages say it is cancelled."""
    meeting = _invited(session, people, make_meeting)
    before = _feed_events(session, people.participant)[meeting.ical_uid]
    login_as(people.leader)
    mailbox.clear()
    response = client.post(_url(people, meeting, "/cancel"), data={"reason": "For få kan komme"})
    assert response.status_code == 302
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    assert meeting.cancelled_at is not None and meeting.cancel_reason == "For få kan komme"
    to = {m["To"] for m in mailbox}
    assert people.participant.email in to and people.reference.email not in to
    part, calendar, event = _event_of(mailbox[0])
    assert part.get_param("method") == "CANCEL" == calendar.method.value
    assert event.status.value == "CANCELLED"
    assert event.uid.value == before.uid.value
    assert int(event.sequence.value) == int(before.sequence.value) + 1
    assert event.organizer.value.startswith("mailto:")
    assert email.message_from_bytes(mailbox[0].as_bytes())["Subject"].startswith("Avlyst: ")
    session.expire_all()
    after = _feed_events(session, people.participant)[meeting.ical_uid]
    assert after.status.value == "CANCELLED"
    assert int(after.sequence.value) == int(before.sequence.value) + 1
    kinds = set(
        session.scalars(
            select(Notification.kind).where(Notification.member_id == people.participant.id)
        )
    )
    assert "meeting_cancelled" in kinds
    login_as(people.participant)
    page = client.get(_url(people, meeting)).get_data(as_text=True)
    assert "Møtet er avlyst." in page and "For få kan komme" in page
    assert "Send svar" not in page  # no answering a cancelled meeting
    printed = client.get(_url(people, meeting, "/agenda/print")).get_data(as_text=True)
    assert "Møtet er avlyst." in printed


def test_cancelling_twice_and_changing_a_cancelled_meeting_are_refused(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """A second cancel, a move, an edit, an invitation or an answer: a clear message, no
    second notice and no SEQUENCE bump."""
    meeting = _invited(session, people, make_meeting)
    changes.cancel_meeting(session, meeting, people.circle, actor=people.leader)
    session.commit()
    sequence = meeting.ical_sequence
    with pytest.raises(DomainError, match="allerede avlyst"):
        changes.cancel_meeting(session, meeting, people.circle, actor=people.leader)
    with pytest.raises(DomainError, match="avlyst møte kan ikke flyttes"):
        changes.move_meeting(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            starts_at=at(12),
            ends_at=at(12) + timedelta(hours=2),
        )
    session.rollback()
    login_as(people.leader)
    mailbox.clear()
    response = client.post(_url(people, meeting, "/cancel"), data={}, follow_redirects=True)
    assert "Møtet er allerede avlyst." in response.get_data(as_text=True)
    response = client.post(_url(people, meeting, "/invite"), follow_redirects=True)
    assert "avlyst" in response.get_data(as_text=True)
    assert mailbox == []
    session.expire_all()
    assert session.get(Meeting, meeting.id).ical_sequence == sequence
    login_as(people.participant)
    response = client.post(
        _url(people, meeting, "/rsvp"), data={"answer": "attending"}, follow_redirects=True
    )
    assert "Møtet er avlyst." in response.get_data(as_text=True)


def test_move_sends_method_request_with_the_new_time(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """The updated request has the new DTSTART, the same UID and a higher SEQUENCE; the feed
    and the page follow; the page says where and when it was before."""
    meeting = _invited(session, people, make_meeting)
    old_start = meeting.starts_at
    before = _feed_events(session, people.participant)[meeting.ical_uid]
    new_start = at(14, hour=11)
    local = new_start.astimezone(ical_oslo())
    login_as(people.leader)
    mailbox.clear()
    response = client.post(
        _url(people, meeting, "/move"),
        data={
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Bydelshuset",
        },
    )
    assert response.status_code == 302
    part, calendar, event = _event_of(mailbox[0])
    assert part.get_param("method") == "REQUEST" == calendar.method.value
    assert event.dtstart.value == new_start
    assert event.uid.value == before.uid.value
    assert int(event.sequence.value) == int(before.sequence.value) + 1
    assert event.location.value == "Bydelshuset"
    assert event.attendee.value.lower().startswith("mailto:")
    session.expire_all()
    after = _feed_events(session, people.participant)[meeting.ical_uid]
    assert after.dtstart.value == new_start and after.status.value == "CONFIRMED"
    assert int(after.sequence.value) == int(before.sequence.value) + 1
    session.expire_all()
    moved = session.get(Meeting, meeting.id)
    assert moved.moved_from_starts_at == old_start and moved.moved_from_place == "Høgskolen"
    page = client.get(_url(people, meeting)).get_data(as_text=True)
    assert "Møtet er flyttet." in page and "Tidligere sted: Høgskolen." in page


def ical_oslo():  # noqa: ANN201
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Oslo")


def test_moving_into_the_past_or_to_the_same_time_is_refused(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """Into the past, end before start, nothing changed: form errors, no notice, no change."""
    meeting = _invited(session, people, make_meeting)
    sequence, start = meeting.ical_sequence, meeting.starts_at
    login_as(people.leader)
    mailbox.clear()
    past = at(-1).astimezone(ical_oslo())
    response = client.post(
        _url(people, meeting, "/move"),
        data={
            "starts_at": past.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (past + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "et tidspunkt som har vært" in response.get_data(as_text=True)
    local = start.astimezone(ical_oslo())
    response = client.post(
        _url(people, meeting, "/move"),
        data={
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": meeting.place,
        },
    )
    assert "Slutt må være etter start." in response.get_data(as_text=True)
    with pytest.raises(DomainError, match="ny tid eller et nytt sted"):
        changes.move_meeting(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
        )
    session.rollback()
    assert mailbox == []
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    assert (meeting.ical_sequence, meeting.starts_at) == (sequence, start)
    assert meeting.moved_from_starts_at is None


def test_only_a_draft_meeting_can_be_deleted(client, session, people, make_meeting, login_as):  # noqa: ANN001
    """Never sent out: deleted. Invited: kept, with a message pointing to cancelling."""
    draft = make_meeting(10)
    invited = _invited(session, people, make_meeting, 20)
    draft_id, invited_url = draft.id, _url(people, invited)
    login_as(people.leader)
    response = client.post(_url(people, invited, "/delete"), follow_redirects=True)
    assert "Avlys møtet i stedet" in response.get_data(as_text=True)
    assert client.post(_url(people, draft, "/delete")).status_code == 302
    session.expire_all()
    assert session.get(Meeting, draft_id) is None
    assert session.get(Meeting, invited.id) is not None
    login_as(people.participant)
    assert client.post(invited_url + "/delete").status_code == 403


def test_a_cancelled_meetings_items_come_to_the_next_meeting(session, people, make_meeting):  # noqa: ANN001
    """Created after the cancellation: the next agenda takes the manual items at once.
    Already planned: the carry-forward service adds them, once, however often it is asked."""
    first = make_meeting(10)
    add_item(
        session,
        first,
        people.circle,
        actor=people.leader,
        title="Budsjett for våren",
        kind="decision",
    )
    session.commit()
    second = make_meeting(30)
    changes.cancel_meeting(session, first, people.circle, actor=people.leader)
    session.commit()
    target, count = changes.carry_forward(session, first, people.circle, actor=people.leader)
    assert target.id == second.id and count == 1
    again, count = changes.carry_forward(session, first, people.circle, actor=people.leader)
    assert count == 0
    titles = [i.title for i in second.items]
    assert titles.count("Budsjett for våren") == 1
    carried = next(i for i in second.items if i.title == "Budsjett for våren")
    assert carried.origin == ItemOrigin.POSTPONED
    # A meeting created later, after another cancelled one, gets the items when it is made.
    changes.cancel_meeting(session, second, people.circle, actor=people.leader)
    third = create_meeting(
        session,
        people.circle,
        actor=people.leader,
        kind="circle",
        title="Tredje",
        starts_at=at(40),
        ends_at=at(40) + timedelta(hours=2),
    )
    assert "Budsjett for våren" in [i.title for i in third.items]
    template_count = session.scalar(
        select(func.count())
        .select_from(AgendaItem)
        .where(AgendaItem.meeting_id == third.id, AgendaItem.origin == ItemOrigin.TEMPLATE)
    )
    assert template_count > 0  # the template is not doubled by carrying the cancelled one's


def test_carry_forward_needs_a_cancelled_meeting(session, people, make_meeting) -> None:  # noqa: ANN001
    """Carrying from a meeting that is not cancelled is refused."""
    meeting = make_meeting(10)
    make_meeting(20)
    with pytest.raises(DomainError, match="avlyst møte"):
        changes.carry_forward(session, meeting, people.circle, actor=people.leader)


def test_participants_see_who_is_coming_reference_group_names_only(
    client, session, people, make_meeting, login_as
) -> None:
    """Staff see the unit of those coming; the reference group sees names only."""
    from meetings.models import MeetingKind
    from meetings.services.attendance import answer_invitation

    meeting = _invited(session, people, make_meeting, kind=MeetingKind.REFERENCE)
    answer_invitation(session, meeting, people.circle, actor=people.unit_leader, answer="attending")
    session.commit()
    unit = people.circle.units[0].name
    login_as(people.participant)
    page = client.get(_url(people, meeting)).get_data(as_text=True)
    assert "Ulf Enhetsleder" in page and f"({unit})" in page
    login_as(people.reference)
    page = client.get(_url(people, meeting)).get_data(as_text=True)
    assert "Ulf Enhetsleder" in page and f"({unit})" not in page


def test_the_carry_forward_button_puts_items_on_the_next_agenda(
    client, session, people, make_meeting, login_as
) -> None:
    """From the cancelled meeting's page to the next meeting's, with the item on its agenda."""
    first = make_meeting(10)
    add_item(session, first, people.circle, actor=people.leader, title="Husleie", kind="decision")
    second = make_meeting(30)
    changes.cancel_meeting(session, first, people.circle, actor=people.leader)
    session.commit()
    login_as(people.leader)
    page = client.get(_url(people, first)).get_data(as_text=True)
    assert "Flytt åpne punkter til neste møte" in page
    response = client.post(_url(people, first, "/carry-forward"))
    assert response.headers["Location"].endswith(_url(people, second))
    page = client.get(_url(people, second)).get_data(as_text=True)
    assert "Husleie" in page and "punkter er satt opp" in page


def _edit_form(meeting, start, **changes) -> dict:  # noqa: ANN001
    local = start.astimezone(ical_oslo())
    return {
        "kind": meeting.kind.value,
        "title": meeting.title,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + (meeting.ends_at - meeting.starts_at)).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "address": meeting.address,
        "host_unit_id": "0",
        "video_url": meeting.video_url,
        "theme": meeting.theme,
    } | changes


def test_a_new_time_in_the_edit_form_is_told_as_a_move(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """Time and place changed through the ordinary edit form: METHOD:REQUEST with the same UID
    and SEQUENCE + 1 (not the old PUBLISH change notice), one mail each, the new title in it,
    and the page remembers where and when it was before."""
    meeting = _invited(session, people, make_meeting)
    old_start = meeting.starts_at
    before = _feed_events(session, people.participant)[meeting.ical_uid]
    new_start = at(15, hour=12)
    login_as(people.leader)
    mailbox.clear()
    response = client.post(
        _url(people, meeting, "/edit"),
        data=_edit_form(meeting, new_start, place="Rådhuset", title="Sirkelmøte i mai"),
        follow_redirects=True,
    )
    assert "Møtet er flyttet." in response.get_data(as_text=True)
    to = [m["To"] for m in mailbox]
    assert len(to) == len(set(to)) and people.participant.email in to
    part, calendar, event = _event_of(mailbox[0])
    assert part.get_param("method") == "REQUEST" == calendar.method.value
    assert event.uid.value == before.uid.value
    assert int(event.sequence.value) == int(before.sequence.value) + 1
    assert event.dtstart.value == new_start
    assert event.location.value == "Rådhuset"
    assert event.summary.value.startswith("Sirkelmøte i mai")
    assert email.message_from_bytes(mailbox[0].as_bytes())["Subject"].startswith("Flyttet: ")
    session.expire_all()
    moved = session.get(Meeting, meeting.id)
    assert moved.moved_from_starts_at == old_start and moved.moved_from_place == "Høgskolen"
    assert moved.title == "Sirkelmøte i mai" and not moved.changed_since_notice
    after = _feed_events(session, people.participant)[meeting.ical_uid]
    assert int(after.sequence.value) == int(before.sequence.value) + 1


def test_the_edit_form_refuses_a_move_into_the_past_and_keeps_title_edits_plain(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """Moving an invited meeting into the past through the edit form is refused as on the move
    page (nothing changes, nothing is sent); a new title alone is no move."""
    meeting = _invited(session, people, make_meeting)
    sequence, start = meeting.ical_sequence, meeting.starts_at
    login_as(people.leader)
    mailbox.clear()
    response = client.post(_url(people, meeting, "/edit"), data=_edit_form(meeting, at(-2)))
    assert "et tidspunkt som har vært" in response.get_data(as_text=True)
    assert mailbox == []
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    assert (meeting.ical_sequence, meeting.starts_at) == (sequence, start)
    response = client.post(
        _url(people, meeting, "/edit"),
        data=_edit_form(meeting, meeting.starts_at, title="Nytt navn"),
        follow_redirects=True,
    )
    assert "Endringene er lagret." in response.get_data(as_text=True)
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    assert meeting.title == "Nytt navn" and meeting.moved_from_starts_at is None
    part, calendar, _event = _event_of(mailbox[0])
    assert part.get_param("method") != "REQUEST"
