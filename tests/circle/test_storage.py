"""Where files live: the same contract for the data folder and S3; pending until committed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from circle.extensions import db
from circle.files import forget_file, store_file
from circle.models import FileState, StoredFile
from circle.storage import LocalStorage, Storage, get_storage
from circle.storage.s3 import S3Storage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-protocol server (moto) on loopback, for the whole session."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _s3(endpoint: str, bucket: str) -> S3Storage:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-north-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - moto accepts any
    )
    client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    return S3Storage(client, bucket, "sirkel")


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path) -> Storage:  # noqa: ANN001
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    endpoint = request.getfixturevalue("s3_endpoint")
    return _s3(endpoint, f"b{time.time_ns()}")


KEY = "ab" + "0123456789abcdef" * 2


def test_a_pending_file_is_not_there_until_published(storage: Storage) -> None:
    storage.put_pending(KEY, b"innhold")
    assert storage.exists(KEY, pending=True) and not storage.exists(KEY)
    with pytest.raises(FileNotFoundError):
        storage.open(KEY)
    assert storage.publish(KEY) is True
    assert storage.read(KEY) == b"innhold" and not storage.exists(KEY, pending=True)
    assert storage.publish(KEY) is False  # published already: nothing to do


def test_listing_tells_pending_from_published_and_delete_removes_both(storage: Storage) -> None:
    storage.put_pending(KEY, b"ferdig")
    storage.publish(KEY)
    other = "cd" + KEY[2:]
    storage.put_pending(other, b"halv")
    entries = {(e.key, e.pending, e.size) for e in storage.entries()}
    assert entries == {(KEY, False, 6), (other, True, 4)}
    storage.delete(KEY)
    storage.delete(other)
    storage.delete(other)  # twice is fine
    assert list(storage.entries()) == []


@pytest.mark.parametrize("key", ["", "../x", "a/b", ".hidden", "a\\b"])
def test_keys_cannot_leave_the_storage(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError, match="bad storage key"):
        storage.put_pending(key, b"x")


def _store(app, data: bytes = b"Tekst om samarbeid.", name: str = "notat.txt") -> StoredFile:  # noqa: ANN001
    stored = store_file(
        db.session,
        storage=get_storage(app),
        data=data,
        filename=name,
        uploaded_by=None,
        purpose="test",
    )
    return stored


def _files(app) -> list[Path]:  # noqa: ANN001
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_committed_upload_is_read_published_and_ready(app) -> None:
    with app.app_context():
        stored = _store(app)
        assert [p.suffix for p in _files(app)] == [".part"]  # pending until the commit
        db.session.commit()
        db.session.refresh(stored)
        assert stored.state == FileState.READY
    assert [p.suffix for p in _files(app)] == [""]


def test_a_rolled_back_upload_leaves_no_file(app) -> None:
    with app.app_context():
        _store(app)
        assert _files(app)
        db.session.rollback()
        assert db.session.scalar(select(StoredFile)) is None
    assert _files(app) == []


def test_a_forgotten_file_loses_its_bytes_only_when_the_deletion_commits(app) -> None:
    with app.app_context():
        stored = _store(app)
        db.session.commit()
        forget_file(db.session, stored)
        db.session.rollback()  # changed our mind: the file stays
        assert len(_files(app)) == 1
        stored = db.session.scalar(select(StoredFile))
        forget_file(db.session, stored)
        db.session.commit()
    assert _files(app) == []


def _check(app, *args: str):  # noqa: ANN001, ANN202
    return app.test_cli_runner().invoke(args=["check", *args])


def test_check_finds_orphans_and_partial_files_and_repair_removes_them(app) -> None:
    storage = get_storage(app)
    with app.app_context():
        kept = _store(app)
        db.session.commit()
        kept_key = kept.key
    storage.put_pending("ee" + KEY[2:], b"halvt opplastet")  # a crash before the commit
    storage.put_pending("ff" + KEY[2:], b"uten rad")
    storage.publish("ff" + KEY[2:])  # bytes whose row is gone
    old = time.time() - 2 * 3600
    for path in _files(app):
        os.utime(path, (old, old))
    found = _check(app)
    assert found.exit_code != 0
    assert f"partial file ee{KEY[2:]} has no row" in found.output
    assert f"orphan file ff{KEY[2:]} has no row" in found.output
    mended = _check(app, "--repair")
    assert mended.exit_code == 0, mended.output
    assert [p.name for p in _files(app)] == [kept_key]
    assert _check(app).exit_code == 0


def test_a_young_pending_file_may_be_an_upload_in_progress(app) -> None:
    get_storage(app).put_pending("ee" + KEY[2:], "akkurat nå".encode())
    assert _check(app).exit_code == 0
    assert len(_files(app)) == 1


def test_refused_bytes_left_behind_are_found_and_removed(app) -> None:
    storage = get_storage(app)
    with app.app_context():
        stored = _store(app, data=f"Sak {_number()} om bolig.".encode(), name="ikke.txt")
        db.session.commit()
        db.session.refresh(stored)
        assert stored.state == FileState.REFUSED and not storage.exists(stored.key)
        storage.put_pending(stored.key, b"x")  # as if the deletion had been lost
        storage.publish(stored.key)
    assert "was refused, but its bytes are still there" in _check(app).output
    assert _check(app, "--repair").exit_code == 0
    assert _files(app) == []


def _number() -> str:
    import datetime

    from tests.circle.test_identity import valid_number

    return valid_number(datetime.date(1990, 5, 17))


def _child(
    tmp_path: Path, script: str, env_extra: dict | None = None
) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATA_DIR=str(tmp_path / "data"), APP_ENV="development")
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_process_killed_between_writing_and_committing_leaves_only_a_reported_part(tmp_path):
    """SIGKILL after the bytes are written and before the commit: flask check sees the part."""
    setup = _child(
        tmp_path,
        """
        from app import create_app
        from circle.extensions import db
        app = create_app()
        with app.app_context():
            db.create_all()
        """,
    )
    assert setup.returncode == 0, setup.stderr
    killed = _child(
        tmp_path,
        """
        import os, signal
        from app import create_app
        from circle.extensions import db
        from circle.files import store_file
        from circle.storage import get_storage
        app = create_app()
        with app.app_context():
            store_file(db.session, storage=get_storage(app), data=b"Tekst om bolig.",
                       filename="notat.txt", uploaded_by=None, purpose="test")
            os.kill(os.getpid(), signal.SIGKILL)
        """,
    )
    assert killed.returncode == -9
    files = tmp_path / "data" / "files"
    (part,) = [p for p in files.rglob("*") if p.is_file()]
    assert part.suffix == ".part"
    old = time.time() - 2 * 3600
    os.utime(part, (old, old))
    check = _child(
        tmp_path,
        """
        from app import create_app
        app = create_app()
        result = app.test_cli_runner().invoke(args=["check"])
        print(result.exit_code, result.output)
        result = app.test_cli_runner().invoke(args=["check", "--repair"])
        print(result.exit_code, result.output)
        """,
    )
    assert "partial file" in check.stdout and check.stdout.startswith("1 ")
    assert "\n0 " in check.stdout, check.stdout
    assert [p for p in files.rglob("*") if p.is_file()] == []


def test_a_full_disk_gives_a_clear_page_and_leaves_nothing(tmp_path):
    """The kernel refuses the write (a file-size limit, as on a full disk): 507, nothing kept."""
    result = _child(
        tmp_path,
        """
        import io, json, resource, signal
        from app import create_app
        from circle.extensions import db
        from circle.models import Circle, Member, Membership, Role, StoredFile
        from circle.auth.passwords import hash_password
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False,
                          "JOBS_EAGER": True, "QUEUE_URL": "memory://"})
        with app.app_context():
            db.create_all()
            circle = Circle(slug="egen", name="Egen")
            member = Member(email="p@test.example", name="P", password_hash=hash_password("riktig-hest-batteri"))
            db.session.add_all([circle, member])
            db.session.flush()
            db.session.add(Membership(member=member, circle=circle, role=Role.PARTICIPANT))
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "p@test.example", "password": "riktig-hest-batteri"})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        # Below the size at which the request body would be spooled to disk, above the limit.
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (128 * 1024, hard))
        big = b"Tekst om samarbeid og bolig. " * 12000
        response = client.post("/c/egen/library/upload",
                               data={"visibility": "circle", "files": [(io.BytesIO(big), "stor.txt")]},
                               content_type="multipart/form-data")
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        with app.app_context():
            rows = db.session.query(StoredFile).count()
        print(json.dumps({"status": response.status_code, "rows": rows,
                          "page": response.get_data(as_text=True)}))
        """,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 507 and outcome["rows"] == 0
    assert "Lagringsplassen er full" in outcome["page"]
    files = tmp_path / "data" / "files"
    assert [p for p in files.rglob("*") if p.is_file()] == [] if files.exists() else True


def test_reports_live_in_s3_when_storage_url_says_so(app, client, login, session, s3_endpoint):
    """Upload, read job, download and check all go through S3 with STORAGE_URL=s3://..."""
    import io

    from circle.models import Role
    from library.models import Report

    bucket = f"rapporter{time.time_ns()}"
    _s3(s3_endpoint, bucket)  # creates the bucket
    app.config.update(
        STORAGE_URL=f"s3://{bucket}/sirkel",
        S3_ENDPOINT_URL=s3_endpoint,
        S3_REGION="eu-north-1",
        S3_ACCESS_KEY_ID="test",
        S3_SECRET_ACCESS_KEY="test",  # noqa: S106
    )
    app.extensions.pop("circle.storage", None)
    from circle.models import Circle, Member, Membership
    from tests.conftest import _HASH, PASSWORD

    circle = Circle(slug="egen", name="Egen")
    member = Member(email="s3@test.example", name="S", password_hash=_HASH)
    session.add_all([circle, member])
    session.flush()
    session.add(Membership(member=member, circle=circle, role=Role.PARTICIPANT))
    session.commit()
    login(member.email, PASSWORD)
    response = client.post(
        "/c/egen/library/upload",
        data={"visibility": "circle", "files": [(io.BytesIO(b"Tekst om bolig i S3."), "s3.txt")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    session.expire_all()
    report = session.scalar(select(Report))
    assert report.ready
    s3 = get_storage(app)
    assert s3.kind == "s3" and s3.exists(report.stored_file.key)
    assert Path(app.config["UPLOAD_DIR"]).exists() is False or not any(
        Path(app.config["UPLOAD_DIR"]).rglob("*.txt")
    )
    download = client.get(f"/c/egen/library/reports/{report.id}/file?download=1")
    assert download.status_code == 200 and download.data == b"Tekst om bolig i S3."
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert app.test_cli_runner().invoke(args=["check"]).exit_code == 0
