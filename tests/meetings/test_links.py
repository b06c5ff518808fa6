"""Pre-reading and video links: only http(s) URLs and same-site paths become links."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from circle.errors import DomainError
from meetings.models import AgendaItem, AgendaReading, Meeting
from meetings.services import agenda

BAD_LINKS = [
    "/\\evil.example",
    "//evil.example/x",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "http:/\\evil.example",
    "https:\\\\evil.example",
    "data:text/html,<script>x</script>",
    "vbscript:msgbox",
    "https://",
    "\\\\evil.example\\share",
]


@pytest.mark.parametrize("link", BAD_LINKS)
def test_unsafe_reading_links_are_refused(link: str) -> None:
    for line in (link, f"Les dette | {link}"):
        with pytest.raises(DomainError, match="nettadresse"):
            agenda.parse_readings(line)


def test_safe_links_and_plain_titles_are_kept() -> None:
    readings = agenda.parse_readings(
        "NOVA | https://www.nova.no/r.pdf\nLokal | /c/x/library/reports/7\nBare en tittel\n"
        "Kapittel: om bolig | http://example.org/a?b=1"
    )
    assert [(r.title, r.url) for r in readings] == [
        ("NOVA", "https://www.nova.no/r.pdf"),
        ("Lokal", "/c/x/library/reports/7"),
        ("Bare en tittel", ""),
        ("Kapittel: om bolig", "http://example.org/a?b=1"),
    ]


def _agenda_url(meeting: Meeting, suffix: str = "") -> str:
    return f"/c/{meeting.circle.slug}/meetings/{meeting.id}{suffix}"


def test_the_agenda_form_refuses_an_unsafe_link_and_keeps_nothing(
    client, session, people, make_meeting, login_as
) -> None:
    meeting = make_meeting(5)
    before = len(meeting.items)
    login_as(people.leader)
    response = client.post(
        _agenda_url(meeting, "/agenda"),
        data={
            "title": "Les før møtet",
            "kind": "discussion",
            "parent_id": "0",
            "minutes_planned": "10",
            "readings": "Rapport | /\\evil.example",
        },
        follow_redirects=True,
    )
    assert "nettadresse" in response.get_data(as_text=True)
    session.expire_all()
    assert len(session.get(Meeting, meeting.id).items) == before
    assert session.scalar(select(AgendaReading)) is None


def test_existing_unsafe_links_are_shown_as_text(
    client, session, people, make_meeting, login_as
) -> None:
    meeting = make_meeting(5, video_url="https://video.example/rom")
    item = session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    for position, url in enumerate(
        ["javascript:alert(1)", "/\\evil.example", "https://ok.example"]
    ):
        session.add(
            AgendaReading(item_id=item.id, position=position, title=f"Lesing {position}", url=url)
        )
    meeting.video_url = "javascript:alert(2)"
    session.commit()
    login_as(people.participant)
    page = client.get(_agenda_url(meeting)).get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [h for h in hrefs if "javascript" in h.lower() or "evil" in h]
    assert "https://ok.example" in hrefs
    assert "Lesing 0" in page and "Lesing 1" in page
    assert "javascript:alert(2)" in page  # shown as text, not as a link


@pytest.mark.parametrize("link", ["javascript:alert(1)", "http:/\\evil", "/sti/på/nettstedet"])
def test_the_video_link_must_be_an_absolute_web_address(
    client, session, people, make_meeting, login_as, link: str
) -> None:
    meeting = make_meeting(5)
    login_as(people.leader)
    response = client.post(
        _agenda_url(meeting, "/edit"),
        data={
            "kind": "circle",
            "title": meeting.title,
            "starts_at": "2031-10-01T10:00",
            "ends_at": "2031-10-01T12:00",
            "host_unit_id": "0",
            "video_url": link,
        },
        follow_redirects=True,
    )
    assert "Videolenken må begynne med https://" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Meeting, meeting.id).video_url == ""
