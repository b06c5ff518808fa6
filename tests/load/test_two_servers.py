"""Two application servers behind one database, one object store, one queue and one worker.

Server A and server B are separate gunicorn processes with separate data folders and ports;
they share PostgreSQL (a throwaway server, or a fresh database on TEST_DATABASE_URL's), an S3
endpoint (moto on loopback), a Redis queue and one `flask worker`. What one server does, the
other must see: files, search, sessions, the sign-in limit and the minutes' edit version; and
a post's notice goes out once, whichever server took it.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import need
from tests.load.httpclient import Client
from tests.load.servers import (
    Database,
    flask,
    free_port,
    fresh_postgres_database,
    gunicorn,
    job_worker,
    site_env,
    wait_for_port,
)

PASSWORD = "sirkel-demo-2026"
SLUG = "overganger"
RATE_LIMIT = 4

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("SUITE_PASS") == "sqlite",
        reason="the two servers always share PostgreSQL: make test runs this once, in its PostgreSQL pass",
    ),
]


@contextmanager
def _postgres() -> Iterator[str]:
    """A fresh database on the suite's PostgreSQL, or on a throwaway server of our own."""
    given = os.environ.get("TEST_DATABASE_URL", "")
    with ExitStack() as stack:
        if not given.startswith("postgresql"):
            from tests.run_suite import throwaway_postgres

            given = stack.enter_context(throwaway_postgres())
            need(given is not None, "no PostgreSQL server binaries (initdb) for the two servers")
        yield stack.enter_context(fresh_postgres_database(given))


