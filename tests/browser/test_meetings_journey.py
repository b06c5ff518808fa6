"""The meetings journey in headless Chromium: from the template to approved minutes."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from circle.models import Role
from tests.browser.conftest import make_circle_with_people, sign_in, sign_out

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

LEADER = "ingrid.lund@test.example"
PARTICIPANT = "sara.nilsen@test.example"
REFERENCE = "lena.brekke@test.example"
NOTE = "Runden viste at overføringsmøtene kommer for sent."
CORRECTION = "Runden viste at overføringsmøtene ofte kommer for sent i året."


def test_meeting_from_template_to_approved_minutes(
    page: Page, new_page, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """Leader plans and invites; participant answers; minutes go through review to approval;
    the reference group sees the approved version and never the draft."""
    make_circle_with_people(
        live_app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT, REFERENCE: Role.REFERENCE}
    )
    base = f"{live_server}/c/overganger"

    # The leader creates a meeting from the template and sends the invitation.
    sign_in(page, live_server, LEADER)
    page.goto(f"{base}/meetings/new")
    page.get_by_label("Tittel").fill("Sirkelmøte om bolig")
    page.get_by_label("Start").fill("2031-05-02T10:00")
    page.get_by_label("Slutt").fill("2031-05-02T13:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sirkelmøte om bolig")
    expect(page.locator(".agenda-title").first).to_have_text("Refleksjon over arbeidet siden sist")
    meeting_url = page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Send innkalling").click()
    expect(page.locator(".flash-success")).to_have_text("Innkallingen er sendt.")
    sign_out(page)

    # The participant answers.
    participant = new_page()
    sign_in(participant, live_server, PARTICIPANT)
    participant.goto(meeting_url)
    participant.get_by_label("Jeg kommer").check()
    with participant.expect_navigation():
        participant.get_by_role("button", name="Send svar").click()
    expect(participant.locator(".flash-success")).to_have_text("Svaret ditt er registrert.")

    # The leader records attendance, writes the minutes and sends them for review.
    sign_in(page, live_server, LEADER)
    page.goto(meeting_url + "/attendance")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre oppmøte").click()
    page.goto(meeting_url + "/minutes/edit")
    page.locator("textarea[name^=notes-]").first.fill(NOTE)
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre referatet").click()
    page.goto(meeting_url + "/minutes")
    page.get_by_label("Frist for kommentarer").fill("2031-06-01T12:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Send til godkjenning").click()
    expect(page.locator(".flash-success")).to_have_text("Referatet er sendt til godkjenning.")

    # The reference group does not see the draft.
    reference = new_page()
    sign_in(reference, live_server, REFERENCE)
    response = reference.goto(meeting_url + "/minutes")
    assert response is not None and response.status == 404
    expect(reference.get_by_text(NOTE)).to_have_count(0)

    # The participant suggests a correction.
    participant.goto(meeting_url + "/minutes")
    expect(participant.get_by_text(NOTE)).to_be_visible()
    participant.get_by_label("Type").select_option("correction")
    participant.get_by_label("Gjelder punkt").select_option(index=1)
    participant.get_by_label("Foreslått tekst for notatene under punktet").fill(CORRECTION)
    with participant.expect_navigation():
        participant.get_by_role("button", name="Send").click()
    expect(participant.locator(".flash-success")).to_have_text("Kommentaren er registrert.")

    # The leader accepts it and approves.
    page.goto(meeting_url + "/minutes")
    page.get_by_label("Godta").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Registrer").click()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Godkjenn referatet").click()
    expect(page.locator(".flash-success")).to_have_text("Referatet er godkjent.")
    expect(page.locator("article.minutes")).to_contain_text(CORRECTION)

    # The reference group now reads the approved version.
    reference.goto(meeting_url + "/minutes")
    expect(reference.get_by_role("heading", level=1)).to_have_text(
        re.compile("Referat: Sirkelmøte om bolig")
    )
    expect(reference.locator("article.minutes")).to_contain_text(CORRECTION)
    expect(reference.get_by_text("Kommentarer og rettelser")).to_have_count(0)
    assert not [e for e in console_errors if "Content Security Policy" in e or "page error" in e], (
        console_errors
    )
