"""Several gunicorn workers writing posts, uploads and minutes while others search (SECURITY 22).

Bounded: LOAD_SECONDS (default 20) of traffic on loopback, a few hundred requests at most.
Afterwards no write that was acknowledged is missing, nothing failed with "database is locked"
or a search-index LockError, and `flask check` finds the index in agreement with the database.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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

SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
MAX_REQUESTS_PER_USER = 150
PASSWORD = "sirkel-demo-2026"

pytestmark = pytest.mark.slow


@contextmanager
def _database(data: Path) -> Iterator[str]:
    """SQLite in the data folder, or a fresh database on the suite's PostgreSQL in its pass."""
    given = os.environ.get("TEST_DATABASE_URL", "")
    if given.startswith("postgresql"):
        with fresh_postgres_database(given) as url:
            yield url
    else:
        yield f"sqlite:///{data / 'load.db'}"


def test_concurrent_writes_and_searches_under_gunicorn(tmp_path):
    """On SQLite in the suite's first pass, on PostgreSQL in its second."""
    need(sys.platform != "win32", "gunicorn needs a POSIX system")
    with _database(tmp_path / "data") as url:
        _load(tmp_path, url)


def _load(tmp_path: Path, url: str) -> None:
    port = free_port()
    data = tmp_path / "data"
    env = site_env(
        APP_ENV="production",
        SECRET_KEY="load-test-secret",
        DATA_DIR=str(data),
        DATABASE_URL=url,
        BASE_URL=f"http://127.0.0.1:{port}",
        LOGIN_RATE_LIMIT="1000",
    )
    for args in (("db", "upgrade"), ("demo",)):
        result = flask(env, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    database = Database(url)

    thread_id = database.one(
        "SELECT id FROM thread WHERE state = 'open' AND locked = false "
        "AND audience = 'circle' ORDER BY id LIMIT 1",
    )
    meeting_id = database.one(
        "SELECT m.id FROM meeting m LEFT JOIN minutes n ON "
        "n.meeting_id = m.id WHERE n.id IS NULL OR n.state = 'draft' "
        "ORDER BY m.starts_at LIMIT 1",
    )
    before = {
        "posts": database.one(f"SELECT count(*) FROM thread_post WHERE thread_id = {thread_id}"),
        "post_count": database.one(f"SELECT post_count FROM thread WHERE id = {thread_id}"),
        "reports": database.one("SELECT count(*) FROM report"),
        "revisions": database.one(
            "SELECT count(*) FROM minutes_revision r JOIN minutes n ON "
            f"r.minutes_id = n.id WHERE n.meeting_id = {meeting_id}",
        ),
    }

    log = (tmp_path / "gunicorn.log").open("w")
    worker_log = (tmp_path / "worker.log").open("w")
    # The job worker beside the web server, as in production: mail and index updates run there.
    jobs = job_worker(env, worker_log)
    proc = gunicorn(env, port, log, workers=3)
    done = {"posts": 0, "reports": 0, "revisions": 0, "searches": 0}
    failures: list[str] = []
    lock = threading.Lock()
    base = f"http://127.0.0.1:{port}"
    slug = "overganger"
    try:
        wait_for_port(port, proc, time.monotonic() + 60)
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
            database.wait_until_jobs_done(time.monotonic() + 120)
        finally:
            jobs.send_signal(signal.SIGINT)
            jobs.wait(timeout=30)
            worker_log.close()

    for name in ("gunicorn.log", "worker.log"):
        output = (tmp_path / name).read_text()
        for bad in ("database is locked", "LockError", "Traceback"):
            assert bad not in output, f"{name} has {bad!r}:\n{output[-3000:]}"
    assert database.one("SELECT count(*) FROM job WHERE state = 'failed'") == 0
    assert not failures, failures[:10]
    assert done["posts"] > 0 and done["reports"] > 0 and done["revisions"] > 0
    assert done["searches"] > 0
    after = {
        "posts": database.one(f"SELECT count(*) FROM thread_post WHERE thread_id = {thread_id}"),
        "post_count": database.one(f"SELECT post_count FROM thread WHERE id = {thread_id}"),
        "reports": database.one("SELECT count(*) FROM report"),
        "revisions": database.one(
            "SELECT count(*) FROM minutes_revision r JOIN minutes n ON "
            f"r.minutes_id = n.id WHERE n.meeting_id = {meeting_id}",
        ),
    }
    for kind in ("posts", "reports", "revisions"):
        assert after[kind] - before[kind] == done[kind], (kind, before, after, done)
    # Three posters at once: the thread's counter (incremented in SQL) lost none of them.
    assert after["post_count"] - before["post_count"] == done["posts"], (before, after)
    check = flask(env, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"\nload ({database.engine.dialect.name}): {SECONDS:.0f}s, {done}")
    database.engine.dispose()
