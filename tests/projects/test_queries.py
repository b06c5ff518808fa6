"""Query counts: the overview and a workspace cost the same however much a circle holds."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from circle.extensions import db
from circle.models import Role
from tests.projects.bigdata import fill_circle


@contextmanager
def counting(app):  # noqa: ANN001, ANN201
    """Count the SQL statements run inside the block."""
    statements: list[str] = []

    def listener(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _counts(app, client, circle, project) -> dict[str, int]:  # noqa: ANN001
    counts = {}
    for name, url in [
        ("overview", f"/c/{circle.slug}/projects"),
        ("workspace", f"/c/{circle.slug}/projects/{project.id}"),
        ("report", f"/c/{circle.slug}/report"),
    ]:
        client.get(url)  # warm up (session loading, template compilation)
        with counting(app) as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts[name] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_the_circle(
    app, client, login, session, make_circle, make_member
) -> None:  # noqa: ANN001
    small, big = make_circle(), make_circle()
    leader = make_member("Lea", circle=small, role=Role.LEADER)
    from circle.models import Membership

    session.add(Membership(member=leader, circle=big, role=Role.LEADER))
    session.commit()
    small_project = fill_circle(
        session, small, leader, projects=1, revisions=2, files=1, log_entries=2
    )[0]
    big_project = fill_circle(session, big, leader)[0]
    session.commit()
    login(leader)
    small_counts = _counts(app, client, small, small_project)
    big_counts = _counts(app, client, big, big_project)
    assert big_counts == small_counts, (small_counts, big_counts)
    assert big_counts["workspace"] <= 20
