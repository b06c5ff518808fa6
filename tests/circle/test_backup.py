"""Backup while the site runs, restore into an empty folder, and the integrity check."""

from __future__ import annotations

import threading

import pytest

from app import create_app
from circle.extensions import db
from circle.files import store_file
from circle.models import Member
from circle.storage import get_storage


def _sqlite_app(tmp_path, name):  # noqa: ANN001, ANN202
    data = tmp_path / name
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data / 'db.sqlite3'}",
            "DATA_DIR": str(data),
            "UPLOAD_DIR": str(data / "files"),
            "SECRET_KEY": "x",
            "TESTING": True,
            "JOBS_EAGER": True,
            "QUEUE_URL": "memory://",
        }
    )


def test_backup_during_writes_and_restore_passes_checks(tmp_path):
    source = _sqlite_app(tmp_path, "live")
    with source.app_context():
        db.create_all()
        for i in range(5):
            store_file(
                db.session,
                storage=get_storage(source),
                data=f"Notat nummer {i} om samarbeid.".encode(),
                filename=f"notat {i}.txt",
                uploaded_by=None,
                purpose="test",
            )
        db.session.commit()
    stop = threading.Event()

    def keep_writing() -> None:
        with source.app_context():
            n = 0
            while not stop.is_set() and n < 500:
                db.session.add(Member(email=f"w{n}@t.example", name="W"))
                db.session.commit()
                n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    archive = tmp_path / "backup.tar.gz"
    result = source.test_cli_runner().invoke(args=["backup", "create", str(archive)])
    stop.set()
    writer.join()
    assert result.exit_code == 0, result.output

    target = _sqlite_app(tmp_path, "restored")
    restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert "5 files" in restored.output
    check = target.test_cli_runner().invoke(args=["check"])
    assert check.exit_code == 0, check.output
    again = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert again.exit_code != 0 and "empty data folder" in again.output


def test_check_reports_missing_and_changed_files(tmp_path):
    app = _sqlite_app(tmp_path, "checked")
    with app.app_context():
        db.create_all()
        a = store_file(
            db.session,
            storage=get_storage(app),
            data=b"hei",
            filename="a.txt",
            uploaded_by=None,
            purpose="test",
        )
        b = store_file(
            db.session,
            storage=get_storage(app),
            data=b"hallo",
            filename="b.txt",
            uploaded_by=None,
            purpose="test",
        )
        db.session.commit()
        keys = a.key, b.key
    files = tmp_path / "checked" / "files"
    (files / keys[0][:2] / keys[0]).unlink()
    (files / keys[1][:2] / keys[1]).write_bytes(b"endret")
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code != 0
    assert "is missing" in result.output and "has changed" in result.output


@pytest.mark.parametrize("name", ["../../x.txt", "æøå.txt", "CON.txt", "a" * 300 + ".txt"])
def test_stored_under_random_key_original_name_on_download(app, client, session, name):
    from circle.files import download_response

    with app.app_context():
        stored = store_file(
            db.session,
            storage=get_storage(app),
            data=b"innhold",
            filename=name,
            uploaded_by=None,
            purpose="test",
        )
        db.session.commit()
        assert "/" not in stored.original_name and len(stored.original_name) <= 255
        assert stored.key.isalnum() and name not in stored.key
        with app.test_request_context():
            response = download_response(stored, get_storage(app))
            disposition = response.headers["Content-Disposition"]
            response.close()
    assert disposition.startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if name == "æøå.txt":
        assert "filename*=UTF-8''%C3%A6%C3%B8%C3%A5.txt" in disposition
