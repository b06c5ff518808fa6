"""Journey in headless Chromium at phone width: a reference-group member replies deep in a
nested thread, picks a mention from the @ list, previews the post, then publishes it."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from circle.extensions import db
from circle.models import Circle, Member, Role
from circle.threads.models import Audience, Post
from circle.threads.services import following
from circle.threads.services.posts import add_post
from circle.threads.services.threads import create_thread
from tests.browser.conftest import make_circle_with_people, sign_in
from tests.threads.factories import big_thread

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

LEADER = "ingrid.lund@test.example"
PARTICIPANT = "sara.nilsen@test.example"
REFERENCE = "lena.brekke@test.example"
WIDEST = "() => document.documentElement.scrollWidth"


def _nested_thread(app: Flask, ids: dict[str, int]) -> tuple[int, int]:
    """A reference-group thread three levels deep; return (thread id, deepest post id)."""
    with app.app_context():
        leader, participant = (
            db.session.get(Member, ids[LEADER]),
            db.session.get(Member, ids[PARTICIPANT]),
        )

        circle = db.session.get(Circle, ids["circle"])
        thread = create_thread(
            db.session,
            circle,
            actor=leader,
            title="Når ungdommen flytter for seg selv",
            body="Hva gjør dere når en ungdom får egen leilighet?",
            audience=Audience.REFERENCE,
        )
        first = add_post(db.session, thread, actor=participant, body="Vi lager en **boplan**.")
        second = add_post(db.session, thread, actor=leader, body="Hvem eier planen?", parent=first)
        third = add_post(
            db.session, thread, actor=participant, body="Ungdommen selv.", parent=second
        )
        db.session.commit()
        return thread.id, third.id


def test_reference_member_replies_with_mention_and_preview(
    page: Page,
    live_server: str,
    live_app: Flask,
    console_errors: list[str],
) -> None:
    """Reply at level three with a picked mention, preview, publish; the page fits 390 px."""
    ids = make_circle_with_people(
        live_app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT, REFERENCE: Role.REFERENCE}
    )
    thread_id, deepest = _nested_thread(live_app, ids)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, REFERENCE)
    page.goto(f"{live_server}/c/overganger/threads/{thread_id}")
    expect(page.locator(f"#post-{deepest}.depth-3")).to_be_visible()
    assert page.evaluate(WIDEST) <= 390

    page.locator(f"#post-{deepest} .post-actions").get_by_role("link", name="Svar").click()
    box = page.get_by_label("Innlegg")
    box.click()
    box.press_sequentially("Takk, @Sa")
    option = page.get_by_role("option", name="Sara Nilsen")
    expect(option).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("Takk, @Sara Nilsen ")
    box.press_sequentially("– det stemmer med vår erfaring.")

    page.get_by_role("button", name="Forhåndsvis").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Takk, @Sara Nilsen")
    link = preview.get_by_role("link", name="@Sara Nilsen")
    expect(link).to_have_attribute("href", f"/c/overganger/members#member-{ids[PARTICIPANT]}")
    expect(page.get_by_label("Innlegg")).to_have_value(
        "Takk, @Sara Nilsen – det stemmer med vår erfaring."
    )

    page.get_by_role("button", name="Publiser").click()
    expect(page.get_by_text("Innlegget er publisert.")).to_be_visible()
    with live_app.app_context():
        reply = db.session.query(Post).order_by(Post.id.desc()).first()
        assert reply.depth == 3 and reply.author_id == ids[REFERENCE]
        reply_id = reply.id
    mention = page.locator(f"#post-{reply_id}-body").get_by_role("link", name="@Sara Nilsen")
    expect(mention).to_be_visible()
    assert page.evaluate(WIDEST) <= 390
    assert not console_errors, console_errors


def test_long_thread_pages_on_a_phone_and_the_new_posts_link_finds_its_page(
    page: Page,
    live_server: str,
    live_app: Flask,
    console_errors: list[str],
) -> None:
    """A thread of 200 posts on a phone: pages with a pager that fits 390 px; "Neste" turns
    the page; the banner of new posts on the last page leads to the early branch answered."""
    ids = make_circle_with_people(
        live_app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT, REFERENCE: Role.REFERENCE}
    )
    with live_app.app_context():
        members = [db.session.get(Member, ids[e]) for e in (LEADER, PARTICIPANT, REFERENCE)]
        circle = db.session.get(Circle, ids["circle"])
        thread = big_thread(db.session, circle, members, 200)
        following.mark_read(db.session, members[2], thread, thread.last_post_id)
        first_root = db.session.scalars(
            select(Post).where(Post.thread_id == thread.id, Post.depth == 1).order_by(Post.id)
        ).first()
        early = add_post(
            db.session, thread, actor=members[0], body="Et sent svar.", parent=first_root
        )
        db.session.commit()
        thread_id, early_id = thread.id, early.id
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, REFERENCE)
    page.goto(f"{live_server}/c/overganger/threads/{thread_id}?page=3")
    pager = page.get_by_role("navigation", name="Sider i tråden", exact=True)
    expect(pager).to_contain_text("Side 3 av 3")
    assert page.evaluate(WIDEST) <= 390
    page.get_by_role("link", name="1 nye innlegg siden du sist var her").click()
    expect(page.locator(f"#post-{early_id}")).to_be_visible()
    expect(pager).to_contain_text("Side 1 av 3")
    pager.get_by_role("link", name="Neste").click()
    expect(pager).to_contain_text("Side 2 av 3")
    box = pager.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate(WIDEST) <= 390
    assert not console_errors, console_errors
