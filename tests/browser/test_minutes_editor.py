"""The minutes editor in Chromium: nothing typed is lost (tasks, leaving, autosave), and two
leaders saving at once still get the difference instead of an overwrite."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from circle.extensions import db
from circle.models import Circle, Member, Role, utcnow
from tests.browser.conftest import make_circle_with_people, sign_in

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

LEADER = "ingrid.lund@test.example"
LEADER2 = "henrik.aas@test.example"
PARTICIPANT = "sara.nilsen@test.example"


def _meeting(app: Flask) -> tuple[str, list[int]]:
    """Create a held meeting with attendance; return its editor URL path and its item ids."""
    from meetings.services.attendance import record_attendance
    from meetings.services.meetings import create_meeting

    make_circle_with_people(
        app, {LEADER: Role.LEADER, LEADER2: Role.LEADER, PARTICIPANT: Role.PARTICIPANT}
    )
    with app.app_context():
        circle = db.session.query(Circle).one()
        leader = db.session.query(Member).filter_by(email=LEADER).one()
        start = utcnow() - timedelta(days=2)
        meeting = create_meeting(
            db.session,
            circle,
            actor=leader,
            kind="circle",
            title="Sirkelmøte om bolig",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
        record_attendance(
            db.session,
            meeting,
            circle,
            actor=leader,
            statuses={m.member_id: "present" for m in circle.memberships},
        )
        db.session.commit()
        return f"/c/{circle.slug}/meetings/{meeting.id}/minutes/edit", [i.id for i in meeting.items]


def test_a_task_keeps_the_notes_and_autosave_keeps_the_rest(
    page: Page, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """Notes typed before adding a task survive it; later typing is autosaved; leaving with
    unsaved text asks first."""
    path, items = _meeting(live_app)
    sign_in(page, live_server, LEADER)
    page.goto(live_server + path)
    notes = page.locator(f"#notes-{items[1]}")
    notes.press_sequentially("Runden viste at overføringsmøtene kommer for sent.")
    page.get_by_label("Oppgave", exact=True).fill("Ringe boligkontoret")
    with page.expect_navigation():
        page.get_by_role("button", name="Legg til oppgave").click()
    expect(page.locator(".flash-success")).to_have_text("Referatet er lagret.")
    expect(notes).to_have_value("Runden viste at overføringsmøtene kommer for sent.")
    expect(page.locator("#actions")).to_contain_text("Ringe boligkontoret")

    # Unsaved text: leaving by a link asks first (beforeunload); staying keeps the text.
    dialogs: list[str] = []

    def dismiss(dialog) -> None:  # noqa: ANN001
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    evaluation = page.get_by_label("Kort evaluering av møtet")
    evaluation.press_sequentially("God balanse")
    page.get_by_role("link", name="Møter", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(path)))
    assert "beforeunload" in dialogs

    # The autosave saves it where it is; after it, a reload shows the text and nothing asks.
    expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"^Lagret kl\. \d\d:\d\d$"))
    dialogs.clear()
    page.reload()
    expect(page.get_by_label("Kort evaluering av møtet")).to_have_value("God balanse")
    assert dialogs == []
    assert not [e for e in console_errors if "Content Security Policy" in e or "page error" in e]


def test_per_item_save_and_a_conflict_with_another_leader(
    page: Page, new_page, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """ "Lagre" under an item saves without leaving the page; when another leader saved in
    between, the autosave says so and "Lagre" shows the difference (409), keeping the text."""
    path, items = _meeting(live_app)
    sign_in(page, live_server, LEADER)
    page.goto(live_server + path)
    first = page.locator(f"#notes-{items[0]}")
    first.press_sequentially("Lagret med knappen.")
    page.locator(f"#item-{items[0]}").get_by_role("button", name="Lagre").click()
    expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"^Lagret kl\."))
    assert page.url.endswith(path)  # no page load

    other = new_page()
    sign_in(other, live_server, LEADER2)
    other.goto(live_server + path)
    other.locator(f"#notes-{items[2]}").fill("Henrik skrev dette.")
    with other.expect_navigation():
        other.get_by_role("button", name="Lagre referatet").click()
    expect(other.locator(".flash-success")).to_have_text("Referatet er lagret.")

    page.locator(f"#notes-{items[3]}").press_sequentially("Ingrid skrev dette.")
    expect(page.locator("[data-save-status]")).to_contain_text("Noen andre har lagret referatet")
    response_codes: list[int] = []
    page.on("response", lambda r: response_codes.append(r.status) if r.url.endswith(path) else None)
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre referatet").click()
    assert response_codes[-1] == 409
    expect(page.get_by_role("heading", name="Lagringskonflikt")).to_be_visible()
    expect(page.locator("table.diff")).to_contain_text("Henrik skrev dette.")
    expect(page.locator(f"#notes-{items[3]}")).to_have_value("Ingrid skrev dette.")
    assert not [e for e in console_errors if "Content Security Policy" in e or "page error" in e]
