"""SQL queries per page: at most a dozen on the main pages, and no more at ten times the data."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from circle.extensions import db
from circle.threads.models import Audience, Thread
from meetings.models import Meeting, Minutes, MinutesState
from projects.models import Project
from tests.pages import load_demo_world, sign_in

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from scale_data import grow  # noqa: E402

LIMIT = 12
SLUG = "overganger"
PARTICIPANT = "sara.nilsen@demo.example"
REFERENCE = "lena.brekke@demo.example"


def _pages() -> dict[str, tuple[str, str]]:
    """Return page name -> (path, who) for the pages bench/pages.py drives."""
    meeting = db.session.scalar(
        select(Meeting.id)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Minutes.state.in_([MinutesState.APPROVED, MinutesState.DISTRIBUTED]))
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    project = db.session.scalar(select(Project.id).order_by(Project.id).limit(1))
    thread = db.session.scalar(
        select(Thread.id)
        .where(Thread.audience == Audience.CIRCLE)
        .order_by(Thread.post_count.desc(), Thread.id)
        .limit(1)
    )
    base = f"/c/{SLUG}"
    return {
        "circle_home": (base, PARTICIPANT),
        "meeting": (f"{base}/meetings/{meeting}", PARTICIPANT),
        "approved_minutes": (f"{base}/meetings/{meeting}/minutes", PARTICIPANT),
        "project_workspace": (f"{base}/projects/{project}", PARTICIPANT),
        "library_search": (f"{base}/library?q=bolig", PARTICIPANT),
        "thread": (f"{base}/threads/{thread}", PARTICIPANT),
        "reference_start": (f"{base}/reference", REFERENCE),
        "notifications": ("/notifications", PARTICIPANT),
    }


@contextmanager
def _counting(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements sent while the block runs."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _count_pages(app: Flask, clients: dict[str, FlaskClient]) -> dict[str, int]:
    """Return the statements one warm request to each page sends."""
    with app.app_context():
        pages = _pages()
    counts = {}
    for name, (path, who) in pages.items():
        assert clients[who].get(path).status_code == 200, name  # warm: templates, caches
        with _counting(app) as statements:
            answer = clients[who].get(path)
        assert answer.status_code == 200, name
        counts[name] = len(statements)
    return counts


@pytest.fixture
def counts(app: Flask) -> tuple[dict[str, int], dict[str, int]]:
    """Queries per page on the demo data, then after growing it tenfold."""
    load_demo_world(app)
    clients = {}
    for who in (PARTICIPANT, REFERENCE):
        clients[who] = app.test_client()
        sign_in(clients[who], who)
    demo = _count_pages(app, clients)
    with app.app_context():
        # The demo has about 22 members, 9 meetings, 9 reports and 21 posts.
        grow(db.session, members=220, meetings=90, reports=90, posts=210, notices=300)
        db.session.commit()
    return demo, _count_pages(app, clients)


def test_pages_send_at_most_a_dozen_queries(counts) -> None:  # noqa: ANN001
    """Every main page answers with at most LIMIT statements on the demo data."""
    demo, _bigger = counts
    assert {name: n for name, n in demo.items() if n > LIMIT} == {}


def test_query_counts_do_not_grow_with_the_data(counts) -> None:  # noqa: ANN001
    """Ten times the members, meetings, reports and posts cost no extra statement."""
    demo, bigger = counts
    assert bigger == demo
    assert sum(demo.values()) > len(demo)  # the counter saw the pages' queries
