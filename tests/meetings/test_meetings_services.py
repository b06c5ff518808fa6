"""Service tests: meetings, the agenda template, carry-forward, running times and order."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from circle.errors import DomainError, NotAllowed
from circle.i18n import OSLO
from meetings.models import ActionStatus, ItemKind, ItemOrigin, MeetingKind, MinutesState
from meetings.services import agenda, meetings, workflow
from meetings.services.actions import add_action, toggle_action
from meetings.services.common import oslo_to_utc
from meetings.services.minutes import ItemContent, save_minutes
from tests.meetings.conftest import at

VALID_FNR = "Kontakt 15076500565 i saken"


def test_new_meeting_starts_from_default_template(session, people, make_meeting) -> None:
    """With no earlier meeting, the agenda is the domain's fixed agenda, in order."""
    meeting = make_meeting()
    titles = [i.title for i in meeting.items]
    assert titles == [t for _k, t, _m, _d in agenda.DEFAULT_TEMPLATE]
    assert {i.origin for i in meeting.items} == {ItemOrigin.TEMPLATE}
    assert meeting.number == 1


def test_leaders_edit_the_template_and_new_meetings_use_it(session, people, make_meeting) -> None:
    """A saved template replaces the default; empty titles are dropped."""
    agenda.save_template(
        session,
        people.circle,
        actor=people.leader,
        rows=[
            {"title": "Velkommen", "kind": "information", "minutes_planned": "5", "position": 2},
            {"title": "Innsjekk", "kind": "discussion", "minutes_planned": "10", "position": 1},
            {"title": "", "kind": "discussion", "minutes_planned": "10", "position": 3},
        ],
    )
    meeting = make_meeting()
    assert [i.title for i in meeting.items] == ["Innsjekk", "Velkommen"]
    with pytest.raises(NotAllowed):
        agenda.save_template(
            session, people.circle, actor=people.participant, rows=[{"title": "X"}]
        )
    with pytest.raises(DomainError):
        agenda.save_template(session, people.circle, actor=people.leader, rows=[{"title": ""}])


def test_carry_forward_approval_postponed_items_and_open_actions(
    session, people, held_meeting
) -> None:
    """The next meeting gets approval of the last minutes, postponed items and open actions."""
    first = held_meeting(-10)
    postponed_item = first.items[3]
    content = {postponed_item.id: ItemContent("Rakk ikke.", "", postponed=True)}
    save_minutes(
        session,
        first,
        people.circle,
        actor=people.leader,
        expected_version=first.minutes.edit_version,
        content=content,
        evaluation="",
    )
    open_action = add_action(
        session,
        first.minutes,
        people.circle,
        actor=people.leader,
        what="Lage oversikt",
        owner_id=people.participant.id,
        due_on=(at(5)).date(),
    )
    done_action = add_action(
        session,
        first.minutes,
        people.circle,
        actor=people.leader,
        what="Sende rapport",
        owner_id=people.participant.id,
    )
    toggle_action(session, done_action, people.circle, actor=people.leader, done=True)
    session.commit()

    second = meetings.create_meeting(
        session,
        people.circle,
        actor=people.leader,
        kind=MeetingKind.CIRCLE,
        title="Neste",
        starts_at=at(5),
        ends_at=at(5) + timedelta(hours=3),
    )
    origins = [i.origin for i in second.items]
    assert origins[:3] == [ItemOrigin.APPROVAL, ItemOrigin.POSTPONED, ItemOrigin.ACTIONS]
    approval, carried = second.items[0], second.items[1]
    assert approval.approves_meeting_id == first.id
    assert f"møte {first.number}" in approval.title
    assert carried.title == postponed_item.title
    assert carried.postponed_from_id == postponed_item.id
    assert carried.postponed_from.meeting.number == first.number
    review = agenda.actions_for_review(session, second, people.circle, people.leader)
    assert [(a.what, a.meeting_number) for a in review] == [(open_action.what, first.number)]
    assert [a.owner_name for a in review] == [open_action.owner.name if open_action.owner else None]
    assert open_action.status == ActionStatus.OPEN


