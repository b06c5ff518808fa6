"""Journey in headless Chromium: a status update for the reference group, comments, a mention,
the unread marker and e-mail link, and the leader's resolution."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from circle.models import Role
from circle.threads.subjects import (
    FeedItem,
    Subject,
    register_reference_feed,
    register_subject_kind,
)
from tests.browser.conftest import make_circle_with_people, sign_in, sign_out

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

LEADER = "ingrid.lund@test.example"
PARTICIPANT = "sara.nilsen@test.example"
REFERENCE = "lena.brekke@test.example"
COMMENT = "Hvordan blir ungdommene selv spurt underveis?"


def _share_approved_minutes(app: Flask, circle_id: int) -> None:
    """Stand in for the meetings area: approved minutes as a subject kind and a feed item."""
    everyone = frozenset({"leader", "participant", "reference", "unit_leader"})
    register_subject_kind(
        app,
        "journey_minutes",
        lambda session, i: (
            Subject(
                kind="journey_minutes",
                id=i,
                circle_id=circle_id,
                title="Referat fra møte 3",
                url="/c/overganger",
                audience_ok=everyone,
            )
            if i == 3
            else None
        ),
    )
    register_reference_feed(
        app,
        lambda session, circle: [
            FeedItem(
                title="Referat fra møte 3",
                url="/c/overganger",
                date=None,
                kind="journey_minutes",
                id=3,
            )
        ],
    )


def test_status_update_comment_mention_and_resolution(
    page: Page,
    live_server: str,
    live_app: Flask,
    mailbox,
    console_errors: list[str],  # noqa: ANN001
) -> None:
    """Leader shares, reference member comments, participant mentions, leader resolves."""
    ids = make_circle_with_people(
        live_app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT, REFERENCE: Role.REFERENCE}
    )
    _share_approved_minutes(live_app, ids["circle"])

    sign_in(page, live_server, LEADER)
    page.goto(f"{live_server}/c/overganger/reference")
    page.get_by_role("link", name="Ny statusoppdatering").click()
    page.get_by_label("Tittel").fill("Status etter møte 3")
    page.get_by_label("Tekst").fill("Prosjektene er i gang i alle fire enheter.")
    page.get_by_label("Referat fra møte 3").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Publiser").click()
    expect(page.get_by_role("link", name="Referat fra møte 3")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, REFERENCE)
    page.goto(f"{live_server}/c/overganger/reference")
    page.get_by_role("link", name="Status etter møte 3").click()
    page.get_by_role("link", name=re.compile("Kommentarer")).click()
    page.get_by_label("Ditt innlegg").fill(COMMENT)
    with page.expect_navigation():
        page.get_by_role("button", name="Publiser").click()
    expect(page.locator(".post-body").first).to_contain_text(COMMENT)
    thread_url = page.url.split("#")[0]
    sign_out(page)

    sign_in(page, live_server, PARTICIPANT)
    page.goto(thread_url)
    page.get_by_role("link", name="Svar", exact=True).first.click()
    page.get_by_label("Ditt innlegg").fill("@Lena Brekke Med en kort samtaleguide.")
    mailbox.clear()
    with page.expect_navigation():
        page.get_by_role("button", name="Publiser").click()
    expect(page.locator(".replies .post-body")).to_contain_text("samtaleguide")
    sign_out(page)

    mail = next(m for m in mailbox if m["To"] == REFERENCE)
    body = mail.get_payload(decode=True).decode()
    assert "samtaleguide" not in body and COMMENT not in body
    link = re.search(rf"{re.escape(live_server)}/c/overganger/threads/\d+\?post=\d+#post-\d+", body)
    assert link, body

    sign_in(page, live_server, REFERENCE)
    expect(page.locator(".bell")).to_contain_text("1 uleste")
    page.goto(link.group(0))
    expect(page.locator(".post.is-new")).to_contain_text("samtaleguide")
    expect(page.locator(".post.is-new .badge.new")).to_have_text("Ny")
    sign_out(page)

    sign_in(page, live_server, LEADER)
    page.goto(thread_url)
    page.get_by_label("Hvordan ble innspillene brukt?").fill(
        "Samtaleguiden er tatt inn i prosjektplanen."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre og marker som besvart").click()
    expect(page.locator(".resolution")).to_contain_text("tatt inn i prosjektplanen")
    expect(page.locator(".badge", has_text="Besvart")).to_be_visible()
    assert console_errors == []