@contextmanager
def _s3_bucket() -> Iterator[dict[str, str]]:
    """An S3 endpoint on loopback with an empty bucket; yields the site's S3 settings."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    settings = {
        "STORAGE_URL": "s3://sirkel-filer/prod",
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "S3_REGION": "eu-north-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_ADDRESSING_STYLE": "path",
    }
    try:
        boto3.client(
            "s3",
            endpoint_url=settings["S3_ENDPOINT_URL"],
            region_name="eu-north-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",  # noqa: S106 - moto accepts any
        ).create_bucket(
            Bucket="sirkel-filer", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
        yield settings
    finally:
        server.stop()


def _search_backend_known() -> bool:
    """Whether this build knows SEARCH_BACKEND (the PostgreSQL search backend is merged)."""
    from circle.config import load_config

    return "SEARCH_BACKEND" in load_config({"APP_ENV": "development", "SECRET_KEY": "x"})


@dataclass
class Site:
    """The running pair of servers and what they share."""

    a: str
    b: str
    db: Database
    logs: Path
    data: Path
    mail: object  # the SMTP handler of tests/conftest.py

    def messages(self) -> list:
        """The mail the SMTP server received so far."""
        with self.mail.lock:
            return list(self.mail.messages)

    def forget_mail(self) -> None:
        """Drop what the SMTP server received so far."""
        with self.mail.lock:
            self.mail.messages.clear()


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_url, smtp_server) -> Iterator[Site]:  # noqa: ANN001
    """Two gunicorn servers (A, B), one worker, PostgreSQL, S3 and Redis, for this module."""
    need(sys.platform != "win32", "gunicorn needs a POSIX system")
    controller, handler = smtp_server
    root = tmp_path_factory.mktemp("two-servers")
    seeds = root / "no-seeds"  # the demo's own small reports, not the big seed texts
    seeds.mkdir()
    logs = root / "logs"
    logs.mkdir()
    port_a, port_b = free_port(), free_port()
    with ExitStack() as stack:
        database_url = stack.enter_context(_postgres())
        shared = dict(
            APP_ENV="production",
            SECRET_KEY="two-servers-one-secret",
            DATABASE_URL=database_url,
            QUEUE_URL=redis_url,
            SEARCH_BACKEND="postgresql",
            BASE_URL="https://sirkel.example.no",
            SMTP_HOST=controller.hostname,
            SMTP_PORT=str(controller.port),
            SMTP_STARTTLS="0",
            LOGIN_RATE_LIMIT=str(RATE_LIMIT),
            LIBRARY_SEED_DIR=str(seeds),
            **stack.enter_context(_s3_bucket()),
        )
        env = {name: site_env(**shared, DATA_DIR=str(root / name)) for name in "ABW"}
        for args in (("db", "upgrade"), ("demo",)):
            result = flask(env["A"], *args)
            assert result.returncode == 0, result.stdout + result.stderr
        processes = []
        stack.callback(_stop, processes)
        for name, port in (("A", port_a), ("B", port_b)):
            log = stack.enter_context((logs / f"web{name}.log").open("w"))
            processes.append(gunicorn(env[name], port, log, workers=2, graceful=3))
        log = stack.enter_context((logs / "worker.log").open("w"))
        processes.append(job_worker(env["W"], log))
        for port, proc in ((port_a, processes[0]), (port_b, processes[1])):
            wait_for_port(port, proc, time.monotonic() + 60)
        db = Database(database_url)
        db.wait_until_jobs_done(time.monotonic() + 60)  # the demo's own jobs, through Redis
        yield Site(
            f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}", db, logs, root, handler
        )
        assert db.one("SELECT count(*) FROM job WHERE state = 'failed'") == 0
        check = flask(env["W"], "check")  # the worker's view: database, S3 and its index agree
        assert check.returncode == 0, check.stdout + check.stderr
        db.engine.dispose()
    for name in ("webA.log", "webB.log", "worker.log"):
        output = (logs / name).read_text()
        assert "Traceback" not in output, f"{name}:\n{output[-3000:]}"


def _stop(processes: list) -> None:
    for proc in processes:
        proc.terminate()
    for proc in processes:
        try:
            proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - whatever hangs is killed
            proc.kill()


@pytest.fixture(scope="module")
def leader(site: Site) -> Client:
    """A circle leader signed in on server A."""
    client = Client(site.a)
    client.sign_in("ingrid.lund@demo.example", PASSWORD)
    return client


WORD = "skjærgårdsettervern"


@dataclass
class Upload:
    """A report uploaded through server A and read by the worker."""

    report_id: int
    data: bytes
    marker: str


@pytest.fixture(scope="module")
def upload(site: Site, leader: Client) -> Upload:
    """Upload a text report through A; return once the worker has read it."""
    marker = f"to-servere-{uuid.uuid4().hex[:8]}"
    data = f"Rapport {marker}\n\nOm {WORD} og bolig for unge voksne.\n".encode()
    action, fields = leader.form(f"/c/{SLUG}/library/upload", "visibility")
    answer = leader.post(action, fields, files={"files": (f"{marker}.txt", data, "text/plain")})
    assert answer.status == 200 and "/upload" not in answer.url, answer.status
    site.db.wait_until_jobs_done(time.monotonic() + 60)
    ((report_id, state),) = site.db.rows(
        "SELECT r.id, f.state FROM report r JOIN stored_file f ON f.id = r.stored_file_id "
        "WHERE f.original_name = :name",
        name=f"{marker}.txt",
    )
    assert state == "ready"
    return Upload(report_id, data, marker)


def test_a_session_made_on_a_works_on_b(site: Site, leader: Client) -> None:
    """One SECRET_KEY and sessions checked against the database: B knows A's sign-in."""
    page = leader.on(site.b).get(f"/c/{SLUG}")
    assert page.status == 200 and "/login" not in page.url, (page.status, page.url)
    assert "Ingrid" in page.body
    assert "/login" in Client(site.b).get(f"/c/{SLUG}").url  # without the cookie: sign in


def test_a_report_uploaded_through_a_is_downloaded_through_b(site, leader, upload) -> None:  # noqa: ANN001
    """The bytes live in the shared object store, not in A's data folder."""
    for server in "ABW":  # no server's data folder holds an uploaded file
        files = site.data / server / "files"
        assert not files.exists() or not [p for p in files.rglob("*") if p.is_file()], server
    download = leader.on(site.b).get(f"/c/{SLUG}/library/reports/{upload.report_id}/file")
    assert download.status == 200 and download.body.encode() == upload.data