def test_carried_items_replace_their_template_row_and_approved_minutes_need_no_approval(
    session, people, held_meeting
) -> None:
    """A postponed presentation comes back once (not beside the template's own), and minutes
    approved and distributed before the next meeting get no approval item."""
    first = held_meeting(-10)
    talk = next(i for i in first.items if i.kind == ItemKind.PRESENTATION)
    talk.title = "Fagpresentasjon: Bolig for unge voksne"
    session.flush()
    save_minutes(
        session,
        first,
        people.circle,
        actor=people.leader,
        expected_version=first.minutes.edit_version,
        content={talk.id: ItemContent("Innleder ble syk.", "", postponed=True)},
        evaluation="",
    )
    workflow.send_for_review(session, first, people.circle, actor=people.leader, deadline=at(1))
    workflow.approve_minutes(session, first, people.circle, actor=people.leader)
    workflow.distribute_minutes(session, first, people.circle, actor=people.leader)
    session.commit()

    second = meetings.create_meeting(
        session,
        people.circle,
        actor=people.leader,
        kind=MeetingKind.CIRCLE,
        title="Neste",
        starts_at=at(5),
        ends_at=at(5) + timedelta(hours=3),
    )
    presentations = [i for i in second.items if i.kind == ItemKind.PRESENTATION]
    assert [(i.title, i.origin) for i in presentations] == [
        ("Fagpresentasjon: Bolig for unge voksne", ItemOrigin.POSTPONED)
    ]
    assert not [i for i in second.items if i.origin == ItemOrigin.APPROVAL]
    titles = [i.title for i in second.items]
    assert len(titles) == len(set(titles))
    assert "Tema for neste møte" in titles  # the rest of the template is still there


def test_reference_meetings_form_their_own_series(
    session, people, held_meeting, make_meeting
) -> None:
    """A reference-group meeting does not take the circle's template or its open actions."""
    held_meeting(-10)
    ref = make_meeting(5, kind=MeetingKind.REFERENCE, title="Referansegruppe")
    assert ref.items == []


