"""The transition matrix: rows, cell revisions, concurrency, CSV and DOCX."""

from __future__ import annotations

import csv
import io

import docx
import pytest

from circle.errors import Conflict, NotAllowed
from projects.models import MatrixColumn
from projects.services import matrix
from projects.services._common import StaleEdit


def test_default_rows_once_and_own_rows(session, people) -> None:  # noqa: ANN001
    rows = matrix.add_default_rows(session, people.circle, actor=people.writer)
    assert [r.title for r in rows] == [
        "Bolig",
        "Økonomi",
        "Dagaktivitet: skole og arbeid",
        "Helse",
        "Systemnivå",
    ]
    with pytest.raises(Conflict):
        matrix.add_default_rows(session, people.circle, actor=people.writer)
    matrix.add_row(session, people.circle, actor=people.colleague, title="Nettverk")
    with pytest.raises(Conflict):
        matrix.add_row(session, people.circle, actor=people.colleague, title="nettverk")
    with pytest.raises(NotAllowed):
        matrix.add_row(session, people.circle, actor=people.reference, title="Skole")
    assert matrix.load_matrix(session, people.circle)[-1].title == "Nettverk"


def test_cell_revisions_and_stale_save(session, people) -> None:  # noqa: ANN001
    row = matrix.add_row(session, people.circle, actor=people.writer, title="Bolig")
    cell = matrix.save_cell(
        session,
        people.circle,
        row,
        MatrixColumn.PRACTICE,
        actor=people.writer,
        body="Botrening",
        base_revision=0,
    )
    matrix.save_cell(
        session,
        people.circle,
        row,
        MatrixColumn.PRACTICE,
        actor=people.colleague,
        body="Botrening før flytting",
        base_revision=1,
    )
    session.commit()
    with pytest.raises(StaleEdit) as excinfo:
        matrix.save_cell(
            session,
            people.circle,
            row,
            MatrixColumn.PRACTICE,
            actor=people.writer,
            body="Noe annet",
            base_revision=1,
        )
    session.rollback()
    assert excinfo.value.current_body == "Botrening før flytting"
    revisions = matrix.cell_revisions(session, cell)
    assert [(r.number, r.author_id) for r in revisions] == [
        (2, people.colleague.id),
        (1, people.writer.id),
    ]
    assert matrix.get_cell(session, row, MatrixColumn.PRACTICE).body == "Botrening før flytting"


def test_csv_export_has_every_cell_and_defuses_formulas(session, people) -> None:  # noqa: ANN001
    row = matrix.add_row(session, people.circle, actor=people.writer, title="Økonomi")
    matrix.save_cell(
        session,
        people.circle,
        row,
        MatrixColumn.VULNERABLE,
        actor=people.writer,
        body='=HYPERLINK("x")',
        base_revision=0,
    )
    text = matrix.matrix_csv(matrix.load_matrix(session, people.circle))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Overgang",
        "Alternativer",
        "Hvem er involvert",
        "Hva er sårbart",
        "God praksis",
    ]
    assert rows[1][0] == "Økonomi" and rows[1][3].startswith("'=")


def test_matrix_views_csv_docx_and_conflict(client, login, session, people) -> None:  # noqa: ANN001
    login(people.writer)
    slug = people.circle.slug
    assert client.post(f"/c/{slug}/matrix/defaults").status_code == 302
    row = matrix.load_matrix(session, people.circle)[0]
    url = f"/c/{slug}/matrix/rows/{row.id}/alternatives"
    r = client.post(url, data={"body": "Egen leilighet", "base_revision": "0"})
    assert r.status_code == 302
    r = client.post(url, data={"body": "Hybel", "base_revision": "0"})
    assert r.status_code == 409 and "Egen leilighet" in r.get_data(as_text=True)
    page = client.get(f"/c/{slug}/matrix").get_data(as_text=True)
    assert "Egen leilighet" in page and "Hybel" not in page
    csv_response = client.get(f"/c/{slug}/matrix.csv")
    assert "Egen leilighet" in csv_response.get_data(as_text=True)
    assert csv_response.headers["Content-Disposition"].startswith("attachment")
    document = docx.Document(io.BytesIO(client.get(f"/c/{slug}/matrix.docx").data))
    table = document.tables[0]
    assert table.cell(0, 1).text == "Alternativer"
    assert table.cell(1, 0).text == "Bolig" and table.cell(1, 1).text == "Egen leilighet"
    client.post(url, data={"body": "Egen leilighet\nHybel", "base_revision": "1"})
    history = client.get(url + "/history").get_data(as_text=True)
    assert "diff-added" in history and "Hybel" in history
