"""Both search backends for the contract tests: Whoosh in a folder, PostgreSQL in a schema."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from library.search import SearchBackend

BACKENDS = ("whoosh", "postgresql")
_schemas = itertools.count(1)


def pg_url() -> str | None:
    """Return TEST_DATABASE_URL if it names a PostgreSQL database."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def pg_schema_engine(tables: list) -> Engine:  # noqa: ANN001
    """Return an engine on a schema of its own holding these tables (skip without PostgreSQL)."""
    url = pg_url()
    if url is None:
        pytest.skip("the PostgreSQL search backend needs TEST_DATABASE_URL=postgresql://...")
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    schema = f"search_contract_{os.getpid()}_{next(_schemas)}"
    with create_engine(url, poolclass=NullPool).begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    engine = create_engine(
        url, poolclass=NullPool, connect_args={"options": f"-csearch_path={schema},public"}
    )
    # Created through the schema map: with search_path alone, tables of the same name in
    # public (made by the app fixture) would count as present already.
    with engine.execution_options(schema_translate_map={None: schema}).begin() as conn:
        tables[0].metadata.create_all(conn, tables=list(tables))
    return engine


def new_backend(kind: str, folder: Path) -> SearchBackend:
    """Return an empty backend of this kind; the PostgreSQL one gets a schema of its own."""
    if kind == "whoosh":
        from library.search.whoosh_backend import WhooshBackend

        return WhooshBackend(folder / "index")
    from library.search.postgres_backend import TABLES, PostgresBackend

    return PostgresBackend(pg_schema_engine(list(TABLES)))


@pytest.fixture(params=BACKENDS)
def fresh_backend(request: pytest.FixtureRequest, tmp_path: Path):  # noqa: ANN201
    """Return a maker of empty backends of one kind (the test runs once per kind)."""
    made: list[SearchBackend] = []

    def make() -> SearchBackend:
        made.append(new_backend(request.param, tmp_path / f"backend-{len(made)}"))
        return made[-1]

    return make
