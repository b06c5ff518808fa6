"""Journey in headless Chromium: a project's write-up, product versions, update, final report."""

from __future__ import annotations

import io

import docx
import pytest
from flask import Flask

from circle.models import Role
from tests.browser.conftest import make_circle_with_people, sign_in, sign_out
from tests.projects.conftest import docx_bytes

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture skips locally (fails in CI) with the reason
    Page = expect = None  # type: ignore[assignment,misc]

pytestmark = pytest.mark.browser

LEADER = "ingrid.lund@test.example"
PARTICIPANT = "sara.nilsen@test.example"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _write_section(page: Page, key: str, text: str) -> None:
    page.locator(f"#section-{key}").get_by_role("link", name="Skriv").click()
    page.get_by_label("Tekst (Markdown)").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    expect(page.locator(".flash-success")).to_contain_text("er lagret")


def test_participant_writes_uploads_and_leader_downloads_report(
    page: Page,
    live_server: str,
    live_app: Flask,
    console_errors: list[str],
) -> None:
    """Two sections, a product and its new version, an update; the leader gets the DOCX."""
    make_circle_with_people(live_app, {LEADER: Role.LEADER, PARTICIPANT: Role.PARTICIPANT})
    sign_in(page, live_server, PARTICIPANT)
    page.goto(f"{live_server}/c/overganger/projects")
    page.get_by_role("link", name="Nytt prosjekt").click()
    page.get_by_label("Tittel").fill("Samarbeidsprosedyre for ettervern")
    page.get_by_label("Status").select_option("active")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Samarbeidsprosedyre for ettervern"
    )

    _write_section(page, "background", "Avtalen mellom tjenestene var lite kjent.")
    _write_section(page, "goals", "En prosedyre alle **kjenner** og bruker.")
    expect(page.locator("#section-goals strong")).to_have_text("kjenner")

    page.get_by_text("Last opp en ny fil").click()
    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "kartleggingsskjema.docx", "mimeType": DOCX, "buffer": docx_bytes("Versjon 1")}
    )
    page.get_by_label("Tittel (f.eks. «Kartleggingsskjema»)").fill("Kartleggingsskjema")
    page.get_by_label("Dette er et av prosjektets produkter").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Last opp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kartleggingsskjema")
    page.get_by_label("Ny versjon", exact=True).set_input_files(
        {"name": "kartleggingsskjema-v2.docx", "mimeType": DOCX, "buffer": docx_bytes("Versjon 2")}
    )
    page.get_by_label("Hva er endret?").fill("Nytt spørsmål om bolig")
    with page.expect_navigation():
        page.get_by_role("button", name="Last opp").first.click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("kartleggingsskjema-v2.docx")
    expect(rows.first).to_contain_text("Nytt spørsmål om bolig")

    page.get_by_role("link", name="Samarbeidsprosedyre for ettervern").click()
    page.get_by_label("Status nå").fill("Prosedyren prøves ut i to team.")
    page.get_by_label("Del også med referansegruppen og enhetslederne").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre oppdateringen").click()
    expect(page.locator(".flash-success")).to_have_text("Statusoppdateringen er publisert.")
    sign_out(page)

    sign_in(page, live_server, LEADER)
    page.goto(f"{live_server}/c/overganger/report")
    expect(page.get_by_role("heading", name="Delprosjektene")).to_be_visible()
    expect(page.locator(".final-report")).to_contain_text("Avtalen mellom tjenestene")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned som Word (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename == "sluttrapport-overganger.docx"
    document = docx.Document(io.BytesIO(open(download.path(), "rb").read()))  # noqa: PTH123
    texts = [p.text for p in document.paragraphs]
    assert texts.index("Avtalen mellom tjenestene var lite kjent.") < texts.index(
        "En prosedyre alle kjenner og bruker."
    )
    assert any(
        t.startswith("Vedlegg 1: Kartleggingsskjema – kartleggingsskjema-v2.docx") for t in texts
    )
    assert console_errors == []
