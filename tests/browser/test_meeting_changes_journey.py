"""In headless Chromium: a leader moves one meeting and cancels another, and the participant's
calendar feed (read back with vobject) shows both; the participant attaches slides to an
agenda item. The new pages fit a phone (390 px)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import vobject
from flask import Flask

from circle.extensions import db
from circle.models import Circle, Member, Role, utcnow
from tests.browser.conftest import make_circle_with_people, sign_in, sign_out

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

LEADER = "ingrid.lund@test.example"
PARTICIPANT = "sara.nilsen@test.example"
WIDE = "(w) => document.documentElement.scrollWidth <= w"


def _two_invited_meetings(app: Flask) -> tuple[int, int, str, str]:
    from meetings.services.attendance import send_invitation
    from meetings.services.meetings import create_meeting

    with app.app_context():
        circle = db.session.query(Circle).one()
        leader = db.session.query(Member).filter_by(email=LEADER).one()
        made = []
        for days, title in ((20, "Møtet som flyttes"), (34, "Møtet som avlyses")):
            start = (utcnow() + timedelta(days=days)).replace(hour=9, minute=0, second=0)
            meeting = create_meeting(
                db.session,
                circle,
                actor=leader,
                kind="circle",
                title=title,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                place="Høgskolen",
            )
            send_invitation(db.session, meeting, circle, actor=leader)
            made.append(meeting)
        db.session.commit()
        return made[0].id, made[1].id, made[0].ical_uid, made[1].ical_uid


def test_move_cancel_feed_and_slides(
    page: Page, new_page, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """Move, cancel, the feed after both, and slides on an agenda item, at phone width."""
    make_circle_with_people(live_app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT})
    moved_id, cancelled_id, moved_uid, cancelled_uid = _two_invited_meetings(live_app)
    base = f"{live_server}/c/overganger/meetings"

    # The participant subscribes to the calendar before anything changes.
    participant = new_page()
    sign_in(participant, live_server, PARTICIPANT)
    participant.goto(f"{live_server}/meetings/calendar")
    with participant.expect_navigation():
        participant.get_by_role("button", name="Lag kalenderlenke").click()
    feed_url = participant.locator("#feed-url").input_value()

    def feed() -> dict:
        body = participant.request.get(feed_url).text()
        calendar = vobject.readOne(body)
        return {e.uid.value.split("@")[0]: e for e in calendar.contents["vevent"]}

    before = feed()

    # The leader moves the first meeting (on a phone-wide window) ...
    sign_in(page, live_server, LEADER)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/{moved_id}")
    page.get_by_role("link", name="Flytt", exact=True).click()
    assert page.evaluate(WIDE, 390)
    page.get_by_label("Ny start").fill("2031-05-06T12:00")
    page.get_by_label("Ny slutt").fill("2031-05-06T14:00")
    page.get_by_label("Sted").fill("Bydelshuset Nord")
    with page.expect_navigation():
        page.get_by_role("button", name="Flytt møtet").click()
    expect(page.locator(".flash-success")).to_contain_text("Møtet er flyttet.")
    expect(page.locator(".meeting-moved")).to_contain_text("Tidligere sted: Høgskolen.")
    assert page.evaluate(WIDE, 390)

    # ... and cancels the second.
    page.goto(f"{base}/{cancelled_id}")
    page.get_by_role("link", name="Avlys", exact=True).click()
    assert page.evaluate(WIDE, 390)
    page.get_by_label("Begrunnelse (valgfritt)").fill("For mange har meldt forfall.")
    with page.expect_navigation():
        page.get_by_role("button", name="Avlys møtet").click()
    expect(page.locator(".meeting-cancelled")).to_contain_text("For mange har meldt forfall.")
    page.goto(f"{base}/reminders")
    assert page.evaluate(WIDE, 390)
    sign_out(page)

    # The participant's feed shows both changes under the same UIDs.
    after = feed()
    moved, cancelled = after[moved_uid], after[cancelled_uid]
    assert moved.dtstart.value.isoformat().startswith("2031-05-06T10:00")  # 12:00 in Oslo
    assert moved.location.value == "Bydelshuset Nord"
    assert int(moved.sequence.value) == int(before[moved_uid].sequence.value) + 1
    assert cancelled.status.value == "CANCELLED"
    assert int(cancelled.sequence.value) == int(before[cancelled_uid].sequence.value) + 1

    # The participant attaches slides to an agenda item of the moved meeting.
    participant.set_viewport_size({"width": 390, "height": 844})
    participant.goto(f"{base}/{moved_id}")
    expect(participant.locator(".meeting-moved")).to_be_visible()
    participant.get_by_label("Til punkt").select_option(index=1)
    participant.get_by_label("Fil").set_input_files(
        files=[{"name": "lysark.txt", "mimeType": "text/plain", "buffer": b"Lysark\n"}]
    )
    with participant.expect_navigation():
        participant.get_by_role("button", name="Last opp").click()
    expect(participant.locator(".flash-success")).to_contain_text("Filen er lastet opp")
    expect(participant.locator(".materials")).to_contain_text("lysark.txt")
    assert participant.evaluate(WIDE, 390)
    participant.goto(f"{base}/{cancelled_id}")
    expect(participant.locator(".meeting-cancelled")).to_be_visible()
    expect(participant.get_by_role("button", name="Send svar")).to_have_count(0)
    assert not [e for e in console_errors if "Content Security Policy" in e or "page error" in e], (
        console_errors
    )
