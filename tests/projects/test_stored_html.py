"""Write-up sections and matrix cells, saved by compare-and-set UPDATEs, store their HTML too."""

from __future__ import annotations

from sqlalchemy import select

from circle.text import PIPELINE_VERSION, render_markdown
from projects.models import MatrixCell, MatrixColumn, ProjectSection
from projects.services import matrix, writeup


def test_a_second_save_of_a_section_stores_the_new_html(session, people, make_project) -> None:
    project = make_project()
    for revision, body in enumerate(("Første *utkast*", "Andre **utkast**")):
        writeup.save_section(
            session,
            people.circle,
            project,
            "goals",
            actor=people.writer,
            body=body,
            base_revision=revision,
        )
        session.commit()
    session.expire_all()
    stored = session.execute(select(ProjectSection.body_html, ProjectSection.html_version)).one()
    assert stored == (str(render_markdown("Andre **utkast**")), PIPELINE_VERSION)


def test_a_second_save_of_a_matrix_cell_stores_the_new_html(session, people) -> None:
    row = matrix.add_row(session, people.circle, actor=people.writer, title="Bolig")
    for revision, body in enumerate(("Botrening", "Botrening *før* flytting")):
        matrix.save_cell(
            session,
            people.circle,
            row,
            MatrixColumn.PRACTICE,
            actor=people.writer,
            body=body,
            base_revision=revision,
        )
        session.commit()
    session.expire_all()
    stored = session.execute(select(MatrixCell.body_html, MatrixCell.html_version)).one()
    assert stored == ("<p>Botrening <em>før</em> flytting</p>", PIPELINE_VERSION)
