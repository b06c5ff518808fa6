"""Write-up sections and matrix cells, saved by compare-and-set UPDATEs, store their HTML too."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import select

from circle.text import PIPELINE_VERSION
from projects.models import MatrixCell, MatrixColumn, ProjectSection
from projects.services import matrix, writeup


@pytest.mark.parametrize("model", [ProjectSection, MatrixCell])
def test_a_second_save_stores_the_new_html(session, people, make_project, model) -> None:
    if model is ProjectSection:
        target = (make_project(), "goals")
        save = partial(writeup.save_section, session, people.circle, *target, actor=people.writer)
    else:
        target = (matrix.add_row(session, people.circle, actor=people.writer, title="Bolig"),)
        save = partial(
            matrix.save_cell, session, people.circle, *target, MatrixColumn.PRACTICE,
            actor=people.writer,
        )  # fmt: skip
    save(body="Første *utkast*", base_revision=0)
    session.commit()
    save(body="Andre **utkast**", base_revision=1)  # the UPDATE statement, not the ORM
    session.commit()
    session.expire_all()
    stored = session.execute(select(model.body_html, model.html_version)).one()
    assert stored == ("<p>Andre <strong>utkast</strong></p>", PIPELINE_VERSION)
