"""SEARCH_BACKEND: the default follows the database, and a wrong choice is refused."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from circle.search import backend_name
from library.index import get_backend, release_backend
from library.search import ReportDoc, SearchQuery


def _app(url: str, choice: str = "") -> Flask:
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SEARCH_BACKEND=choice)
    return app


@pytest.mark.parametrize(
    ("url", "choice", "expected"),
    [
        ("sqlite:///x.db", "", "whoosh"),
        ("postgresql+psycopg://u@h/db", "", "postgresql"),
        ("postgresql+psycopg://u@h/db", "whoosh", "whoosh"),
        ("sqlite:///x.db", " PostgreSQL ", "postgresql"),
    ],
)
def test_default_follows_the_database(url: str, choice: str, expected: str) -> None:
    assert backend_name(_app(url, choice)) == expected


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="SEARCH_BACKEND must be one of whoosh, postgresql"):
        backend_name(_app("sqlite:///x.db", "elastic"))


def test_postgresql_backend_needs_a_postgresql_database(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("runs where the test database is SQLite")
    release_backend(app)
    app.config["SEARCH_BACKEND"] = "postgresql"
    with app.app_context(), pytest.raises(ValueError, match="needs a PostgreSQL DATABASE_URL"):
        get_backend(app)
    release_backend(app)


def test_postgresql_backend_writes_rows_idempotently(app: Flask) -> None:
    """On PostgreSQL the app's backend keeps pages in the database, once each."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the PostgreSQL pass runs this (TEST_DATABASE_URL=postgresql://...)")
    from circle.extensions import db
    from library.search.pg_tables import search_page, search_report, search_term

    doc = ReportDoc(id=41, title="Ettervern", pages=["Om bostøtte.", "", "Om ettervern."])
    with app.app_context():
        backend = get_backend(app)
        assert type(backend).__name__ == "PostgresBackend"
        backend.index_report(doc)
        backend.index_report(doc)  # a retried job writes the same rows again
        pages = db.session.execute(select(search_page.c.page).order_by("page")).scalars()
        assert list(pages) == [1, 3]
        assert db.session.scalar(select(func.count()).select_from(search_report)) == 1
        hit = backend.search(SearchQuery("ettervern", frozenset({41}))).hits[0]
        assert [p.page for p in hit.pages] == [3]
        backend.rebuild(iter([]))
        for table in (search_report, search_page, search_term):
            assert db.session.scalar(select(func.count()).select_from(table)) == 0


def tsv_storage(conn) -> str:  # noqa: ANN001
    """Return how PostgreSQL stores search_page.tsv: 'm' keeps it in the row."""
    from sqlalchemy import text

    return conn.scalar(
        text(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'search_page'::regclass AND attname = 'tsv'"
        )
    )


def test_postgresql_page_vectors_stay_in_the_row(app: Flask) -> None:
    """Matching and ranking read every candidate page's vector: not from TOAST chunks."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the PostgreSQL pass runs this (TEST_DATABASE_URL=postgresql://...)")
    from circle.extensions import db

    with app.app_context():
        assert tsv_storage(db.session) == "m"


def test_postgresql_search_leaves_the_pool_transactional(app: Flask) -> None:
    """A search reads without a transaction block; the connection's next user gets one."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("the PostgreSQL pass runs this (TEST_DATABASE_URL=postgresql://...)")
    from sqlalchemy import create_engine

    from library.search.postgres_backend import PostgresBackend

    with app.app_context():
        get_backend(app).index_report(ReportDoc(id=42, title="Bolig", pages=["Om bolig."]))
    engine = create_engine(url, pool_size=1, max_overflow=0)  # one connection, reused
    backend = PostgresBackend(engine)
    try:
        with backend._reading() as conn:
            assert conn.connection.dbapi_connection.autocommit is True
        assert backend.search(SearchQuery("bolig", frozenset({42}))).total == 1
        assert backend.related(42, frozenset({42})) == []
        with engine.connect() as conn:
            assert conn.connection.dbapi_connection.autocommit is False
            conn.exec_driver_sql("SELECT 1")
            assert conn.connection.dbapi_connection.info.transaction_status != 0  # in a block
        backend.delete_report(42)
    finally:
        engine.dispose()


def test_postgresql_search_round_trips(app: Flask) -> None:
    """A word search with snippets is four statements: reports and spellings, compounds,
    scores, and the shown reports' best pages."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the PostgreSQL pass runs this (TEST_DATABASE_URL=postgresql://...)")
    from sqlalchemy import event

    # Enough reports hold the word itself that "Mente du" is not asked, and one a compound.
    docs = [
        ReportDoc(id=rid, title="Rapport", pages=["Om ettervernet.", "Om ettervernstiltak."])
        for rid in range(43, 47)
    ]
    with app.app_context():
        backend = get_backend(app)
        for doc in docs:
            backend.index_report(doc)
        statements: list[str] = []

        def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
            statements.append(statement)

        event.listen(backend.engine, "before_cursor_execute", count)
        try:
            result = backend.search(SearchQuery("ettervern", frozenset(range(43, 47))))
        finally:
            event.remove(backend.engine, "before_cursor_execute", count)
        assert result.total == 4
        assert all(h.pages for h in result.hits)
        assert len(statements) == 4, statements
        for doc in docs:
            backend.delete_report(doc.id)
