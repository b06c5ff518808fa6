"""Journeys that were broken for real users, walked in Chromium: a mention in a thread's first
post, page links on text reports, links a participant may open, threads on approved minutes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
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
REFERENCE = "lena.brekke@test.example"
CSP_WORDS = ("Content Security Policy", "Refused to", "page error")


def _clean(errors: list[str]) -> None:
    assert not [e for e in errors if any(w in e for w in CSP_WORDS)], errors


def _people(app: Flask) -> None:
    make_circle_with_people(
        app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT, REFERENCE: Role.REFERENCE}
    )


def _held_meetings(app: Flask, approve_first: bool) -> tuple[int, int]:
    """Create meeting 1 (held, minutes written) and meeting 2 (coming, approving 1's minutes)."""
    from meetings.services import attendance, minutes, workflow
    from meetings.services.meetings import create_meeting

    with app.app_context():
        circle = db.session.query(Circle).one()
        leader = db.session.query(Member).filter_by(email=LEADER).one()
        participant = db.session.query(Member).filter_by(email=PARTICIPANT).one()
        start = utcnow() - timedelta(days=7)
        first = create_meeting(
            db.session,
            circle,
            actor=leader,
            kind="circle",
            title="Møte om bolig",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
        attendance.record_attendance(
            db.session,
            first,
            circle,
            actor=leader,
            statuses={leader.id: "present", participant.id: "present"},
        )
        minutes.save_minutes(
            db.session,
            first,
            circle,
            actor=leader,
            expected_version=0,
            content={first.items[0].id: minutes.ItemContent("Runden var nyttig.")},
            evaluation="Godt møte.",
        )
        if approve_first:
            workflow.send_for_review(
                db.session, first, circle, actor=leader, deadline=utcnow() + timedelta(days=1)
            )
            workflow.approve_minutes(db.session, first, circle, actor=leader)
        later = utcnow() + timedelta(days=7)
        second = create_meeting(
            db.session,
            circle,
            actor=leader,
            kind="circle",
            title="Neste møte",
            starts_at=later,
            ends_at=later + timedelta(hours=3),
        )
        db.session.commit()
        return first.id, second.id


def test_a_mention_in_the_first_post_reaches_a_member_who_takes_only_mentions(
    page: Page, new_page, live_server: str, live_app: Flask, mailbox, console_errors: list[str]
) -> None:
    """The participant wants no e-mail but mentions; a thread started with @Sara Nilsen
    e-mails her, and her bell says she was mentioned."""
    _people(live_app)
    sara = new_page()
    sign_in(sara, live_server, PARTICIPANT)
    sara.goto(f"{live_server}/notifications/settings")
    sara.get_by_label("Standard for alle sirkler").select_option("off")
    with sara.expect_navigation():
        sara.get_by_role("button", name="Lagre").click()
    expect(sara.locator(".flash-success")).to_have_text("Varselinnstillingene er lagret.")

    sign_in(page, live_server, LEADER)
    page.goto(f"{live_server}/c/overganger/threads/new")
    page.get_by_label("Tittel").fill("Bolig før 18 år")
    page.get_by_label("Hvem ser tråden?").select_option("circle")
    page.get_by_label("Innlegg").fill("@Sara Nilsen, hvordan gjør dere det i bydelen?")
    mailbox.clear()
    with page.expect_navigation():
        page.get_by_role("button", name="Start tråden").click()
    expect(page.locator(".flash-success")).to_have_text("Tråden er startet.")

    mails = [m for m in mailbox if m["To"] == PARTICIPANT]
    assert len(mails) == 1 and "nevnte deg" in mails[0]["Subject"]
    sara.goto(f"{live_server}/")
    expect(sara.locator(".bell")).to_contain_text("1 uleste")
    sara.locator(".bell").click()
    expect(sara.locator(".notifications li").first).to_contain_text(
        "Ingrid Lund nevnte deg: Bolig før 18 år"
    )
    assert "startet en ny tråd" not in sara.locator(".notifications").inner_text()
    with sara.expect_navigation():
        sara.get_by_role("button", name="Bolig før 18 år").click()
    expect(sara.get_by_role("heading", level=1)).to_have_text("Bolig før 18 år")
    _clean(console_errors)


def test_page_links_on_a_text_report_open_the_page_as_text(
    page: Page, live_server: str, live_app: Flask, console_errors: list[str], tmp_path
) -> None:
    """ "s. 2" on a .txt hit opens page 2 in the browser with the words marked; no download."""
    _people(live_app)
    report = tmp_path / "notat om bolig.txt"
    report.write_text(
        "Innledning om tjenestene.\f"
        "Bostøtte og startlån hjelper unge inn i egen bolig.\f"
        "Til slutt om ettervern.",
        encoding="utf-8",
    )
    sign_in(page, live_server, PARTICIPANT)
    page.goto(f"{live_server}/c/overganger/library/upload")
    page.get_by_label("Filer (PDF, Word, tekst eller Markdown)").set_input_files(str(report))
    with page.expect_navigation():
        page.get_by_role("button", name="Last opp", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    sign_out(page)

    sign_in(page, live_server, REFERENCE)
    page.goto(f"{live_server}/c/overganger/library?q=startlån")
    hit = page.locator(".search-hit").first
    expect(hit.get_by_role("link", name="PDF")).to_have_count(0)  # a text file has no pages
    with page.expect_navigation() as nav:
        hit.get_by_role("link", name="s. 2").click()
    response = nav.value
    assert response is not None and response.headers["content-type"].startswith("text/html")
    assert re.search(r"/library/reports/\d+/pages/2\?q=startl", page.url), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Side 2 av 3")
    expect(page.locator("article.page-text mark")).to_have_text(["startlån"])
    expect(page.locator("article.page-text")).to_contain_text("Bostøtte og startlån hjelper")
    page.get_by_role("link", name="Neste side →").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Side 3 av 3")
    _clean(console_errors)


def test_a_participant_sees_only_links_they_may_open(
    page: Page, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """The next meeting's approval item names draft minutes without a link; every link on the
    meeting page opens for the participant."""
    _people(live_app)
    first_id, second_id = _held_meetings(live_app, approve_first=False)
    sign_in(page, live_server, PARTICIPANT)
    page.goto(f"{live_server}/c/overganger/meetings/{second_id}")
    approval = page.locator(".agenda-item").first
    expect(approval).to_contain_text("Referatet fra møte 1 (utkast, ikke godkjent ennå)")
    expect(approval.get_by_role("link", name="Referatet fra møte 1")).to_have_count(0)
    hrefs = page.eval_on_selector_all(
        "main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs
    for href in sorted(set(hrefs)):
        status = page.request.get(live_server + href.split("#")[0]).status
        assert status < 400, (href, status)
    _clean(console_errors)


def test_approved_minutes_are_discussed_from_the_minutes(
    page: Page, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """The reference group starts a thread from the approved minutes' page and finds it listed
    there; the participant sees it too."""
    _people(live_app)
    first_id, _second = _held_meetings(live_app, approve_first=True)
    minutes_url = f"{live_server}/c/overganger/meetings/{first_id}/minutes"
    sign_in(page, live_server, REFERENCE)
    page.goto(minutes_url)
    threads = page.locator("section.subject-threads")
    expect(threads.get_by_role("heading")).to_have_text("Tråder om referatet")
    expect(threads).to_contain_text("Ingen tråder om dette ennå.")
    threads.get_by_role("link", name="Start en tråd").click()
    expect(page.locator(".lead")).to_contain_text("Referat: Møte om bolig")
    page.get_by_label("Tittel").fill("Spørsmål om boligpunktet")
    page.get_by_label("Innlegg").fill("Hvem i NAV følger opp dette?")
    with page.expect_navigation():
        page.get_by_role("button", name="Start tråden").click()
    expect(page.get_by_role("link", name="Referat: Møte om bolig")).to_be_visible()
    page.goto(minutes_url)
    expect(threads.get_by_role("link", name="Spørsmål om boligpunktet")).to_be_visible()
    sign_out(page)
    sign_in(page, live_server, PARTICIPANT)
    page.goto(minutes_url)
    expect(
        page.locator("section.subject-threads").get_by_role("link", name="Spørsmål om boligpunktet")
    ).to_be_visible()
    _clean(console_errors)