def test_a_report_uploaded_through_a_is_found_by_search_through_b(site, leader, upload) -> None:  # noqa: ANN001
    """One index for every server: PostgreSQL's (SEARCH_BACKEND=postgresql)."""
    if not _search_backend_known():
        pytest.skip("postgresql search backend not in this build")
    found = leader.on(site.b).get(f"/c/{SLUG}/library?q={quote(WORD)}")
    assert found.status == 200
    assert f"/library/reports/{upload.report_id}" in found.body, "B's search missed A's upload"


def test_a_post_on_a_sends_its_notice_exactly_once(site: Site) -> None:
    """Two servers and a worker share one queue: each notice leaves once, with a link only."""
    poster = Client(site.a)
    poster.sign_in("sara.nilsen@demo.example", PASSWORD)
    thread_id = site.db.one(
        "SELECT id FROM thread WHERE state = 'open' AND locked = false "
        "AND audience = 'circle' ORDER BY id LIMIT 1"
    )
    site.db.wait_until_jobs_done(time.monotonic() + 60)
    site.forget_mail()
    last_job = site.db.one("SELECT coalesce(max(id), 0) FROM job")
    action, fields = poster.form(f"/c/{SLUG}/threads/{thread_id}/reply", "body")
    body = f"Innspill {uuid.uuid4().hex[:8]} fra server A."
    fields["body"] = body
    answer = poster.post(action, fields)
    assert answer.status == 200 and "/reply" not in answer.url, answer.status
    site.db.wait_until_jobs_done(time.monotonic() + 60)
    sent = site.db.one(
        "SELECT count(*) FROM job WHERE kind = 'mail.send' AND id > :last AND state = 'done'",
        last=last_job,
    )
    assert sent > 0, "the post queued no notice"
    messages = site.messages()
    ids = [str(m["Message-ID"]) for m in messages]
    assert len(ids) == len(set(ids)) == sent, (ids, sent)
    assert all(f"/threads/{thread_id}" in m.as_string() for m in messages)
    assert not any(body in m.as_string() for m in messages)  # a link, never the text


def test_a_minutes_save_on_b_conflicts_with_a_stale_form_from_a(site, leader) -> None:  # noqa: ANN001
    """The edit version lives in the database: a form loaded on A before B's save is refused."""
    meeting_id = site.db.one(
        "SELECT m.id FROM meeting m LEFT JOIN minutes n ON n.meeting_id = m.id "
        "WHERE n.id IS NULL OR n.state = 'draft' ORDER BY m.starts_at LIMIT 1"
    )
    edit = f"/c/{SLUG}/meetings/{meeting_id}/minutes/edit"
    stale_action, stale = leader.form(edit, "evaluation")
    other = Client(site.b)
    other.sign_in("henrik.aas@demo.example", PASSWORD)
    fresh_action, fresh = other.form(edit, "evaluation")
    assert fresh["version"] == stale["version"]
    fresh["evaluation"] = "Lagret på server B."
    saved = other.post(fresh_action, fresh)
    assert saved.status == 200 and "Referatet er lagret" in saved.body, saved.status
    stale["evaluation"] = "Gammelt skjema fra server A."
    conflict = leader.on(site.b).post(stale_action, stale)
    assert conflict.status == 409, conflict.status
    assert "Ingenting er overskrevet" in conflict.body
    kept = site.db.one("SELECT evaluation FROM minutes WHERE meeting_id = :m", m=meeting_id)
    assert kept == "Lagret på server B."


def _failed_sign_in(client: Client) -> int:
    """Try a wrong password; return the status."""
    action, fields = client.form("/login", "email")
    fields.update(email="sara.nilsen@demo.example", password="feil-passord-igjen")
    return client.post(action or "/login", fields).status


def test_the_sign_in_limit_counts_across_both_servers(site: Site) -> None:
    """Failures alternate between A and B; past the limit both answer 429. (Last in the file:
    it locks every client on loopback out of signing in.)"""
    clients = [Client(site.a), Client(site.b)]
    statuses = [_failed_sign_in(clients[n % 2]) for n in range(RATE_LIMIT)]
    assert statuses == [401] * RATE_LIMIT  # the form again, with its error
    assert [_failed_sign_in(c) for c in clients] == [429, 429]
