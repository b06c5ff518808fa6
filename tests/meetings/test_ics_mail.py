"""The .ics attached to invitations, read by a strict mail parser and vobject (RFC 6047)."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import vobject


def _strict_calendar_part(message):  # noqa: ANN001, ANN202
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.strict)
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return part


def _read(part):  # noqa: ANN001, ANN202
    # get_content() decodes with the charset the header declares, as a strict reader does.
    return vobject.readOne(part.get_content())


def test_invitation_ics_declares_charset_and_method_and_keeps_the_name(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """charset=utf-8 and method=PUBLISH on the part; "oppfølging" intact; a new time is a move:
    the mail says "moved" (METHOD:REQUEST) while the event keeps its name and raises SEQUENCE."""
    meeting = make_meeting(5, title="Møte om oppfølging")
    meeting.place = "Grünerløkka bydelshus"
    session.commit()
    login_as(people.leader)
    assert client.post(f"/c/{people.circle.slug}/meetings/{meeting.id}/invite").status_code == 302
    part = _strict_calendar_part(mailbox[0])
    assert part.get_content_charset() == "utf-8"
    assert part.get_param("method") == "PUBLISH"
    calendar = _read(part)
    assert calendar.method.value == part.get_param("method")
    event = calendar.vevent
    name = f"Møte om oppfølging ({people.circle.name})"
    assert event.summary.value == name
    assert event.location.value == "Grünerløkka bydelshus"
    first_sequence = int(event.sequence.value)

    mailbox.clear()
    starts = meeting.starts_at + timedelta(hours=1)
    meeting_form = {
        "kind": "circle",
        "title": meeting.title,
        "starts_at": starts.astimezone().strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).astimezone().strftime("%Y-%m-%dT%H:%M"),
        "place": "Grünerløkka bydelshus",
        "host_unit_id": "0",
    }
    client.post(f"/c/{people.circle.slug}/meetings/{meeting.id}/edit", data=meeting_form)
    assert mailbox, "a change notice is sent"
    notice = email.message_from_bytes(mailbox[0].as_bytes(), policy=email.policy.strict)
    assert notice["Subject"].startswith("Flyttet: ")
    assert _strict_calendar_part(mailbox[0]).get_param("method") == "REQUEST"
    changed = _read(_strict_calendar_part(mailbox[0])).vevent
    assert changed.summary.value == name
    assert int(changed.sequence.value) > first_sequence
