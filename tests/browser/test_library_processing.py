"""Uploads read in the background, in Chromium: "behandles" first, searchable or refused after.

The live server queues jobs without running them (as a site whose worker is busy); the test
then runs the due jobs itself, as `flask worker` would, and reloads the pages the member has open.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from circle.jobs.runner import run_due_jobs
from circle.models import Role
from tests.browser.conftest import make_circle_with_people, sign_in
from tests.circle.documents.numbers import FNR
from tests.library.factories import pdf_bytes

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

PARTICIPANT = "sara.nilsen@test.example"
UPLOAD_LABEL = "Filer (PDF, Word, tekst eller Markdown)"


def _upload(page: Page, base: str, path) -> str:  # noqa: ANN001
    page.goto(f"{base}/c/overganger/library/upload")
    page.get_by_label(UPLOAD_LABEL).set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Last opp", exact=True).click()
    found = re.search(r"/library/reports/(\d+)", page.url)
    assert found, page.url
    return found.group(1)


def _search(page: Page, base: str, words: str) -> None:
    page.goto(f"{base}/c/overganger/library")
    page.get_by_label("Søk i rapportene").fill(words)
    with page.expect_navigation():
        page.get_by_role("button", name="Søk", exact=True).click()


def test_a_report_is_processing_until_the_worker_has_read_it(
    page: Page, live_server: str, live_app: Flask, tmp_path
) -> None:
    """The upload answers at once with "behandles"; the report is searchable once read."""
    make_circle_with_people(live_app, {PARTICIPANT: Role.PARTICIPANT})
    live_app.config["JOBS_EAGER"] = False  # queued, not run: the worker has not got to it yet
    pdf = tmp_path / "Bolig og ettervern.pdf"
    pdf.write_bytes(
        pdf_bytes(
            ["Bolig og ettervern", "Kvasirkvartalet har egne leiligheter for unge voksne."],
            title="Bolig og ettervern",
        )
    )
    sign_in(page, live_server, PARTICIPANT)
    report_id = _upload(page, live_server, pdf)

    expect(page.locator(".badge.warning").first).to_have_text("behandles")
    _search(page, live_server, "Kvasirkvartalet")
    expect(page.locator(".search-hit")).to_have_count(0)

    outcome = run_due_jobs(live_app)
    assert outcome.get("done", 0) >= 1, outcome

    page.goto(f"{live_server}/c/overganger/library/reports/{report_id}")
    expect(page.get_by_text("behandles", exact=True)).to_have_count(0)
    _search(page, live_server, "Kvasirkvartalet")
    hit = page.locator(".search-hit").first
    expect(hit.get_by_role("link", name="Bolig og ettervern")).to_be_visible()
    expect(hit.locator("mark").first).to_have_text("Kvasirkvartalet")


def test_a_refused_file_shows_its_reason_on_the_report_and_in_the_bell(
    page: Page, live_server: str, live_app: Flask, tmp_path
) -> None:
    """A text file with an identity number is refused by the worker; the uploader is told where."""
    make_circle_with_people(live_app, {PARTICIPANT: Role.PARTICIPANT})
    live_app.config["JOBS_EAGER"] = False
    text = tmp_path / "notater.txt"
    text.write_text(f"Notater fra samlingen.\n\nSaken gjelder {FNR[:6]} {FNR[6:]}.\n")
    sign_in(page, live_server, PARTICIPANT)
    report_id = _upload(page, live_server, text)
    expect(page.locator(".badge.warning").first).to_have_text("behandles")

    run_due_jobs(live_app)

    page.goto(f"{live_server}/c/overganger/library/reports/{report_id}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Filen ble avvist")
    expect(alert).to_contain_text("fødselsnummer")
    assert FNR not in page.content() and f"{FNR[:6]} {FNR[6:]}" not in page.content()

    page.goto(f"{live_server}/")
    expect(page.locator(".bell")).to_contain_text("1 uleste")
    page.locator(".bell").click()
    expect(page.locator(".notifications li").first).to_contain_text("notater.txt")
    _search(page, live_server, "samlingen")
    expect(page.locator(".search-hit")).to_have_count(0)
