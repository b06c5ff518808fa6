"""Markdown fields keep their rendering beside the text, in step with the text and the pipeline."""

from __future__ import annotations

import pytest
from sqlalchemy import event, inspect, select, update

from circle import rendered as rendered_module
from circle.extensions import db
from circle.identity import IdentityNumberError, check_instance, exemption, scanned_columns
from circle.models import Circle, Role
from circle.rendered import StoredHtml, stored_html_models
from circle.text import PIPELINE_VERSION, render_markdown
from tests.circle.test_identity import FNR

TEXT = "**Viktig** om [lenke](javascript:alert(1)) <script>x</script> og https://nav.no"


def _models(app) -> list[type[StoredHtml]]:  # noqa: ANN001
    with app.app_context():
        return stored_html_models(db.Model.registry.mappers)


def test_every_markdown_field_stores_the_pipelines_html(app) -> None:
    models = _models(app)
    assert {m.__name__ for m in models} >= {
        "Circle",
        "AgendaItem",
        "Minutes",
        "MinutesNote",
        "ReviewComment",
        "LogEntry",
        "ProgressUpdate",
        "MatrixCell",
        "ProjectSection",
        "Report",
        "ReadingList",
        "Thread",
        "StatusUpdate",
    }
    for model in models:
        for field in model.markdown_fields:
            obj = model()
            setattr(obj, field, TEXT)
            stored = getattr(obj, f"{field}_html")
            assert stored == str(render_markdown(TEXT)), (model.__name__, field)
            assert "<script" not in stored and "javascript:" not in stored
            assert obj.html_version == PIPELINE_VERSION
            assert str(obj.rendered(field)) == stored


def test_changing_the_text_rerenders_what_is_stored(session, make_circle) -> None:
    circle = make_circle()
    circle.description = "Første *utkast*"
    session.commit()
    circle.description = "Andre **utkast**"
    session.commit()
    session.expire_all()
    row = session.execute(select(Circle.description_html, Circle.html_version)).one()
    assert row == ("<p>Andre <strong>utkast</strong></p>", PIPELINE_VERSION)


def test_a_new_pipeline_version_is_rerendered_by_the_command(
    app, session, runner, make_circle, monkeypatch
) -> None:
    circle = make_circle()
    session.execute(
        update(Circle).where(Circle.id == circle.id).values(description_html="<p>gammel</p>")
    )
    session.commit()
    fresh = make_circle()
    assert fresh.html_version == PIPELINE_VERSION
    monkeypatch.setattr(rendered_module, "PIPELINE_VERSION", PIPELINE_VERSION + 1)
    # Stale rows are rendered on read until the command has stored the new rendering.
    session.expire_all()
    assert str(circle.rendered("description")) == "<p>Om <em>sirkelen</em>.</p>"

    result = runner.invoke(args=["text", "rerender"])
    assert result.exit_code == 0, result.output
    assert "circle: 2 re-rendered" in result.output
    session.expire_all()
    rows = session.execute(select(Circle.description_html, Circle.html_version)).all()
    assert rows == [("<p>Om <em>sirkelen</em>.</p>", PIPELINE_VERSION + 1)] * 2

    again = runner.invoke(args=["text", "rerender"])
    assert "rows re-rendered: 0" in again.output
    forced = runner.invoke(args=["text", "rerender", "--all", "--batch", "1"])
    assert "circle: 2 re-rendered" in forced.output


def test_a_get_writes_nothing_and_falls_back_to_rendering(
    app, session, client, login, make_circle, make_member
) -> None:
    home = make_circle()
    member = make_member(circle=home, role=Role.PARTICIPANT)
    # As after the migration: the column is there, nothing is stored in it yet.
    session.execute(update(Circle).values(description_html=None, html_version=None))
    session.commit()
    login(member)
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get(f"/c/{home.slug}")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200
    assert "<p>Om <em>sirkelen</em>.</p>" in page.get_data(as_text=True)
    assert writes == []
    assert session.scalar(select(Circle.description_html)) is None


def test_the_guard_scans_the_text_and_exempts_its_rendering(app) -> None:
    for model in _models(app):
        mapper = inspect(model)
        scanned = {key for key, _name in scanned_columns(mapper)}
        for field in model.markdown_fields:
            assert field in scanned, (model.__name__, field)
            assert f"{field}_html" not in scanned
            assert "scanned Markdown column" in exemption(mapper.columns[f"{field}_html"])
    circle_row = Circle(slug="s", name="S", description=f"Om ungdommen {FNR}.")
    with pytest.raises(IdentityNumberError, match="Circle.description"):
        check_instance(circle_row)
