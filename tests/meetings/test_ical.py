"""iCalendar: valid files, stable UIDs, increasing SEQUENCE, a private feed, token renewal."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from circle.models import Role
from meetings.models import MeetingKind
from meetings.services import ical
from meetings.services.meetings import update_meeting


def _events(body: bytes) -> list:
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


def test_meeting_ics_is_valid_and_uid_stable(session, people, make_meeting) -> None:
    """One VEVENT with UTC times, location, link; same UID after an edit, SEQUENCE + 1."""
    meeting = make_meeting(5, address="Storgata 1")
    link = "http://sirkel.test/c/x/meetings/1"
    (event,) = _events(ical.meeting_ics(meeting, people.circle, link))
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["LOCATION"]) == "Høgskolen, Storgata 1"
    assert str(event["URL"]) == link and link in str(event["DESCRIPTION"])
    uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
    meeting.invitation_sent_at = meeting.created_at
    update_meeting(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        kind="circle",
        title=meeting.title,
        starts_at=meeting.starts_at + timedelta(hours=1),
        ends_at=meeting.ends_at + timedelta(hours=1),
        place="Bydelshuset",
    )
    (event,) = _events(ical.meeting_ics(meeting, people.circle, link))
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == sequence + 1
    # A calendar keeps SUMMARY as the title: the change is told by the e-mail, not the name.
    assert str(event["SUMMARY"]) == f"{meeting.title} ({people.circle.name})"


def test_feed_holds_only_meetings_the_member_may_see(
    session, people, make_meeting, make_member, add_member
) -> None:
    """Participants: circle meetings and reference meetings; reference group: its meetings;
    nobody: other circles' meetings."""
    circle_meeting = make_meeting(5, title="Sirkelmøte")
    ref_meeting = make_meeting(6, kind=MeetingKind.REFERENCE, title="Referansemøte")
    other = make_meeting(
        7, circle=people.other_circle, actor=people.other_leader, title="Annen sirkel"
    )

    def uids(member) -> set[str]:  # noqa: ANN001
        body = ical.member_feed(session, member, lambda m: f"http://sirkel.test/m/{m.id}")
        return {str(e["UID"]).split("@")[0] for e in _events(body)}

    assert uids(people.participant) == {circle_meeting.ical_uid, ref_meeting.ical_uid}
    assert uids(people.reference) == {ref_meeting.ical_uid}
    assert uids(people.unit_leader) == {ref_meeting.ical_uid}
    assert other.ical_uid not in uids(people.leader)
    both = make_member("To sirkler", circle=people.circle, role=Role.PARTICIPANT)
    add_member(both, people.other_circle, Role.PARTICIPANT)
    assert uids(both) == {circle_meeting.ical_uid, ref_meeting.ical_uid, other.ical_uid}


def test_feed_url_renewal_kills_the_old_url(client, session, people, make_meeting, login) -> None:
    """The feed answers with its token; after renewal the old URL gives 404."""
    meeting = make_meeting(5)
    login(people.participant)
    assert client.get("/meetings/calendar").status_code == 200
    assert client.post("/meetings/calendar/renew").status_code == 302
    old = ical.existing_feed_token(session, people.participant).token
    response = client.get(f"/meetings/feed/{old}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    (event,) = _events(response.data)
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}")
    assert client.post("/meetings/calendar/renew").status_code == 302
    session.expire_all()
    new = ical.existing_feed_token(session, people.participant).token
    assert new != old
    client.post("/logout")
    assert client.get(f"/meetings/feed/{old}.ics").status_code == 404
    assert client.get(f"/meetings/feed/{new}.ics").status_code == 200
    assert client.get("/meetings/feed/not-a-token.ics").status_code == 404


def test_feed_of_a_deactivated_member_is_gone(client, session, people) -> None:
    """A deactivated member's feed token no longer works."""
    token = ical.feed_token(session, people.participant).token
    session.commit()
    assert client.get(f"/meetings/feed/{token}.ics").status_code == 200
    people.participant.active = False
    session.commit()
    assert client.get(f"/meetings/feed/{token}.ics").status_code == 404


def test_fast_feed_writer_matches_icalendar(session, people, make_meeting) -> None:
    """The feed's own writer gives the same event as the icalendar library (escaping, folding)."""
    title = "Møte; om bolig, økonomi og \\ skråstrek – " + "æøå" * 30
    meeting = make_meeting(
        5, title=title, address="Gate 1, 0123 Oslo", video_url="https://video.example/rom?id=1,2"
    )
    link = f"http://sirkel.test/c/{people.circle.slug}/meetings/{meeting.id}"
    (reference,) = _events(ical.meeting_ics(meeting, people.circle, link))
    feed = ical.member_feed(session, people.participant, lambda m: link)
    assert all(len(line) <= 75 for line in feed.split(b"\r\n"))
    (fast,) = _events(feed)
    for name in ("UID", "SUMMARY", "LOCATION", "URL", "DESCRIPTION", "SEQUENCE", "STATUS"):
        assert str(fast[name]) == str(reference[name]), name
    for name in ("DTSTART", "DTEND", "LAST-MODIFIED"):
        assert fast.decoded(name) == reference.decoded(name), name
    assert str(fast["SUMMARY"]).startswith("Møte; om bolig, økonomi og \\ skråstrek")
