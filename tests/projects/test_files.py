"""Project files: versions, type checks, the identity-number scan, downloads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from circle.errors import DomainError
from circle.models import FileState, StoredFile
from circle.storage import get_storage
from projects.models import ProjectFile
from projects.services import files
from tests.projects.conftest import FNR, docx_bytes, pdf_bytes

NUMBER = FNR


def _stored_count(app) -> int:  # noqa: ANN001
    root = Path(app.config["UPLOAD_DIR"])
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def _refusal(session, app) -> str:  # noqa: ANN001
    """Return why the one uploaded file was refused by its reading job (no bytes are left)."""
    session.expire_all()
    (stored,) = session.query(StoredFile).all()
    assert stored.state == FileState.REFUSED and stored.refusal
    assert _stored_count(app) == 0
    return stored.refusal


def _upload(session, app, people, project, data, name, **kw):  # noqa: ANN001, ANN202
    pfile = files.upload_file(
        session,
        people.circle,
        project,
        actor=people.writer,
        storage=get_storage(app),
        data=data,
        filename=name,
        **kw,
    )
    session.commit()
    return pfile


def test_new_version_keeps_the_old_one(session, app, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    pfile = _upload(
        session,
        app,
        people,
        project,
        docx_bytes("Spørsmål 1"),
        "kartleggingsskjema.docx",
        title="Kartleggingsskjema",
        description="Fylles ut før overføring",
        is_product=True,
    )
    files.add_version(
        session,
        people.circle,
        project,
        pfile,
        actor=people.leader,
        storage=get_storage(app),
        data=docx_bytes("Spørsmål 1", "2"),
        filename="Kartleggingsskjema v2.docx",
        note="Nytt spørsmål",
    )
    session.commit()
    session.expire_all()
    pfile = files.get_file(session, project, pfile.id)
    assert [(v.number, v.uploaded_by_id, v.note) for v in pfile.versions] == [
        (2, people.leader.id, "Nytt spørsmål"),
        (1, people.writer.id, ""),
    ]
    assert pfile.latest.stored.original_name == "Kartleggingsskjema v2.docx"
    assert _stored_count(app) == 2
    keys = {v.stored.key for v in pfile.versions}
    assert all("Kartlegg" not in key for key in keys)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("side.html", b"<html><body>hei</body></html>", ".html"),
        ("bilde.svg", b"<svg></svg>", ".svg"),
        ("skjema.docx", b"dette er ikke en zip", "passer ikke"),
        ("tom.txt", b"", "tom"),
        ("program.exe", b"MZ\x90\x00", ".exe"),
    ],
)
def test_wrong_kind_of_upload_is_refused_at_once_and_leaves_no_file(
    session, app, people, make_project, name, data, message
) -> None:  # noqa: ANN001
    project = make_project()
    with pytest.raises(DomainError) as excinfo:
        _upload(session, app, people, project, data, name)
    session.rollback()
    assert message in str(excinfo.value.message)
    assert _stored_count(app) == 0
    assert session.query(ProjectFile).count() == 0 and session.query(StoredFile).count() == 0


def test_broken_upload_is_refused_when_read_and_keeps_only_the_reason(
    session, app, people, make_project
) -> None:  # noqa: ANN001
    project = make_project()
    pfile = _upload(session, app, people, project, b"%PDF-1.4 avkappet", "skjema.pdf")
    assert "skadet" in _refusal(session, app)
    assert pfile.latest.stored.state == FileState.REFUSED


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notat.txt", f"Ungdom med fnr {FNR} flyttet.".encode()),
        ("notat.md", f"# Sak\n\n{FNR[:6]}.{FNR[6:]}".encode()),
        ("skjema.docx", docx_bytes("Navn og personnummer:", FNR)),
        ("rapport.pdf", pdf_bytes(f"Personnummer {FNR}")),
    ],
)
def test_identity_number_in_file_text_is_refused(
    session, app, people, make_project, name, data
) -> None:  # noqa: ANN001
    project = make_project()
    _upload(session, app, people, project, data, name)
    reason = _refusal(session, app)
    assert "fødselsnummer" in reason and FNR not in reason


def test_identity_number_in_new_version_refused_old_kept(
    session, app, people, make_project
) -> None:  # noqa: ANN001
    project = make_project()
    pfile = _upload(session, app, people, project, b"Rent skjema\n", "skjema.txt")
    files.add_version(
        session,
        people.circle,
        project,
        pfile,
        actor=people.writer,
        storage=get_storage(app),
        data=f"{FNR}\n".encode(),
        filename="skjema.txt",
    )
    session.commit()
    session.expire_all()
    states = sorted(
        (v.number, v.stored.state) for v in files.get_file(session, project, pfile.id).versions
    )
    assert states == [(1, FileState.READY), (2, FileState.REFUSED)]
    assert _stored_count(app) == 1  # the first version's bytes only


def test_ordinary_eleven_digit_figures_pass(session, app, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    pfile = _upload(
        session, app, people, project, b"Budsjett: 12345678901 kroner\n", "budsjett.txt"
    )
    assert pfile.latest.number == 1


def test_pdf_text_is_scanned_and_clean_pdf_accepted(session, app, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    pfile = _upload(
        session,
        app,
        people,
        project,
        pdf_bytes("Samarbeidsprosedyre"),
        "prosedyre.pdf",
        is_product=True,
    )
    assert pfile.is_product and pfile.title == "prosedyre"


# Views -----------------------------------------------------------------------------------------


def test_upload_view_new_version_and_download_under_original_name(
    client, login, session, app, people, make_project
) -> None:  # noqa: ANN001
    project = make_project()
    login(people.writer)
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    r = client.post(
        f"{base}/files",
        data={
            "file": (io.BytesIO(docx_bytes("v1")), "Kartleggingsskjema æøå.docx"),
            "title": "Kartleggingsskjema",
            "description": "Til bruk før overføring",
            "is_product": "y",
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    pfile = session.query(ProjectFile).one()
    r = client.post(
        f"{base}/files/{pfile.id}/versions",
        data={"file": (io.BytesIO(docx_bytes("v2")), "skjema-v2.docx"), "note": "Nytt punkt"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    page = client.get(f"{base}/files/{pfile.id}").get_data(as_text=True)
    assert "Nytt punkt" in page and "skjema-v2.docx" in page
    assert "Kartleggingsskjema æøå.docx" in page
    download = client.get(f"{base}/files/{pfile.id}/v/1")
    assert download.status_code == 200
    assert (
        "filename*=UTF-8''Kartleggingsskjema%20%C3%A6%C3%B8%C3%A5.docx"
        in (download.headers["Content-Disposition"])
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    workspace = client.get(base).get_data(as_text=True)
    assert "Kartleggingsskjema" in workspace and "Produkt" in workspace


def test_upload_view_refuses_wrong_type_with_message(
    client, login, session, app, people, make_project
) -> None:  # noqa: ANN001
    project = make_project()
    login(people.writer)
    r = client.post(
        f"/c/{people.circle.slug}/projects/{project.id}/files",
        data={"file": (io.BytesIO(b"<html></html>"), "x.html")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "kan ikke lastes opp" in r.get_data(as_text=True)
    assert _stored_count(app) == 0


def test_informed_download_only_products_of_shared_writeup(
    client, login, session, app, people, make_project
) -> None:  # noqa: ANN001
    from projects.services.projects import set_writeup_shared

    project = make_project()
    product = _upload(session, app, people, project, b"Mal\n", "mal.txt", is_product=True)
    note = _upload(session, app, people, project, b"Notat\n", "notat.txt")
    login(people.reference)
    base = f"/c/{people.circle.slug}/projects/{project.id}/files"
    assert client.get(f"{base}/{product.id}/v/1").status_code == 404
    set_writeup_shared(session, people.circle, project, actor=people.writer, shared=True)
    session.commit()
    assert client.get(f"{base}/{product.id}/v/1").status_code == 200
    assert client.get(f"{base}/{note.id}/v/1").status_code == 404
    assert client.get(f"{base}/{product.id}").status_code == 404  # the history stays closed


# Every place of every type ----------------------------------------------------------------------


def _everything_on_disk(app) -> list[Path]:  # noqa: ANN001
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []  # .part too


def _post_file(client, people, project, name: str, data: bytes):  # noqa: ANN001, ANN202
    return client.post(
        f"/c/{people.circle.slug}/projects/{project.id}/files",
        data={"file": (io.BytesIO(data), name), "title": "Vedlegg"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _nothing_stored(session, app) -> bool:  # noqa: ANN001
    session.expire_all()
    return (
        session.query(ProjectFile).count() == 0
        and session.query(StoredFile).count() == 0
        and not _everything_on_disk(app)
    )


@pytest.mark.parametrize(
    ("name", "build", "where"),
    [
        ("tiltak.xlsx", "xlsx_comment", "i en kommentar"),
        ("tiltak.xlsx", "xlsx_hidden_sheet", "i arkfanen «Skjult»"),
        ("matrise.pptx", "pptx_notes", "i notatene til lysbilde 1"),
        ("rutine.odt", "odt_footer", "i bunntekst"),
        ("tiltak.ods", "ods_cell", "i arkfanen «Ark1»"),
        ("rutine.docx", "docx_header", "i topptekst"),
        ("bilde.jpg", "jpeg_exif_xp_comment", "i bildets metadata (EXIF)"),
        ("skjema.pdf", "pdf_form_field", "i et skjemafelt"),
    ],
)
def test_upload_view_refuses_a_number_in_any_place(
    client, login, session, app, people, make_project, name, build, where
) -> None:  # noqa: ANN001
    from tests.circle.documents import builders
    from tests.circle.documents.numbers import FNR as NUMBER

    project = make_project()
    login(people.writer)
    r = _post_file(client, people, project, name, getattr(builders, build)(NUMBER))
    page = r.get_data(as_text=True)
    assert r.status_code == 200  # the workspace, where the refused file shows why
    assert "avvist" in page and "fødselsnummer" in page and where in page and NUMBER not in page
    reason = _refusal(session, app)
    assert where in reason and NUMBER not in reason


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("tiltak.xlsx", "corrupt_xlsx", "skadet"),
        ("matrise.pptx", "corrupt_pptx", "skadet"),
        ("bombe.pdf", "stream_bomb", "pakker seg ut til altfor mye data"),
        ("bombe.docx", "zip_bomb", "zip-bombe"),
    ],
)
def test_upload_view_refuses_broken_and_hostile_files_clearly(
    client, login, session, app, people, make_project, name, make, message
) -> None:  # noqa: ANN001
    from tests.circle.documents import bombs, builders

    makers = {
        "corrupt_xlsx": lambda: builders.xlsx_cell("Bolig")[:-300],
        "corrupt_pptx": lambda: builders.pptx_notes("Notat")[:2000],
        "stream_bomb": lambda: bombs.stream_bomb_pdf(200),
        "zip_bomb": lambda: bombs.zip_bomb_docx(300),
    }
    project = make_project()
    login(people.writer)
    r = _post_file(client, people, project, name, makers[make]())
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    session.expire_all()
    stored = session.query(StoredFile).all()
    if stored:  # refused when read (a bomb), not at once (a broken archive)
        assert message in _refusal(session, app)
    else:
        assert _nothing_stored(session, app)


def test_clean_spreadsheet_and_presentation_are_accepted(
    session, app, people, make_project
) -> None:  # noqa: ANN001
    from tests.circle.documents import builders

    project = make_project()
    sheet = _upload(session, app, people, project, builders.xlsx_comment("Sjekk tallene"), "t.xlsx")
    slides = _upload(session, app, people, project, builders.pptx_notes("Husk bolig"), "m.pptx")
    assert sheet.latest.number == 1 and slides.latest.number == 1
    assert len(_everything_on_disk(app)) == 2


def test_workspace_lists_the_accepted_types(client, login, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    login(people.writer)
    page = client.get(f"/c/{people.circle.slug}/projects/{project.id}").get_data(as_text=True)
    assert "Tillatte filtyper: PDF, Word (DOCX), Excel (XLSX)" in page


def test_project_upload_refuses_the_name_and_does_not_echo_it(
    client, login, session, app, people, make_project
) -> None:
    project = make_project()
    login(people.writer)
    response = client.post(
        f"/c/{people.circle.slug}/projects/{project.id}/files",
        data={"file": (io.BytesIO(b"Notat\n"), f"notat_{NUMBER[:6]}\u200b-{NUMBER[6:]}.md")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "fødselsnummer" in page
    assert NUMBER[:6] not in page and NUMBER[6:] not in page
    assert _stored_count(app) == 0
