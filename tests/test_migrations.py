"""The Alembic revisions build the same schema as the models (SQLite and PostgreSQL)."""

from __future__ import annotations

import os

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
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set(), f"downgrade left tables behind: {remaining}"
        upgrade()
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_thread_notifications_move_into_the_general_table(tmp_path):
    """Upgrading keeps every thread notice (read or not) in the general notification table;
    downgrading puts them back."""
    from sqlalchemy import text

    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'moved.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": str(tmp_path), "SECRET_KEY": "x"})
    when = "2026-01-05 10:00:00+00:00"
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
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
        downgrade(revision="base")
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
