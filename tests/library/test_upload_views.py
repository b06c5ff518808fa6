"""Upload views: one file, many files, every kind of bad file, metadata, download, delete."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from circle.models import FileState, StoredFile
from library.models import Report, ReportPage
from tests.library.factories import (  # noqa: F401  (lib is a fixture)
    IDENTITY_NUMBER,
    docx_bytes,
    encrypted_pdf,
    good_pdf,
    index_ids,
    lib,
    pdf_bytes,
    problems,
    scanned_pdf,
    upload,
)

OTHER_TEXT = b"Annen tekst om bolig og ettervern."


def _report(session, **where) -> Report | None:  # noqa: ANN001
    session.expire_all()
    return session.scalar(select(Report).filter_by(**where))


def test_single_pdf_upload_suggests_metadata_and_is_searchable(client, login, session, lib):
    """One PDF: stored, pages saved, indexed, then the metadata form is pre-filled."""
    login(lib.members["participant"])
    response = upload(client, "egen", [("Rapport ettervern.pdf", good_pdf())])
    assert response.status_code == 302
    report = _report(session)
    assert response.headers["Location"].endswith(f"/c/egen/library/reports/{report.id}/edit")
    assert report.title == "Overgangen fra barnevern til voksenliv"
    assert report.authors == ["Kari Nordmann", "Ola Hansen"]
    assert report.circle_id == lib.circle.id and report.origin_circle_id == lib.circle.id
    assert report.has_text and report.page_count == 3 and not report.metadata_confirmed
    assert report.stored_file.original_name == "Rapport ettervern.pdf"
    pages = session.scalars(
        select(ReportPage).where(ReportPage.report_id == report.id).order_by(ReportPage.number)
    ).all()
    assert [p.number for p in pages] == [1, 2, 3] and "Samarbeidsavtalen" in pages[1].text
    assert index_ids(lib.app) == {report.id}

    form = client.get(response.headers["Location"])
    html = form.get_data(as_text=True)
    assert 'value="Overgangen fra barnevern til voksenliv"' in html
    assert "Kari Nordmann\nOla Hansen" in html

    results = client.get("/c/egen/library?q=samarbeidsavtale").get_data(as_text=True)
    assert "Overgangen fra barnevern til voksenliv" in results
    assert "<mark>Samarbeidsavtalen</mark>" in results
    assert f"/c/egen/library/reports/{report.id}/file#page=2" in results
    assert problems(lib.app) == []


def test_metadata_form_saves_and_reindexes(client, login, session, lib):
    """Confirming the metadata stores it and the new title is searchable at once."""
    login(lib.members["participant"])
    upload(client, "egen", [("a.pdf", good_pdf())])
    report = _report(session)
    response = client.post(
        f"/c/egen/library/reports/{report.id}/edit",
        data={
            "title": "Kvalitetsrapport om ungdomsboliger",
            "subtitle": "Del én",
            "authors": "Kari Nordmann\nOla Hansen",
            "editors": "",
            "year": "2021",
            "publisher": "NOVA",
            "language": "nb",
            "document_type": "report",
            "keywords": "bolig, ettervern",
            "doi": "https://doi.org/10.1234/abc.5",
            "visibility": "circle",
        },
    )
    assert response.status_code == 302
    report = _report(session, id=report.id)
    assert report.metadata_confirmed and report.year == 2021 and report.doi == "10.1234/abc.5"
    assert report.keywords == ["bolig", "ettervern"]
    html = client.get("/c/egen/library?q=title:ungdomsboliger").get_data(as_text=True)
    assert "Kvalitetsrapport om ungdomsboliger" in html


def test_metadata_form_refuses_identity_number(client, login, session, lib):
    """A fødselsnummer in a metadata field is refused; nothing changes."""
    login(lib.members["participant"])
    upload(client, "egen", [("a.pdf", good_pdf())])
    report = _report(session)
    response = client.post(
        f"/c/egen/library/reports/{report.id}/edit",
        data={
            "title": f"Rapport {IDENTITY_NUMBER}",
            "language": "nb",
            "document_type": "report",
            "visibility": "circle",
        },
    )
    assert response.status_code == 200
    assert "fødselsnummer" in response.get_data(as_text=True)
    assert _report(session, id=report.id).title == "Overgangen fra barnevern til voksenliv"


BAD_FILES = {
    "encrypted": ("kryptert.pdf", lambda: encrypted_pdf(good_pdf()), "passordbeskyttet"),
    "truncated": ("avkuttet.pdf", lambda: good_pdf()[:1500], "skadet eller ufullstendig"),
    "corrupt": (
        "rot.pdf",
        lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF",
        "skadet eller ufullstendig",
    ),
    "empty": ("tom.pdf", lambda: b"", "tom"),
    "html": ("side.html", lambda: b"<html><script>alert(1)</script></html>", "HTML"),
    "svg": ("bilde.svg", lambda: b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG"),
    "html-as-txt": ("notat.txt", lambda: b"<!doctype html><html><body>x</body></html>", "HTML"),
    "mismatch": ("rapport.pdf", lambda: b"Dette er bare ren tekst om bolig.", "passer ikke"),
    "docx-as-pdf": ("rapport.pdf", lambda: docx_bytes(["Tekst"]), "passer ikke"),
    "exe": ("program.exe", lambda: b"MZ\x90\x00binary", "støttes ikke"),
    "identity": (
        "liste.txt",
        lambda: f"Ungdom med nummer {IDENTITY_NUMBER} flyttet.".encode(),
        "ser ut til å inneholde et fødselsnummer",
    ),
    "identity-in-pdf": (
        "liste.pdf",
        lambda: pdf_bytes(
            ["Bolig og ettervern for unge", f"Ungdommen med nummer {IDENTITY_NUMBER} fikk bolig."]
        ),
        "ser ut til å inneholde et fødselsnummer",
    ),
}


# Refused in the request by the cheap checks (type, name, size): nothing is stored at all.
REFUSED_AT_ONCE = {"empty", "html", "svg", "html-as-txt", "mismatch", "docx-as-pdf", "exe"}


@pytest.mark.parametrize("case", sorted(REFUSED_AT_ONCE))
def test_bad_file_is_refused_at_once_and_leaves_nothing(client, login, session, lib, case):
    """A file of the wrong kind is refused in the request; no row, bytes or index entry."""
    name, make, message = BAD_FILES[case]
    login(lib.members["participant"])
    response = upload(client, "egen", [(name, make()), ("god.txt", b"Tekst om ettervern.")])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/c/egen/library/upload")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert lib.count(session) == 1  # only the good file of the batch
    good = _report(session)
    assert good.stored_file.original_name == "god.txt"
    assert lib.stored_files(session) == 1
    assert len(lib.files_on_disk()) == 1
    assert index_ids(lib.app) == {good.id}


@pytest.mark.parametrize("case", sorted(set(BAD_FILES) - REFUSED_AT_ONCE))
def test_bad_file_is_refused_when_read_and_keeps_only_its_reason(client, login, session, lib, case):
    """A file refused by the reading job loses its bytes and text; the uploader sees why."""
    name, make, message = BAD_FILES[case]
    login(lib.members["participant"])
    response = upload(client, "egen", [(name, make()), ("god.txt", b"Tekst om ettervern.")])
    assert response.status_code == 302  # answered at once; the files are read after the commit
    session.expire_all()
    refused = session.scalar(
        select(Report).join(StoredFile).where(StoredFile.original_name == name)
    )
    good = session.scalar(
        select(Report).join(StoredFile).where(StoredFile.original_name == "god.txt")
    )
    assert good.ready and refused.file_state == FileState.REFUSED
    assert refused.pages == [] and not refused.has_text
    assert (
        message in refused.stored_file.refusal
        and IDENTITY_NUMBER not in refused.stored_file.refusal
    )
    assert len(lib.files_on_disk()) == 1  # the refused file's bytes are gone
    assert index_ids(lib.app) == {good.id}
    page = client.get(f"/c/egen/library/reports/{refused.id}").get_data(as_text=True)
    assert "Filen ble avvist" in page and message in page and IDENTITY_NUMBER not in page
    assert f"/c/egen/library/reports/{refused.id}/file" not in page  # nothing to open
    download = client.get(f"/c/egen/library/reports/{refused.id}/file")
    assert download.status_code == 404
    client.post("/logout")
    login(lib.members["reference"])  # someone else in the circle: the refused file is not there
    assert client.get(f"/c/egen/library/reports/{refused.id}").status_code == 404


def test_scanned_pdf_is_kept_without_text(client, login, session, lib):
    """A PDF without a text layer is kept and marked "ingen søkbar tekst"."""
    login(lib.members["participant"])
    response = upload(client, "egen", [("skannet.pdf", scanned_pdf())])
    report = _report(session)
    assert response.status_code == 302 and report is not None
    assert not report.has_text and report.page_count == 2
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ingen søkbar tekst" in follow
    page = client.get(f"/c/egen/library/reports/{report.id}").get_data(as_text=True)
    assert "ingen søkbar tekst" in page
    assert index_ids(lib.app) == {report.id}  # found by its metadata


def test_mixed_batch_keeps_good_files_and_lists_each_result(client, login, session, lib):
    """A batch of good and bad files: the good ones are kept, each file has its result."""
    login(lib.members["leader"])
    files = [
        ("en.pdf", good_pdf("første")),
        ("to.docx", docx_bytes(["Om bolig", "Om NAV"])),
        ("tre.md", b"# Rutine\n\nSamarbeid om bolig."),
        ("fire.pdf", good_pdf()[:900]),
        ("fem.svg", b"<svg></svg>"),
        ("seks.txt", b""),
    ]
    response = upload(client, "egen", files, visibility="shared")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # The two of the wrong kind are refused at once; the truncated PDF when it is read.
    assert "4 av 6 filer er lagt til." in page
    for name in ("en.pdf", "to.docx", "tre.md", "fire.pdf", "fem.svg", "seks.txt"):
        assert name in page
    assert page.count("bekreft opplysningene") == 4
    session.expire_all()
    reports = [r for r in session.scalars(select(Report)).all() if r.ready]
    assert sorted(r.stored_file.original_name for r in reports) == ["en.pdf", "to.docx", "tre.md"]
    assert all(r.circle_id is None for r in reports)  # shared with all circles
    assert len(lib.files_on_disk()) == 3
    assert index_ids(lib.app) == {r.id for r in reports}
    # A second look at the page no longer shows the batch result.
    assert "Resultat for hver fil" not in client.get("/c/egen/library/upload").get_data(
        as_text=True
    )


def test_same_file_twice_links_to_the_existing_report(client, login, session, lib):
    """The same bytes again are refused with a link to the report that has them."""
    data = good_pdf()
    login(lib.members["participant"])
    upload(client, "egen", [("a.pdf", data)])
    first = _report(session)
    response = upload(client, "egen", [("kopi.pdf", data), ("b.txt", OTHER_TEXT)])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "finnes allerede i biblioteket" in page
    assert f'href="/c/egen/library/reports/{first.id}"' in page
    assert lib.count(session) == 2 and len(lib.files_on_disk()) == 2


def test_duplicate_from_another_circle_reveals_nothing(client, login, session, lib):
    """A file kept to another circle: refused, but without its title or a link."""
    data = good_pdf()
    login(lib.members["other_participant"])
    upload(client, "annen", [("hemmelig.pdf", data)])
    client.post("/logout")
    login(lib.members["participant"])
    response = upload(client, "egen", [("a.pdf", data), ("b.txt", OTHER_TEXT)])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "i en annen sirkel" in page
    assert "Overgangen fra barnevern" not in page


def test_docx_text_and_markdown_uploads(client, login, session, lib):
    """DOCX, TXT and MD files become reports with their text."""
    login(lib.members["participant"])
    upload(
        client,
        "egen",
        [
            ("notat.docx", docx_bytes(["Tverrfaglig samarbeid", "Boligsosialt"])),
            ("x.txt", b"Ettervern for unge voksne\fSide to om bolig"),
            ("y.md", b"# Overskrift\n\nTekst om rus."),
        ],
    )
    by_name = {r.stored_file.original_name: r for r in session.scalars(select(Report))}
    assert set(by_name) == {"notat.docx", "x.txt", "y.md"}
    assert by_name["x.txt"].page_count == 2
    assert "Boligsosialt" in by_name["notat.docx"].pages[0].text


def test_no_file_chosen(client, login, session, lib):
    """Submitting without files explains what to do and stores nothing."""
    login(lib.members["participant"])
    response = client.post(
        "/c/egen/library/upload", data={"visibility": "circle"}, follow_redirects=True
    )
    assert "Velg minst én fil." in response.get_data(as_text=True)
    assert lib.count(session) == 0


def test_oversized_upload_gets_413_page(client, login, session, lib):
    """A body over MAX_CONTENT_LENGTH is answered 413 with the clear error page."""
    lib.app.config["MAX_CONTENT_LENGTH"] = 20_000
    login(lib.members["participant"])
    response = upload(client, "egen", [("stor.txt", b"a" * 50_000)])
    assert response.status_code == 413
    assert lib.count(session) == 0 and lib.files_on_disk() == []


def test_download_keeps_original_name_and_pdf_opens_inline(client, login, session, lib):
    """Download: original name (RFC 6266), nosniff; PDFs inline unless download=1."""
    login(lib.members["reference"])
    from tests.library.factories import add_report_directly

    rid = add_report_directly(
        lib.app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        name="Æøå rapport.txt",
        text="Om ettervern for unge voksne.",
    )
    response = client.get(f"/c/egen/library/reports/{rid}/file")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''%C3%86%C3%B8%C3%A5" in (
        disposition
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/logout")
    login(lib.members["participant"])
    upload(client, "egen", [("r.pdf", good_pdf())])
    pdf = _report(
        session,
        sha256=session.scalar(select(StoredFile.sha256).where(StoredFile.original_name == "r.pdf")),
    )
    inline = client.get(f"/c/egen/library/reports/{pdf.id}/file")
    assert inline.headers["Content-Disposition"].startswith("inline")
    assert inline.data.startswith(b"%PDF")
    attached = client.get(f"/c/egen/library/reports/{pdf.id}/file?download=1")
    assert attached.headers["Content-Disposition"].startswith("attachment")


def test_report_page_shows_reference_copy_button_and_search_inside(client, login, session, lib):
    """The report page: APA reference with a copy button, search inside with page links."""
    login(lib.members["participant"])
    upload(client, "egen", [("a.pdf", good_pdf())])
    report = _report(session)
    html = client.get(f"/c/egen/library/reports/{report.id}?q=startlån").get_data(as_text=True)
    assert 'data-copy-target="apa-reference"' in html
    assert re.search(r'id="apa-reference"[^>]*>Nordmann, K\. og Hansen, O\.', html)
    assert "<mark>startlån</mark>" in html
    assert f"/c/egen/library/reports/{report.id}/file#page=3" in html
    assert "s. 3" in html
    page2 = client.get(f"/c/egen/library/reports/{report.id}/pages/2").get_data(as_text=True)
    assert "Samarbeidsavtalen mellom barneverntjenesten og NAV" in page2


def test_delete_removes_row_pages_file_and_index(client, login, session, lib):
    """Deleting a report removes everything of it; index and database still agree."""
    login(lib.members["leader"])
    upload(client, "egen", [("a.pdf", good_pdf()), ("b.txt", b"Annen tekst om bolig.")])
    reports = session.scalars(select(Report).order_by(Report.id)).all()
    doomed, kept = reports[0].id, reports[1].id
    response = client.post(f"/c/egen/library/reports/{doomed}/delete")
    assert response.status_code == 302
    assert lib.count(session) == 1 and lib.count(session, ReportPage) == 1
    assert lib.stored_files(session) == 1 and len(lib.files_on_disk()) == 1
    assert index_ids(lib.app) == {kept}
    assert problems(lib.app) == []
    assert client.get(f"/c/egen/library/reports/{doomed}").status_code == 404


def test_participant_cannot_delete_but_can_fix_own_metadata(client, login, session, lib):
    """Participants correct their own reports' metadata; only leaders delete."""
    login(lib.members["participant"])
    upload(client, "egen", [("a.pdf", good_pdf())])
    report = _report(session)
    assert client.post(f"/c/egen/library/reports/{report.id}/delete").status_code == 403
    assert client.get(f"/c/egen/library/reports/{report.id}/edit").status_code == 200
    client.post("/logout")
    login(lib.members["reference"])
    assert client.get(f"/c/egen/library/reports/{report.id}/edit").status_code == 403
    assert client.get("/c/egen/library/upload").status_code == 403
