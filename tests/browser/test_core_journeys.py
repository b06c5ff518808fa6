"""End-to-end journeys of the core in headless Chromium: sign-in, invitation, theme vote."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import Message

import pytest
from flask import Flask
from sqlalchemy import select

from circle.extensions import db
from circle.models import Circle, Member, Membership, Role
from circle.themes import services as themes
from tests.browser.conftest import make_circle_with_people, sign_in, sign_out
from tests.conftest import PASSWORD

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

LEADER = "ingrid.lund@test.example"
PARTICIPANT = "sara.nilsen@test.example"
WRONG_LOGIN = "Feil e-post eller passord."
CSP_WORDS = ("Content Security Policy", "Refused to")


def _assert_clean_console(errors: list[str], allowed: tuple[str, ...] = ()) -> None:
    """No console errors and no CSP violations, except explicitly expected ones."""
    unexpected = [e for e in errors if not any(a in e for a in allowed)]
    assert not [e for e in errors if any(w in e for w in CSP_WORDS)], errors
    assert unexpected == [], unexpected


def test_sign_in_and_out(
    page: Page, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """Wrong password and unknown e-mail get one message; the right one lands on Mine sirkler."""
    make_circle_with_people(live_app, {LEADER: Role.LEADER})

    sign_in(page, live_server, LEADER, "ikke-riktig-passord")
    expect(page.locator("#password-err")).to_have_text(WRONG_LOGIN)
    expect(page.get_by_label("Passord", exact=True)).to_have_attribute("aria-invalid", "true")
    sign_in(page, live_server, "finnes.ikke@test.example", "ikke-riktig-passord")
    expect(page.locator("#password-err")).to_have_text(WRONG_LOGIN)

    sign_in(page, live_server, LEADER, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine sirkler")
    expect(page.get_by_role("link", name="Overganger til voksenlivet")).to_be_visible()
    expect(page.get_by_role("link", name="Mine sirkler")).to_have_attribute("aria-current", "page")

    sign_out(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    expect(page.locator(".flash")).to_have_text("Du er logget ut.")
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login\?next=(%2F|/)$"))
    # The login page answers 401 on a failed attempt; Chromium logs that status as a console error.
    _assert_clean_console(console_errors, allowed=("status of 401",))


def _invitation_link(mailbox: list[Message], to: str) -> str:
    """Return the invitation link from the single mail sent to this address."""
    mails = [m for m in mailbox if m["To"] == to]
    assert len(mails) == 1, [m["Subject"] for m in mailbox]
    assert mails[0]["Subject"] == "Invitasjon til Overganger til voksenlivet"
    body = mails[0].get_payload(decode=True).decode("utf-8")
    match = re.search(r"http://127\.0\.0\.1:\d+/invitation/\S+", body)
    assert match is not None, body
    return match.group(0)


def test_invited_member_sets_password_and_signs_in(
    page: Page,
    new_page: Callable[[], Page],
    live_server: str,
    live_app: Flask,
    mailbox: list[Message],
    console_errors: list[str],
) -> None:
    """A leader invites; the invitee follows the e-mailed link, joins, and signs in again."""
    make_circle_with_people(live_app, {LEADER: Role.LEADER})
    newcomer = "marte.berg@test.example"
    new_password = "Fjordlys-og-sommerregn-42"

    sign_in(page, live_server, LEADER)
    page.goto(f"{live_server}/c/overganger/members")
    page.get_by_role("link", name="Inviter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitasjoner")
    page.get_by_label("E-post").fill(newcomer)
    page.get_by_label("Rolle").select_option(label="Deltaker")
    page.get_by_label("Enhet").select_option(label="Bydel Nord")
    page.get_by_label("Tjenestested").select_option(label="Bydel Nord: NAV Nord")
    page.get_by_role("button", name="Send invitasjon").click()
    expect(page.locator(".flash-success")).to_have_text(f"Invitasjonen er sendt til {newcomer}.")
    expect(page.get_by_role("cell", name=newcomer)).to_be_visible()

    link = _invitation_link(mailbox, newcomer)
    invitee = new_page()  # a fresh browser context: no cookies from the leader
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text(
        "Bli med i Overganger til voksenlivet"
    )
    invitee.get_by_label("Navn").fill("Marte Berg")
    invitee.get_by_label("Stilling").fill("Kontaktperson ettervern")
    invitee.get_by_label("Velg passord").fill(new_password)
    invitee.get_by_label("Gjenta passordet").fill(new_password)
    invitee.get_by_role("button", name="Opprett konto og bli med").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Overganger til voksenlivet")
    expect(invitee.locator(".flash-success")).to_contain_text("Velkommen!")
    expect(invitee.get_by_role("link", name="Marte Berg")).to_be_visible()

    sign_out(invitee)
    invitee.goto(link)  # the link is single-use
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Invitasjonen virker ikke")
    sign_in(invitee, live_server, newcomer, new_password)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Mine sirkler")
    invitee.get_by_role("link", name="Overganger til voksenlivet").click()
    invitee.get_by_role("navigation", name="Sirkelmeny").get_by_role(
        "link", name="Deltakere"
    ).click()
    row = invitee.get_by_role("row", name=re.compile("Marte Berg"))
    expect(row).to_contain_text("NAV Nord")

    with live_app.app_context():
        member = db.session.scalar(select(Member).where(Member.email == newcomer))
        assert member is not None and member.name == "Marte Berg"
        assert [m.role for m in member.memberships] == [Role.PARTICIPANT]
    # The invalid-invitation page answers 404; Chromium logs that status as a console error.
    _assert_clean_console(console_errors, allowed=("status of 404",))


def test_theme_vote_from_dots_to_chosen_themes(
    page: Page,
    new_page: Callable[[], Page],
    live_server: str,
    live_app: Flask,
    console_errors: list[str],
) -> None:
    """A leader opens a vote, a participant spreads dots, the leader closes it choosing themes."""
    ids = make_circle_with_people(live_app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT})
    titles = ["Bolig etter barnevernet", "Samarbeid med NAV", "Skole og arbeid"]
    with live_app.app_context():
        circle = db.session.get(Circle, ids["circle"])
        leader = db.session.get(Member, ids[LEADER])
        for title in titles:
            themes.propose_theme(db.session, circle, actor=leader, title=title)
        db.session.commit()

    sign_in(page, live_server, LEADER)
    page.goto(f"{live_server}/c/overganger/themes")
    expect(page.get_by_role("link", name="Temaer")).to_have_attribute("aria-current", "page")
    page.get_by_label("Stemmer per deltaker").fill("5")
    page.get_by_role("button", name="Åpne avstemning").click()
    expect(page.locator(".flash-success")).to_have_text("Avstemningen er åpnet.")

    voter = new_page()
    sign_in(voter, live_server, PARTICIPANT)
    voter.goto(f"{live_server}/c/overganger/themes")
    counter = voter.locator("#dots-left")
    expect(counter).to_have_text("5 stemmer igjen")
    voter.get_by_label("Samarbeid med NAV").fill("4")
    expect(counter).to_have_text("1 stemme igjen")
    voter.get_by_label("Bolig etter barnevernet").fill("2")
    expect(counter).to_have_text("1 for mange stemmer fordelt")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    voter.get_by_label("Samarbeid med NAV").fill("3")
    expect(counter).to_have_text("Alle stemmene er fordelt.")
    voter.get_by_role("button", name="Lagre stemmer").click()
    expect(voter.locator(".flash-success")).to_have_text("Stemmene dine er registrert.")
    expect(voter.get_by_label("Samarbeid med NAV")).to_have_value("3")

    page.reload()
    bars = page.locator("figure.chart svg rect[data-dots]")
    expect(bars).to_have_count(3)
    assert sorted(int(d) for d in bars.evaluate_all("els => els.map(e => e.dataset.dots)")) == [
        0,
        2,
        3,
    ]
    expect(page.locator("figure.chart svg rect[data-dots='3']")).to_have_attribute(
        "width", re.compile(r"^[1-9]\d*$")
    )
    expect(page.get_by_text("1 har stemt.")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("Samarbeid med NAV")).check()
    page.get_by_role("checkbox", name=re.compile("Bolig etter barnevernet")).check()
    page.get_by_role("button", name="Lukk avstemningen").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Avstemningen er lukket og valgte temaer registrert."
    )

    page.get_by_role("navigation", name="Sirkelmeny").get_by_role("link", name="Oversikt").click()
    chosen = page.get_by_role("region", name="Valgte temaer")
    expect(chosen.get_by_role("listitem")).to_have_text(
        ["Bolig etter barnevernet", "Samarbeid med NAV"]
    )
    expect(chosen).not_to_contain_text("Skole og arbeid")
    _assert_clean_console(console_errors)


def test_confirm_dialog_guards_removal(
    page: Page, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """A button with data-confirm asks first: cancel keeps the member, OK removes them."""
    ids = make_circle_with_people(live_app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT})
    sign_in(page, live_server, LEADER)
    page.goto(f"{live_server}/c/overganger/members")
    row = page.get_by_role("row", name=re.compile("Sara Nilsen"))
    row.get_by_text("Endre").click()
    asked: list[str] = []

    def answer(dialog) -> None:  # noqa: ANN001
        asked.append(dialog.message)
        if len(asked) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", answer)
    row.get_by_role("button", name="Fjern fra sirkelen").click()
    assert asked == ["Fjerne personen fra sirkelen?"]
    expect(row).to_be_visible()
    with live_app.app_context():
        assert (
            db.session.scalar(select(Membership).where(Membership.member_id == ids[PARTICIPANT]))
            is not None
        )

    row.get_by_role("button", name="Fjern fra sirkelen").click()
    expect(page.locator(".flash-success")).to_have_text("Personen er fjernet fra sirkelen.")
    expect(page.get_by_role("row", name=re.compile("Sara Nilsen"))).to_have_count(0)
    assert len(asked) == 2
    _assert_clean_console(console_errors)


def test_copy_button_copies_the_target_text(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    """A hidden [data-copy-target] button appears with app.js and copies the target's text."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    html = (
        '<!doctype html><html lang="nb"><head><title>Kopier</title>'
        '<script src="/static/js/app.js" defer></script></head><body>'
        '<p id="ref">Nilsen, S. (2025). Overganger. Rapport 3.</p>'
        '<button type="button" data-copy-target="ref" data-copied-label="Kopiert!" hidden>'
        "Kopier referanse</button></body></html>"
    )
    # A same-origin page served by Playwright, so the test does not depend on the library's views.
    page.route(
        f"{live_server}/copy-fixture",
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
    )
    page.goto(f"{live_server}/copy-fixture")
    button = page.get_by_role("button", name="Kopier referanse")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_role("button", name="Kopiert!")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Nilsen, S. (2025). Overganger. Rapport 3."
    )
    _assert_clean_console(console_errors)


def test_console_listener_reports_csp_violations(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    """The console check above would notice an inline script or style under the app's CSP."""
    from circle.security import CSP

    html = (
        '<!doctype html><html lang="nb"><head><title>x</title></head><body>'
        '<p style="color:red">x</p><script>document.title = "y"</script></body></html>'
    )
    page.route(
        f"{live_server}/csp-fixture",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body=html,
            headers={"Content-Security-Policy": CSP},
        ),
    )
    page.goto(f"{live_server}/csp-fixture")
    expect(page).to_have_title("x")  # the inline script was blocked
    assert any("Content Security Policy" in e for e in console_errors), console_errors
