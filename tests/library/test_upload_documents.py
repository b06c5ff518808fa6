"""Reports are read in full: a number in any hidden place refuses the file, leaving nothing."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

from pathlib import Path

import pytest

from tests.circle.documents import builders as b
from tests.circle.documents.numbers import FNR
from tests.library.factories import (  # noqa: F401
    index_ids,
    lib,
    problems,
    refusal_shown,
    upload,
    uploaded,
)

HIDDEN = [
    ("fotnote.docx", b.docx_footnote, "i en fotnote"),
    ("kommentar.docx", b.docx_comment, "i en kommentar"),
    ("slettet.docx", b.docx_deleted, "slettet tekst"),
    ("egenskaper.docx", b.docx_custom_property, "egendefinerte dokumentegenskapene"),
    ("info.pdf", b.pdf_info, "i dokumentegenskapene"),
    ("merknad.pdf", b.pdf_annotation, "i en merknad (annotasjon) på side 2"),
    ("linjer.pdf", b.pdf_two_lines, "på side 1"),
]


def _everything_on_disk(app) -> list[Path]:  # noqa: ANN001
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()]  # .part files included


@pytest.mark.parametrize(("name", "build", "where"), HIDDEN, ids=[h[0] for h in HIDDEN])
def test_number_in_a_hidden_place_refuses_the_report(
    client, login, session, lib, name, build, where
):
    login(lib.members["participant"])
    response = upload(client, "egen", [(name, build(FNR)), ("god.txt", b"Tekst om ettervern.")])
    assert response.status_code == 302
    page = refusal_shown(client, uploaded(session, name))
    assert "ser ut til å inneholde et fødselsnummer" in page and where in page
    assert FNR not in page
    assert uploaded(session, "god.txt").ready
    assert [p.suffix for p in _everything_on_disk(lib.app)] == [""]  # only the good file
    assert index_ids(lib.app) == {uploaded(session, "god.txt").id}
    assert problems(lib.app) == []


def test_budget_refusal_reaches_the_member(client, login, session, lib):
    from tests.circle.documents.bombs import many_pages_pdf

    login(lib.members["participant"])
    response = upload(client, "egen", [("tykk.pdf", many_pages_pdf(4000))])
    assert response.status_code == 302
    page = refusal_shown(client, uploaded(session, "tykk.pdf"))
    assert "Filen har flere enn 3 000 sider" in page
    assert not _everything_on_disk(lib.app) and index_ids(lib.app) == set()


def test_upload_page_lists_the_report_types(client, login, lib):
    login(lib.members["participant"])
    page = client.get("/c/egen/library/upload").get_data(as_text=True)
    assert "PDF, Word (DOCX), ren tekst (TXT) eller Markdown (MD)" in page
    assert 'accept=".pdf,.docx,.txt,.md"' in page


def test_import_command_names_the_place_and_stores_nothing(runner, session, lib, tmp_path):
    bad = tmp_path / "merknad.pdf"
    bad.write_bytes(b.pdf_annotation(FNR))
    good = tmp_path / "god.docx"
    good.write_bytes(b.docx_body("Samarbeid om bolig for unge voksne i bydelen."))
    result = runner.invoke(args=["library", "import", str(bad), str(good)])
    assert result.exit_code == 1
    assert "i en merknad (annotasjon) på side 2" in result.output
    assert FNR not in result.output
    assert "1 imported, 1 failed" in result.output
    assert lib.count(session) == 1 and len(_everything_on_disk(lib.app)) == 1


def test_number_in_the_file_name_is_refused_and_not_shown(client, login, session, lib):
    login(lib.members["participant"])
    response = upload(client, "egen", [(f"liste {FNR}.txt", b"Tekst om ettervern og bolig.")])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "i filnavnet" in page and FNR not in page
    assert lib.count(session) == 0 and not _everything_on_disk(lib.app)
