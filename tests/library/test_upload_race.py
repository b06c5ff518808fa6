"""Two identical uploads at the same moment: one report, a clear message, nothing left behind."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from circle.models import StoredFile
from library.models import Report, ReportPage
from library.services import reports
from tests.library.factories import lib, problems, upload  # noqa: F401  (lib is a fixture)


def test_duplicate_that_slips_past_the_check_is_refused_cleanly(
    client, login, session, lib, monkeypatch
):
    login(lib.members["participant"])
    data = b"Samme rapport om bolig og ettervern."
    assert upload(client, "egen", [("a.txt", data)]).status_code == 302
    # The other request has not committed yet when this one checks for duplicates.
    monkeypatch.setattr(reports, "find_duplicate", lambda session, sha256: None)
    response = upload(client, "egen", [("b.txt", data)])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "finnes allerede i biblioteket" in page
    session.expire_all()
    assert session.scalar(select(func.count(Report.id))) == 1
    assert session.scalar(select(func.count(StoredFile.id))) == 1
    files = [p for p in Path(lib.app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]
    assert len(files) == 1
    assert problems(lib.app) == []


def test_identity_number_in_a_running_header_is_refused(client, login, session, lib):
    """Running headers are dropped from the searchable text, but the guard still sees them."""
    from tests.library.factories import IDENTITY_NUMBER, pdf_bytes

    login(lib.members["participant"])
    header = f"Sak {IDENTITY_NUMBER}"
    pages = [
        f"{header}\nSide {n} om bolig, ettervern og samarbeid med NAV.\n{n}" for n in range(1, 5)
    ]
    from tests.library.factories import refusal_shown, uploaded

    response = upload(client, "egen", [("topptekst.pdf", pdf_bytes(pages))])
    assert response.status_code == 302
    page = refusal_shown(client, uploaded(session, "topptekst.pdf"))
    assert "fødselsnummer" in page and IDENTITY_NUMBER not in page
    assert session.scalar(select(func.count(ReportPage.id))) == 0
    assert not [p for p in Path(lib.app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]
