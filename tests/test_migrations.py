"""The Alembic revisions build the same schema as the models (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from circle.extensions import db


def test_upgrade_builds_the_models_schema(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": "x",
            "TESTING": True,
        }
    )
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        if db.engine.dialect.name == "postgresql":
            from tests.library.test_search_backend_config import tsv_storage

            with db.engine.connect() as conn:
                assert tsv_storage(conn) == "m", "search_page.tsv should be kept in the row"
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set(), f"downgrade left tables behind: {remaining}"
        upgrade()
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _revisions(app) -> list[str]:  # noqa: ANN001
    """Return the revision ids from the first to the head."""
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401  (the extension holds the config)

    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _value(column, table_ids):  # noqa: ANN001, ANN202
    """A plausible value for a reflected column (a foreign key points at row 1)."""
    import datetime

    from sqlalchemy import types

    if column.get("foreign_keys"):
        return 1
    kind = column["type"]
    if isinstance(kind, types.Enum) and kind.enums:
        return kind.enums[0]
    if isinstance(kind, types.Boolean):
        return False
    if isinstance(kind, types.Integer | types.Numeric):
        return 1
    if isinstance(kind, types.DateTime):
        return datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    if isinstance(kind, types.Date):
        return datetime.date(2026, 1, 5)
    if isinstance(kind, types.JSON):
        return []
    if isinstance(kind, types.LargeBinary):
        return b"x"
    length = getattr(kind, "length", None) or 40
    return ("v" + str(column["name"]))[: max(1, min(length, 40))]


def _fill_every_table(engine) -> dict[str, int]:  # noqa: ANN001
    """Insert one row into every table of the schema as it stands; return the row counts."""
    from sqlalchemy import MetaData, insert

    meta = MetaData()
    meta.reflect(bind=engine)
    counts = {}
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            fks = {fk.parent.name for fk in table.foreign_keys}
            own_id = list(table.primary_key.columns) if len(table.primary_key.columns) == 1 else []
            row = {
                column.name: _value(
                    {"name": column.name, "type": column.type, "foreign_keys": column.name in fks},
                    None,
                )
                for column in table.columns
                if column not in own_id  # a table's own id is the database's to give
            }
            # A key the database does not generate (the search tables' report_id, a text key
            # such as search_entry.key) needs a value.
            from sqlalchemy import types

            row.update(
                {
                    c.name: _value({"name": c.name, "type": c.type}, None)
                    for c in own_id
                    if c.autoincrement is False or not isinstance(c.type, types.Integer)
                }
            )
            conn.execute(insert(table).values(**row))
            counts[table.name] = 1
    return counts


def test_migrating_in_process_leaves_the_apps_loggers_on(tmp_path):
    """Alembic's logging set-up must not switch off the loggers the app made before it (a
    migration run from a script or a test would silence mail and job logs after it)."""
    import logging

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'logs.db'}",
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": "x",
            "TESTING": True,
        }
    )
    mail_log = logging.getLogger("circle.mail")
    with app.app_context():
        upgrade()
    assert not mail_log.disabled


def test_every_revision_upgrades_a_database_that_holds_data(tmp_path):
    """Each revision after the first runs on a database with a row in every table, keeps the
    rows, and leaves no NULL in a NOT NULL column (server defaults or a backfill)."""
    from sqlalchemy import MetaData, func, select

    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'data.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": "x",
            "TESTING": True,
        }
    )
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        revisions = _revisions(app)
        assert revisions, "no revisions found"
        try:
            for previous, revision in zip(revisions, revisions[1:], strict=False):
                downgrade(revision="base")
                upgrade(revision=previous)
                before = _fill_every_table(db.engine)
                upgrade(revision=revision)
                meta = MetaData()
                meta.reflect(bind=db.engine)
                with db.engine.connect() as conn:
                    for name, count in before.items():
                        if name in meta.tables:
                            kept = conn.scalar(select(func.count()).select_from(meta.tables[name]))
                            assert kept == count, f"{revision} lost rows of {name}"
                    for table in meta.tables.values():
                        for column in table.columns:
                            if not column.nullable:
                                nulls = conn.scalar(
                                    select(func.count()).select_from(table).where(column.is_(None))
                                )
                                assert nulls == 0, (
                                    f"{revision} left {table.name}.{column.name} NULL"
                                )
        finally:
            db.session.remove()
            downgrade(revision="base")
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_revisions_never_import_application_code():
    """A released revision must mean the same schema whatever the code looks like later."""
    import ast
    from pathlib import Path

    own = {"app", "circle", "meetings", "projects", "library"}
    versions = Path(__file__).resolve().parents[1] / "migrations" / "versions"
    offenders = []
    for path in sorted(versions.glob("*.py")):
        if path.name.startswith("a5b81271deb2"):
            continue  # the frozen baseline, released before this rule
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in own]
    assert offenders == []


@contextmanager
def _empty_database(tmp_path, name: str) -> Iterator[None]:  # noqa: ANN001
    """An app context on an empty database (no tables); left empty again afterwards."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / name}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        try:
            yield
        finally:
            downgrade(revision="base")
            db.session.remove()
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_thread_notifications_move_into_the_general_table(tmp_path):
    """Upgrading keeps every thread notice (read or not) in the general notification table;
    downgrading puts them back."""
    from sqlalchemy import text

    when = "2026-01-05 10:00:00+00:00"
    with _empty_database(tmp_path, "moved.db"):
        upgrade(revision="a5b81271deb2")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO member (id, email, name, job_title, phone, is_admin, active, "
                    "session_token, created_at) VALUES (1, 'a@b.no', 'Ada', '', '', false, true, "
                    "'tok', :when)"
                ),
                {"when": when},
            )
            conn.execute(
                text(
                    "INSERT INTO circle (id, slug, name, description, institution, created_at) "
                    "VALUES (1, 'sirkel', 'Sirkel', '', '', :when)"
                ),
                {"when": when},
            )
            conn.execute(
                text(
                    "INSERT INTO thread (id, circle_id, kind, audience, state, title, "
                    "requested_by, pinned, locked, resolution, created_at, last_post_id, "
                    "last_post_at, post_count) VALUES (7, 1, 'discussion', 'circle', 'open', "
                    "'Bolig før 18', '', false, false, '', :when, 0, :when, 0)"
                ),
                {"when": when},
            )
            conn.execute(
                text(
                    "INSERT INTO thread_notification (member_id, circle_id, thread_id, kind, "
                    "created_at, read_at) VALUES (1, 1, 7, 'mention', :when, NULL), "
                    "(1, 1, 7, 'post', :when, :when)"
                ),
                {"when": when},
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT member_id, kind, subject_kind, subject_id, thread_id, title, "
                    "read_at IS NULL FROM notification ORDER BY id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            (1, "mention", "thread", 7, 7, "Bolig før 18", True),
            (1, "post", "thread", 7, 7, "Bolig før 18", False),
        ]
        downgrade(revision="a5b81271deb2")
        with db.engine.connect() as conn:
            back = conn.execute(
                text("SELECT kind, thread_id FROM thread_notification ORDER BY id")
            ).all()
        assert [tuple(r) for r in back] == [("mention", 7), ("post", 7)]


