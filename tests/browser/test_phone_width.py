"""Every page of the demo-like world on a phone (390 px wide), for every role.

No page may be wider than the screen; what is wider (a table) scrolls inside a region a
keyboard can reach (focusable, labelled), and the circle menu shows the active tab. The pages
are those each role reaches by following links in the demo circle, one per route, and every
page route of the app must be among them.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.pages import ROLES, load_demo_world, page_routes, sign_in, walk

try:
    from playwright.sync_api import Browser
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Browser = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

WIDTH = 390
CHECK = """(width) => {
  const problems = [];
  const wide = document.documentElement.scrollWidth;
  if (wide > width) problems.push('page is ' + wide + ' px wide');
  const tab = document.querySelector('.circle-links a[aria-current="page"], .circle-links a.is-section');
  if (tab) {
    const box = tab.getBoundingClientRect();
    if (box.left < 0 || box.right > width || box.width === 0) problems.push('active tab hidden');
  }
  for (const el of document.querySelectorAll('body *')) {
    if (['PRE', 'TEXTAREA', 'SELECT'].includes(el.tagName)) continue;
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
    const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    const region = el.getAttribute('role') === 'region' || el.tagName === 'FIGURE';
    if (el.tabIndex < 0 || !region || !labelled) {
      problems.push('scrolls without a labelled, focusable region: ' + el.outerHTML.slice(0, 90));
    }
  }
  return problems;
}"""


def _phone(browser: Browser):  # noqa: ANN202
    context = browser.new_context(
        locale="nb-NO", viewport={"width": WIDTH, "height": 844}, device_scale_factor=1
    )
    context.set_default_timeout(10_000)
    return context


def test_every_page_fits_a_phone(
    browser: Browser, live_server: str, live_app: Flask, console_errors: list[str]
) -> None:
    """Each route a member can GET, as each role reaches it, is at most 390 px wide."""
    load_demo_world(live_app)
    pages: dict[str, dict[str, list[str]]] = {}
    for role, email in ROLES.items():
        client = live_app.test_client()
        sign_in(client, email)
        pages[role] = walk(live_app, client).pages
    reached = {route for by_route in pages.values() for route in by_route}
    assert sorted(page_routes(live_app) - reached) == []

    problems: list[str] = []
    anonymous = _phone(browser)
    page = anonymous.new_page()
    for path in ("/login", "/password/forgot"):
        page.goto(live_server + path)
        problems += [f"anonymous {path}: {p}" for p in page.evaluate(CHECK, WIDTH)]
    anonymous.close()
    for role, by_route in pages.items():
        context = _phone(browser)
        page = context.new_page()
        page.on("pageerror", lambda exc: console_errors.append(f"page error: {exc}"))
        page.goto(live_server + "/login")
        page.get_by_label("E-post").fill(ROLES[role])
        page.get_by_label("Passord", exact=True).fill("sirkel-demo-2026")
        with page.expect_navigation():
            page.get_by_role("button", name="Logg inn").click()
        for route, urls in sorted(by_route.items()):
            page.goto(live_server + urls[0])
            problems += [f"{role} {route} {urls[0]}: {p}" for p in page.evaluate(CHECK, WIDTH)]
        context.close()
    assert problems == [], "\n".join(problems)
    assert not [e for e in console_errors if "page error" in e], console_errors
