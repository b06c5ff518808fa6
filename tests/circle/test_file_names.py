"""File names: a name with an identity number is refused and never shown (SECURITY 18, 20)."""
# ruff: noqa: F811  (fixtures imported from other test modules)

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from circle.documents import DocumentError as UploadError
from circle.files import (
    check_upload,
    clean_original_name,
    download_response,
    store_file,
)
from circle.identity import IdentityNumberError
from circle.models import StoredFile
from circle.storage import get_storage
from tests.circle.test_identity import valid_number
from tests.library.factories import lib, upload  # noqa: F401  (lib is a fixture)

NUMBER = valid_number(datetime.date(1976, 9, 30))
DATE, PERSONAL = NUMBER[:6], NUMBER[6:]
NAMES = [
    f"{NUMBER}.txt",
    f"Notat {DATE} {PERSONAL}.txt",
    f"notat_{DATE}\u200b-{PERSONAL}.md",
    f"{DATE[:2]}.{DATE[2:4]}.{DATE[4:]} {PERSONAL}.txt",
    f"../../{DATE}/{PERSONAL}.txt",
    "".join(chr(0xFF10 + int(d)) for d in NUMBER) + ".txt",
    f"{DATE}\x00{PERSONAL}.txt",
]


def _files_on_disk(root: str) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", NAMES)
def test_store_file_refuses_a_name_with_a_number_and_keeps_nothing(app, session, name) -> None:
    upload_dir = app.config["UPLOAD_DIR"]
    with pytest.raises(IdentityNumberError) as excinfo:
        store_file(
            session,
            storage=get_storage(app),
            data=b"Tekst",
            filename=name,
            uploaded_by=None,
            purpose="test",
        )
    message = str(excinfo.value)
    assert "i filnavnet" in message and DATE not in message and PERSONAL not in message
    assert _files_on_disk(upload_dir) == []
    assert session.scalar(select(func.count(StoredFile.id))) == 0


@pytest.mark.parametrize("name", NAMES)
def test_a_name_with_a_number_is_never_shown(name) -> None:
    shown = clean_original_name(name)
    assert DATE not in shown and PERSONAL not in shown
    assert shown in {"fil.txt", "fil.md", "fil"}


def test_other_refusals_do_not_quote_a_name_with_a_number() -> None:
    # The name is checked before the messages that quote it ("Filen «…» er tom").
    with pytest.raises(IdentityNumberError):
        check_upload(f"{NUMBER}.txt", b"")
    with pytest.raises(UploadError) as excinfo:
        check_upload(f"rapport {NUMBER[:10]}.txt", b"")
    assert "tom" in str(excinfo.value) and NUMBER[:10] not in str(excinfo.value)


def test_ordinary_names_with_figures_are_kept(app, session) -> None:
    for name in ("Rapport 2024-123456.txt", "tlf 22 33 44 55.txt", "ISBN 978-82-02-12345-6.txt"):
        stored = store_file(
            session,
            storage=get_storage(app),
            data=name.encode(),
            filename=name,
            uploaded_by=None,
            purpose="test",
        )
        assert stored.original_name == name


def test_library_upload_refuses_the_name_and_does_not_echo_it(client, login, session, lib) -> None:
    login(lib.members["participant"])
    files = [(NAMES[1], b"Tekst om samarbeid og ettervern.")]
    page = upload(client, "egen", files, follow=True).get_data(as_text=True)
    assert "fødselsnummer" in page and "filnavnet" in page
    assert DATE not in page and PERSONAL not in page
    assert lib.count(session) == 0
    assert lib.files_on_disk() == []


@pytest.mark.parametrize("inline", [False, True])
def test_downloads_forbid_framing_and_base_urls(app, session, inline: bool) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, "Side 1")
    pdf.save()
    storage = get_storage(app)
    stored = store_file(
        session,
        storage=storage,
        data=buf.getvalue(),
        filename="a.pdf",
        uploaded_by=None,
        purpose="test",
    )
    session.commit()  # read and published by its job
    with app.test_request_context():
        response = download_response(stored, storage, inline=inline)
        csp = response.headers["Content-Security-Policy"]
        response.close()
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";")}
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["base-uri"] == "base-uri 'none'"
    assert directives["default-src"] == "default-src 'none'"
    assert ("sandbox" in directives) == (not inline)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