def test_duplicate_meeting_numbers_are_renumbered_before_the_constraint(tmp_path):
    """A circle with two meetings numbered 2 upgrades: the older keeps 2, the later gets the
    next free number; another circle's numbers are left alone."""
    from sqlalchemy import text

    when = "2026-01-05 10:00:00+00:00"
    with _empty_database(tmp_path, "numbers.db"):
        upgrade(revision="deb796cd94f5")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO circle (id, slug, name, description, institution, created_at) "
                    "VALUES (1, 'a', 'A', '', '', :when), (2, 'b', 'B', '', '', :when)"
                ),
                {"when": when},
            )
            for meeting_id, circle_id, number in ((1, 1, 1), (2, 1, 2), (3, 1, 2), (4, 1, 3)):
                conn.execute(
                    text(
                        "INSERT INTO meeting (id, circle_id, number, kind, title, starts_at, "
                        "ends_at, place, address, video_url, theme, ical_uid, ical_sequence, "
                        "changed_since_notice, created_at, updated_at) VALUES (:id, :circle, "
                        ":number, 'circle', 'M', :when, :when, '', '', '', '', :uid, 0, false, "
                        ":when, :when)"
                    ),
                    {
                        "id": meeting_id,
                        "circle": circle_id,
                        "number": number,
                        "when": when,
                        "uid": f"uid{meeting_id}",
                    },
                )
            conn.execute(
                text(
                    "INSERT INTO meeting (id, circle_id, number, kind, title, starts_at, ends_at, "
                    "place, address, video_url, theme, ical_uid, ical_sequence, "
                    "changed_since_notice, created_at, updated_at) VALUES (5, 2, 2, 'circle', "
                    "'M', :when, :when, '', '', '', '', 'uid5', 0, false, :when, :when)"
                ),
                {"when": when},
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, number FROM meeting ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 1), (2, 2), (3, 4), (4, 3), (5, 2)]