def test_bad_meeting_input_is_refused(session, people, make_meeting) -> None:
    """End before start, a foreign host unit, a bad video link, an identity number."""
    start = at(3)
    cases = [
        {"starts_at": start, "ends_at": start - timedelta(hours=1)},
        {
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
            "host_unit_id": people.other_circle.units[0].id,
        },
        {
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
            "video_url": "javascript:alert(1)",
        },
        {"starts_at": start, "ends_at": start + timedelta(hours=1), "theme": VALID_FNR},
    ]
    for values in cases:
        with pytest.raises(DomainError):
            meetings.create_meeting(
                session, people.circle, actor=people.leader, kind="circle", title="Møte", **values
            )
        session.rollback()
    with pytest.raises(NotAllowed):
        meetings.create_meeting(
            session,
            people.circle,
            actor=people.participant,
            kind="circle",
            title="Møte",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    assert meetings.list_meetings(session, people.circle, people.leader) == ([], [])


def test_oslo_times_are_stored_as_utc(session, people) -> None:
    """A wall-clock time in Oslo is stored in UTC (summer time: two hours behind)."""
    value = oslo_to_utc(datetime(2026, 6, 15, 10, 0))
    assert value.hour == 8 and value.utcoffset() == timedelta(0)
    winter = oslo_to_utc(datetime(2026, 1, 15, 10, 0, tzinfo=OSLO))
    assert winter.hour == 9


def test_update_bumps_sequence_and_flags_change_after_invitation(
    session, people, make_meeting
) -> None:
    """Changing time after the invitation marks the meeting changed; SEQUENCE increases."""
    meeting = make_meeting(5)
    values = {
        "kind": "circle",
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
    }
    assert (
        meetings.update_meeting(session, meeting, people.circle, actor=people.leader, **values)
        is False
    )
    assert meeting.ical_sequence == 0
    meeting.invitation_sent_at = at(0)
    moved = values | {
        "starts_at": meeting.starts_at + timedelta(hours=1),
        "ends_at": meeting.ends_at + timedelta(hours=1),
    }
    assert (
        meetings.update_meeting(session, meeting, people.circle, actor=people.leader, **moved)
        is True
    )
    assert meeting.ical_sequence == 1 and meeting.changed_since_notice


def test_status_follows_invitation_time_and_minutes(
    session, people, make_meeting, held_meeting
) -> None:
    """Planned -> invitation sent -> held -> minutes in review ... shown plainly."""
    future = make_meeting(5)
    assert meetings.meeting_status(future) == "planned"
    future.invitation_sent_at = at(0)
    assert meetings.meeting_status(future) == "invited"
    past = held_meeting(-2)
    assert meetings.meeting_status(past) == "held"
    past.minutes.state = MinutesState.REVIEW
    assert meetings.meeting_status(past) == "review"


def test_list_by_semester_and_visibility(session, people, make_meeting) -> None:
    """Upcoming and past meetings by semester; the reference group sees only its meetings."""
    make_meeting(-200, title="Gammelt")
    make_meeting(-1, title="I går")
    make_meeting(2, title="Snart")
    make_meeting(4, kind=MeetingKind.REFERENCE, title="Ref")
    upcoming, past = meetings.list_meetings(session, people.circle, people.participant)
    assert [r.meeting.title for s in upcoming for r in s.rows] == ["Snart", "Ref"]
    assert [r.meeting.title for s in past for r in s.rows] == ["I går", "Gammelt"]
    assert all(s.label.startswith(("Vår", "Høst")) for s in upcoming + past)
    upcoming, past = meetings.list_meetings(session, people.circle, people.reference)
    assert [r.meeting.title for s in upcoming for r in s.rows] == ["Ref"]
    assert past == []


def test_running_times_and_overrun(session, people, make_meeting) -> None:
    """Each item starts when the one before ends; a long agenda warns of overrun."""
    meeting = make_meeting(3, hours=1)
    times = agenda.running_times(meeting)
    assert times.rows[0].starts_at == meeting.starts_at
    assert times.rows[1].starts_at == meeting.starts_at + timedelta(
        minutes=meeting.items[0].minutes_planned
    )
    assert times.total_minutes == sum(m for _k, _t, m, _d in agenda.DEFAULT_TEMPLATE)
    assert times.overrun_minutes == times.total_minutes - 60
    long_enough = make_meeting(4, hours=4)
    assert agenda.running_times(long_enough).overrun_minutes == 0


def test_items_nest_one_level_and_reorder(session, people, make_meeting) -> None:
    """Sub-items sit under a top item, numbered 1.1; nesting deeper is refused."""
    meeting = make_meeting(3)
    top = meeting.items[0]
    child = agenda.add_item(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        parent_id=top.id,
        title="Underpunkt",
        kind="information",
        minutes_planned=5,
    )
    rows = agenda.running_times(meeting).rows
    assert (rows[1].item.id, rows[1].number, rows[1].depth) == (child.id, "1.1", 1)
    with pytest.raises(DomainError):
        agenda.add_item(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            parent_id=child.id,
            title="For dypt",
            kind="information",
        )
    session.rollback()
    meeting = meetings.get_meeting(session, people.circle, meeting.id)
    ids = [i.id for i in meeting.items]
    order = {item_id: (len(ids) - n, None) for n, item_id in enumerate(ids)}
    agenda.reorder_items(session, meeting, people.circle, actor=people.leader, order=order)
    assert [i.id for i in meeting.items] == list(reversed(ids))
    bad = dict(order)
    bad[ids[0]] = (1, ids[0])
    with pytest.raises(DomainError):
        agenda.reorder_items(session, meeting, people.circle, actor=people.leader, order=bad)


def test_readings_are_parsed_and_library_matcher_used(session, people, make_meeting) -> None:
    """Pre-reading lines become title + link; a registered matcher sets the report id."""
    meeting = make_meeting(3)
    item = agenda.add_item(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        title="Fag",
        kind="presentation",
        readings="NOVA-rapport | https://example.org/r.pdf\nBare en tittel\n/c/x/library/7",
        match_report=lambda url: 7 if "/library/" in url else None,
    )
    assert [(r.title, r.url, r.report_id) for r in item.readings] == [
        ("NOVA-rapport", "https://example.org/r.pdf", None),
        ("Bare en tittel", "", None),
        ("/c/x/library/7", "/c/x/library/7", 7),
    ]
    with pytest.raises(DomainError):
        agenda.parse_readings("Ond | //evil.example/x")


def test_identity_number_in_agenda_item_is_refused(session, people, make_meeting) -> None:
    """Nothing is saved when a description holds a fødselsnummer."""
    meeting = make_meeting(3)
    count = len(meeting.items)
    with pytest.raises(DomainError):
        agenda.add_item(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            title="Sak",
            kind="discussion",
            description=VALID_FNR,
        )
    session.rollback()
    assert len(meetings.get_meeting(session, people.circle, meeting.id).items) == count
