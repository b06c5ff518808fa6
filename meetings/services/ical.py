"""iCalendar: one meeting as .ics, and a member's feed behind a renewable secret token."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from circle.contentlines import content_lines, escape_text
from circle.models import Circle, Member, Membership, new_token, utcnow
from meetings.models import FeedToken, Meeting
from meetings.permissions import VIEWERS

PRODID = "-//Forskningssirkel//Møter//NO"
METHOD = "PUBLISH"
ICS_TYPE = "text/calendar; charset=utf-8"
# As an e-mail attachment the method is part of the type (RFC 6047 2.4).
ICS_MAIL_TYPE = f"{ICS_TYPE}; method={METHOD}"
# A moved meeting is sent as an updated request, a cancelled one as a cancellation (RFC 5546).
REQUEST, CANCEL = "REQUEST", "CANCEL"
UID_DOMAIN = "forskningssirkel"
FEED_NAME = "Forskningssirkel – møter"

# link(meeting) -> absolute URL of the meeting page
LinkFor = Callable[[Meeting], str]


def _location(meeting: Meeting) -> str:
    parts = [p for p in (meeting.place, meeting.address) if p]
    return ", ".join(parts)


def _event(meeting: Meeting, circle_name: str, link: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{meeting.ical_uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("sequence", meeting.ical_sequence)
    # The event keeps its name when it changes: the e-mail says "changed", SEQUENCE tells
    # the calendar, and a calendar would keep a "Changed:" prefix as the title.
    event.add("summary", f"{meeting.title} ({circle_name})")
    location = _location(meeting)
    if location:
        event.add("location", location)
    event.add("url", link)
    # Only the link in the description: the agenda itself stays on the site.
    lines = [link]
    if meeting.video_url:
        lines.append(f"Video: {meeting.video_url}")
    event.add("description", "\n".join(lines))
    event.add("last-modified", meeting.updated_at or stamp)
    event.add("status", status(meeting))
    return event


def status(meeting: Meeting) -> str:
    """Return the event's STATUS: CANCELLED once the meeting is cancelled."""
    return "CANCELLED" if meeting.cancelled_at is not None else "CONFIRMED"


def mail_type(method: str) -> str:
    """Return the attachment's content type for a calendar object with this METHOD."""
    return f"{ICS_TYPE}; method={method}"


def _calendar(name: str | None = None, method: str = METHOD) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def meeting_ics(
    meeting: Meeting,
    circle: Circle,
    link: str,
    *,
    now: datetime | None = None,
    method: str = METHOD,
    organizer: str = "",
    attendee: str = "",
) -> bytes:
    """Return one meeting as an .ics file (also the e-mail attachment).

    With method REQUEST or CANCEL (a moved or cancelled meeting sent by e-mail) the event
    names its organizer and the attendee, as RFC 5546 asks of a scheduling message."""
    calendar = _calendar(method=method)
    event = _event(meeting, circle.name, link, now or utcnow())
    if organizer:
        event.add("organizer", f"mailto:{organizer}")
    if attendee:
        event.add("attendee", f"mailto:{attendee}")
    calendar.add_component(event)
    return calendar.to_ical()


def existing_feed_token(session: Session, member: Member) -> FeedToken | None:
    """Return the member's feed token, if one was made."""
    return session.scalar(select(FeedToken).where(FeedToken.member_id == member.id))


def feed_token(session: Session, member: Member) -> FeedToken:
    """Return the member's feed token, creating one the first time."""
    token = existing_feed_token(session, member)
    if token is None:
        token = FeedToken(member_id=member.id)
        session.add(token)
        session.flush()
    return token


def renew_feed_token(session: Session, member: Member) -> FeedToken:
    """Replace the member's feed token: the old URL stops working at once."""
    token = feed_token(session, member)
    token.token, token.created_at = new_token(), utcnow()
    session.flush()
    return token


def end_feed_token(session: Session, member: Member) -> None:
    """Delete a member's feed token (on deactivation): the old URL never works again."""
    session.execute(delete(FeedToken).where(FeedToken.member_id == member.id))


def member_for_token(session: Session, token: str) -> Member | None:
    """Return the active member whose feed token this is."""
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(Member)
        .join(FeedToken, FeedToken.member_id == Member.id)
        .where(FeedToken.token == token, Member.active.is_(True))
        .options(selectinload(Member.memberships))
    )


def visible_meetings(session: Session, member: Member) -> list[tuple[Meeting, Circle]]:
    """Return the meetings the member may see in all their circles, with one query each."""
    memberships = list(
        session.scalars(
            select(Membership)
            .where(Membership.member_id == member.id)
            .options(selectinload(Membership.circle))
        )
    )
    result: list[tuple[Meeting, Circle]] = []
    by_circle = {m.circle_id: m for m in memberships}
    if not by_circle:
        return result
    rows = session.scalars(
        select(Meeting).where(Meeting.circle_id.in_(by_circle)).order_by(Meeting.starts_at)
    )
    for meeting in rows:
        membership = by_circle[meeting.circle_id]
        if membership.role in VIEWERS[meeting.kind]:
            result.append((meeting, membership.circle))
    return result


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): semicolons too, and every line break."""
    return escape_text(value, component=True)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _uri(value: str) -> str:
    # A URI value is not TEXT: nothing to escape, but it can never hold a line break.
    return re.sub(r"\s", "", value)


def _feed_event(meeting: Meeting, circle_name: str, link: str, stamp: str) -> list[str]:
    """Return one VEVENT's lines: the same properties as _event, written directly (fast)."""
    description = link + (f"\nVideo: {meeting.video_url}" if meeting.video_url else "")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{meeting.ical_uid}@{UID_DOMAIN}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SEQUENCE:{meeting.ical_sequence}",
        f"SUMMARY:{_text(f'{meeting.title} ({circle_name})')}",
    ]
    location = _location(meeting)
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    lines += [
        f"URL:{_uri(link)}",
        f"DESCRIPTION:{_text(description)}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at or meeting.created_at)}",
        f"STATUS:{status(meeting)}",
        "END:VEVENT",
    ]
    return lines


def member_feed(session: Session, member: Member, link: LinkFor, now: Any = None) -> bytes:
    """Return the member's calendar feed: only meetings they may see.

    Written line by line rather than through the icalendar library, which is an order of
    magnitude slower for hundreds of events; the tests parse the result with icalendar."""
    stamp = _utc(now or utcnow())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{METHOD}",
        f"X-WR-CALNAME:{_text(FEED_NAME)}",
    ]
    for meeting, circle in visible_meetings(session, member):
        lines.extend(_feed_event(meeting, circle.name, link(meeting), stamp))
    lines.append("END:VCALENDAR")
    return content_lines(lines).encode()
