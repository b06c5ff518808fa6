"""Several gunicorn workers writing posts, uploads and minutes while others search (SECURITY 22).

Bounded: LOAD_SECONDS (default 20) of traffic on loopback, a few hundred requests at most.
Afterwards no write that was acknowledged is missing, nothing failed with "database is locked"
or a search-index LockError, and `flask check` finds the index in agreement with the database.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import need
from tests.load.httpclient import Client

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
MAX_REQUESTS_PER_USER = 150
PASSWORD = "sirkel-demo-2026"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _one(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def _wait_for(port: int, proc: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("gunicorn exited early")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def _wait_until_jobs_done(db: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if _one(db, "SELECT count(*) FROM job WHERE state IN ('pending', 'running')") == 0:
            return
        time.sleep(0.2)
    raise AssertionError("the job worker did not finish the queued jobs")


def test_concurrent_writes_and_searches_under_gunicorn(tmp_path):
    need(sys.platform != "win32", "gunicorn needs a POSIX system")
    port = _free_port()
    data = tmp_path / "data"
    database = data / "load.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "TEST_DATABASE"))}
    env.update(
        APP_ENV="production",
        SECRET_KEY="load-test-secret",
        DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{database}",
        BASE_URL=f"http://127.0.0.1:{port}",
        LOGIN_RATE_LIMIT="1000",
    )
    for args in (("db", "upgrade"), ("demo",)):
        result = _flask(env, *args)
        assert result.returncode == 0, result.stdout + result.stderr

    thread_id = _one(
        database,
        "SELECT id FROM thread WHERE state = 'open' AND locked = 0 "
        "AND audience = 'circle' ORDER BY id LIMIT 1",
    )
    meeting_id = _one(
        database,
        "SELECT m.id FROM meeting m LEFT JOIN minutes n ON "
        "n.meeting_id = m.id WHERE n.id IS NULL OR n.state = 'draft' "
        "ORDER BY m.starts_at LIMIT 1",
    )
    before = {
        "posts": _one(database, f"SELECT count(*) FROM thread_post WHERE thread_id = {thread_id}"),
        "reports": _one(database, "SELECT count(*) FROM report"),
        "revisions": _one(
            database,
            "SELECT count(*) FROM minutes_revision r JOIN minutes n ON "
            f"r.minutes_id = n.id WHERE n.meeting_id = {meeting_id}",
        ),
    }

    log = (tmp_path / "gunicorn.log").open("w")
    worker_log = (tmp_path / "worker.log").open("w")
    # The job worker beside the web server, as in production: mail and index updates run there.
    job_worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--threads", "2"],
        cwd=ROOT,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    done = {"posts": 0, "reports": 0, "revisions": 0, "searches": 0}
    failures: list[str] = []
    lock = threading.Lock()
    base = f"http://127.0.0.1:{port}"
    slug = "overganger"
    try:
        _wait_for(port, proc, time.monotonic() + 60)
        stop_at = time.monotonic() + SECONDS

        def run(email: str, action) -> None:  # noqa: ANN001
            client = Client(base)
            client.sign_in(email, PASSWORD)
            for n in range(MAX_REQUESTS_PER_USER):
                if time.monotonic() > stop_at:
                    return
                kind, ok, detail = action(client, n)
                with lock:
                    if ok:
                        done[kind] += 1
                    else:
                        failures.append(f"{email} {kind}: {detail}")

        def post(client: Client, n: int):  # noqa: ANN202
            path = f"/c/{slug}/threads/{thread_id}/reply"
            action, fields = client.form(path, "body")
            fields["body"] = f"Innspill nummer {n} under last."
            answer = client.post(action, fields)
            return "posts", answer.status == 200 and "/reply" not in answer.url, answer.status

        def upload(client: Client, n: int):  # noqa: ANN202
            action, fields = client.form(f"/c/{slug}/library/upload", "visibility")
            text = f"Lastetest rapport {n} {time.time_ns()}\n\nBoligsosialt arbeid og ettervern."
            answer = client.post(
                action, fields, files={"files": (f"last-{n}.txt", text.encode(), "text/plain")}
            )
            return "reports", answer.status == 200 and "/upload" not in answer.url, answer.status

        def minutes(client: Client, n: int):  # noqa: ANN202
            path = f"/c/{slug}/meetings/{meeting_id}/minutes/edit"
            action, fields = client.form(path, "evaluation")
            fields["evaluation"] = f"Evaluering, runde {n}."
            answer = client.post(action, fields)
            saved = answer.status == 200 and "Referatet er lagret" in answer.body
            return "revisions", saved, answer.status

        def search(client: Client, n: int):  # noqa: ANN202
            query = ["bolig", "ettervern", "samarbeid NAV", "lastetest", "overgang"][n % 5]
            answer = client.get(f"/c/{slug}/library?q={query.replace(' ', '+')}")
            return "searches", answer.status == 200, answer.status

        users = [
            ("sara.nilsen@demo.example", post),
            ("omar.haddad@demo.example", post),
            ("marte.berg@demo.example", post),
            ("ingrid.lund@demo.example", upload),
            ("henrik.aas@demo.example", minutes),
            ("jonas.vik@demo.example", search),
            ("amina.yusuf@demo.example", search),
        ]
        workers = [threading.Thread(target=run, args=user) for user in users]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=SECONDS + 120)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        try:
            _wait_until_jobs_done(database, time.monotonic() + 120)
        finally:
            job_worker.send_signal(signal.SIGINT)
            job_worker.wait(timeout=30)
            worker_log.close()

    for name in ("gunicorn.log", "worker.log"):
        output = (tmp_path / name).read_text()
        for bad in ("database is locked", "LockError", "Traceback"):
            assert bad not in output, f"{name} has {bad!r}:\n{output[-3000:]}"
    assert _one(database, "SELECT count(*) FROM job WHERE state = 'failed'") == 0
    assert not failures, failures[:10]
    assert done["posts"] > 0 and done["reports"] > 0 and done["revisions"] > 0
    assert done["searches"] > 0
    after = {
        "posts": _one(database, f"SELECT count(*) FROM thread_post WHERE thread_id = {thread_id}"),
        "reports": _one(database, "SELECT count(*) FROM report"),
        "revisions": _one(
            database,
            "SELECT count(*) FROM minutes_revision r JOIN minutes n ON "
            f"r.minutes_id = n.id WHERE n.meeting_id = {meeting_id}",
        ),
    }
    for kind in ("posts", "reports", "revisions"):
        assert after[kind] - before[kind] == done[kind], (kind, before, after, done)
    check = _flask(env, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"\nload: {SECONDS:.0f}s, {done}")
