"""Every iCalendar field escaped: random text read back by vobject with the same values."""

from __future__ import annotations

import vobject
from hypothesis import HealthCheck, given, settings

from meetings.services import ical
from tests.nasty_text import NASTY


def _normal(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=NASTY, place=NASTY, address=NASTY, circle_name=NASTY, video=NASTY)
def test_feed_and_ics_have_exactly_their_properties(
    session, people, make_meeting, title, place, address, circle_name, video
) -> None:
    """SUMMARY, LOCATION, DESCRIPTION and the calendar name cannot add a line or a property."""
    from sqlalchemy import update

    from circle.models import Circle
    from meetings.models import Meeting

    meeting = make_meeting(5)
    # Written past the input guard (which refuses line breaks in these fields), as older data
    # or another program could have: the exports must stay whole whatever is stored.
    connection = session.connection()
    connection.execute(
        update(Meeting.__table__)
        .where(Meeting.__table__.c.id == meeting.id)
        .values(title=title or "m", place=place, address=address, video_url=video)
    )
    connection.execute(
        update(Circle.__table__)
        .where(Circle.__table__.c.id == people.circle.id)
        .values(name=circle_name or "c")
    )
    session.expire_all()
    link = f"http://sirkel.test/c/{people.circle.slug}/meetings/{meeting.id}"
    location = ", ".join(p for p in (place, address) if p)
    description = link + (f"\nVideo: {video}" if video else "")
    feed = ical.member_feed(session, people.participant, lambda m: link).decode()
    single = ical.meeting_ics(meeting, people.circle, link).decode()
    for text in (feed, single):
        calendar = vobject.readOne(text)
        events = list(calendar.vevent_list)
        mine = [e for e in events if e.uid.value.startswith(meeting.ical_uid)]
        assert len(mine) == 1
        event = mine[0]
        expected = {"uid", "dtstamp", "dtstart", "dtend", "sequence", "summary", "url"}
        expected |= {"description", "last-modified", "status"}
        expected |= {"location"} if location else set()
        assert set(event.contents) == expected
        assert event.summary.value == _normal(f"{meeting.title} ({people.circle.name})")
        assert event.description.value == _normal(description)
        if location:
            assert event.location.value == _normal(location)
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    session.rollback()
