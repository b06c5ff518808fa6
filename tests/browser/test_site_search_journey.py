"""Journey in headless Chromium: a participant finds a decision in approved minutes through the
search box and opens the agenda item; a reference-group member searching the same words does
not see the leaders-only thread that also holds them; a misspelt word gets "Mente du"; the page
fits a phone."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.browser.conftest import sign_in, sign_out
from tests.search.conftest import build_world

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser


@pytest.fixture
def app(live_app: Flask) -> Flask:
    """The shared fixtures (session, make_circle, make_member) work on the served app."""
    return live_app


def _search(page: Page, words: str) -> None:
    page.get_by_role("link", name="Søk", exact=True).first.click()
    page.get_by_label("Søk i alt kretsen deler med deg").fill(words)
    with page.expect_navigation():
        page.get_by_role("button", name="Søk", exact=True).click()


def test_minutes_are_found_and_leaders_threads_stay_hidden(
    page: Page,
    live_server: str,
    session,
    make_circle,
    make_member,  # noqa: ANN001
) -> None:
    world = build_world(session, make_circle, make_member)
    home = f"{live_server}/c/{world.circle.slug}"

    sign_in(page, live_server, world.participant.email)
    page.goto(home)
    _search(page, "kvalitetsløftet ettervern")
    hit = page.locator(".search-hit[data-kind=minutes]")
    expect(hit).to_have_count(1)
    expect(hit.locator(".badge")).to_have_text("Referat")
    expect(hit.locator("mark", has_text=re.compile("^kvalitetsløftet$", re.I))).to_have_count(1)
    with page.expect_navigation():
        hit.get_by_role("link").click()
    item = world.approved.items[0]
    assert page.url.endswith(f"/meetings/{world.approved.id}/minutes#item-{item.id}")
    expect(page.locator(f"#item-{item.id}")).to_contain_text("vedtok kvalitetsløftet")
    sign_out(page)

    sign_in(page, live_server, world.reference.email)
    page.goto(home)
    _search(page, "kvalitetsløftet")
    results = page.locator(".search-results")
    expect(results).to_contain_text("Spørsmål til referansegruppen")
    expect(page.locator("main")).not_to_contain_text("Ledernes drøfting")
    expect(page.locator(".kind-filter [data-kind=post]")).to_have_text("Innlegg")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the search page is {wide} px wide on a phone"

    # A misspelt word: "Mente du" offers the spelling of a visible entry, on a phone too.
    page.goto(f"{home}/search?q=referansgruppen")
    suggestion = page.locator(".suggestion a")
    expect(suggestion).to_have_text("referansegruppen")
    with page.expect_navigation():
        suggestion.click()
    expect(page.locator(".search-results")).to_contain_text("Spørsmål til referansegruppen")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the search page with a suggestion is {wide} px wide on a phone"
