"""Library journey in headless Chromium: upload a PDF, confirm metadata, search, cite."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from circle.models import Role
from tests.browser.conftest import make_circle_with_people, sign_in
from tests.library.factories import pdf_bytes

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

PARTICIPANT = "sara.nilsen@test.example"
CSP_WORDS = ("Content Security Policy", "Refused to")


def test_upload_confirm_search_open_page_and_copy_reference(
    page: Page, live_server: str, live_app: Flask, console_errors: list[str], tmp_path
) -> None:
    """A participant uploads a PDF, confirms the suggested metadata, finds page 2, cites it."""
    make_circle_with_people(live_app, {PARTICIPANT: Role.PARTICIPANT})
    pdf = tmp_path / "Samarbeid om overganger.pdf"
    pdf.write_bytes(
        pdf_bytes(
            [
                "Samarbeid om overganger\nEn rapport om barnevern og NAV\nAv Kari Nordmann",
                "Samarbeidsavtalen mellom barneverntjenesten og NAV-kontoret\nfordeler ansvaret "
                "for oppfølgingen etter 18 år.",
                "Bostøtte og startlån gir unge en trygg bolig.",
            ],
            title="Samarbeid om overganger",
            author="Kari Nordmann",
            heading="Samarbeid om overganger",
        )
    )
    sign_in(page, live_server, PARTICIPANT)

    page.goto(f"{live_server}/c/overganger/library")
    page.get_by_role("link", name="Last opp rapporter").click()
    page.get_by_label("Filer (PDF, Word, tekst eller Markdown)").set_input_files(str(pdf))
    with page.expect_navigation():
        page.get_by_role("button", name="Last opp", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Opplysninger om rapporten")
    expect(page.get_by_label("Tittel", exact=True)).to_have_value("Samarbeid om overganger")
    expect(page.get_by_label("Forfattere (én per linje)")).to_have_value("Kari Nordmann")
    page.get_by_label("År").fill("2021")
    page.get_by_label("Utgiver eller institusjon").fill("Høgskolen i sør")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samarbeid om overganger")
    expect(page.locator("#apa-reference")).to_have_text(
        "Nordmann, K. (2021). Samarbeid om overganger. Høgskolen i sør."
    )

    page.goto(f"{live_server}/c/overganger/library")
    page.get_by_label("Søk i rapportene").fill("samarbeidsavtale")
    with page.expect_navigation():
        page.get_by_role("button", name="Søk", exact=True).click()
    hit = page.locator(".search-hit").first
    expect(hit.get_by_role("link", name="Samarbeid om overganger")).to_be_visible()
    expect(hit.locator("mark").first).to_have_text("Samarbeidsavtalen")
    # "s. 2" opens page 2 as text with the words marked; "PDF" opens the file at that page.
    pdf_link = hit.get_by_role("link", name="PDF").first
    href = pdf_link.get_attribute("href") or ""
    assert re.search(r"/c/overganger/library/reports/\d+/file#page=2$", href), href
    response = page.request.get(live_server + href.split("#")[0])
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    with page.expect_popup() as popup_info:  # the PDF opens in a new tab, at the page
        pdf_link.click()
    popup = popup_info.value
    assert popup.url == live_server + href
    popup.close()
    with page.expect_navigation():
        hit.get_by_role("link", name="s. 2").click()
    assert re.search(r"/library/reports/\d+/pages/2\?q=samarbeidsavtale$", page.url), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Side 2 av 3")
    expect(page.locator("article.page-text mark").first).to_have_text("Samarbeidsavtalen")
    page.go_back()
    hit = page.locator(".search-hit").first

    hit.get_by_role("link", name="Samarbeid om overganger").click()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    copy = page.get_by_role("button", name="Kopier referansen")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.get_by_role("button", name="Kopiert")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "Nordmann, K. (2021). Samarbeid om overganger. Høgskolen i sør."

    assert not [e for e in console_errors if any(w in e for w in CSP_WORDS)], console_errors
    assert console_errors == [], console_errors
