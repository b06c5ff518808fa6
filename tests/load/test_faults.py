"""Faults on a running site: killed web and job workers, a killed reindex, SMTP down and up.

Bounded: FAULT_SECONDS (default 20) of traffic on loopback while processes are SIGKILLed on a
fixed timeline. Afterwards every acknowledged post and upload is in the database and read,
no job failed, every mail the jobs sent arrived exactly once, and `flask check` (with partial
files of killed requests counted as orphans) is clean once `--repair` has removed them.
(A full disk is tried at the kernel's level in tests/circle/test_storage.py.)
"""

from __future__ import annotations

import email
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import need
from tests.load.httpclient import Client
from tests.load.servers import flask, free_port

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("FAULT_SECONDS", "20"))
PASSWORD = "sirkel-demo-2026"
SLUG = "overganger"

pytestmark = pytest.mark.slow


def _one(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchall()


class Mailbox:
    """A local SMTP server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.ids: list[str] = []
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.ids.append(str(message["Message-ID"]))
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_killed_workers_and_a_dead_mail_server_lose_nothing_and_send_nothing_twice(tmp_path):
    need(sys.platform != "win32", "gunicorn needs a POSIX system")
    need(subprocess.run(["which", "pgrep"], capture_output=True).returncode == 0, "pgrep")
    port = free_port()
    data = tmp_path / "data"
    database = data / "faults.db"
    mailbox = Mailbox()
    mailbox.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "TEST_DATABASE"))}
    env.pop("JOBS_EAGER", None)
    env.update(
        APP_ENV="production",
        SECRET_KEY="fault-test-secret",
        DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{database}",
        BASE_URL=f"http://127.0.0.1:{port}",
        LOGIN_RATE_LIMIT="1000",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(mailbox.port),
        SMTP_STARTTLS="0",
    )
    for args in (("db", "upgrade"), ("demo",)):
        result = flask(env, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    thread_id = _one(
        database,
        "SELECT id FROM thread WHERE state = 'open' AND locked = 0 AND audience = 'circle' "
        "ORDER BY id LIMIT 1",
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    workers: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "worker", "--threads", "2"],
            cwd=ROOT,
            env=env,
            stdout=(logs / f"worker{len(workers)}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        workers.append(process)
        return process

    web = subprocess.Popen(
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
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "web.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    worker = start_worker()
    base = f"http://127.0.0.1:{port}"
    acked: dict[str, list[str]] = {"posts": [], "uploads": []}
    lock = threading.Lock()
    stop = threading.Event()
    events: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)

        def writer(email_address: str, kind: str) -> None:
            client = Client(base)
            for _attempt in range(30):
                try:
                    client.sign_in(email_address, PASSWORD)
                    break
                except Exception:  # noqa: BLE001 - a worker was killed under the request
                    time.sleep(0.2)
            else:
                return
            n = 0
            while not stop.is_set():
                n += 1
                marker = f"{kind}-{email_address.split('@')[0]}-{n}-{time.time_ns()}"
                try:
                    if kind == "posts":
                        path = f"/c/{SLUG}/threads/{thread_id}/reply"
                        action, fields = client.form(path, "body")
                        fields["body"] = f"Innspill {marker} om bolig."
                        answer = client.post(action, fields)
                        ok = answer.status == 200 and "/reply" not in answer.url
                    else:
                        action, fields = client.form(f"/c/{SLUG}/library/upload", "visibility")
                        text = f"Rapport {marker}\n\nBoligsosialt arbeid og ettervern.".encode()
                        answer = client.post(
                            action, fields, files={"files": (f"{marker}.txt", text, "text/plain")}
                        )
                        ok = answer.status == 200 and "/upload" not in answer.url
                except Exception:  # noqa: BLE001 - a connection cut by a killed worker
                    ok = False
                if ok:
                    with lock:
                        acked[kind].append(marker)

        users = [
            ("sara.nilsen@demo.example", "posts"),
            ("omar.haddad@demo.example", "posts"),
            ("ingrid.lund@demo.example", "uploads"),
            ("henrik.aas@demo.example", "uploads"),
        ]
        threads = [threading.Thread(target=writer, args=user) for user in users]
        for thread in threads:
            thread.start()
        step = SECONDS / 8

        def at(seconds: float) -> None:
            time.sleep(max(0.0, seconds - (time.monotonic() - started)))

        started = time.monotonic()
        at(step)
        victims = _children(web.pid)
        if victims:
            _kill(victims[0])
            events.append("killed a web worker")
        at(2 * step)
        _kill(worker.pid)
        worker.wait(timeout=30)
        events.append("killed the job worker")
        at(3 * step)
        mailbox.stop()
        events.append("stopped SMTP")
        worker = start_worker()
        at(4 * step)
        reindex = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "library", "reindex"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(min(1.0, step))
        _kill(reindex.pid)
        reindex.wait(timeout=30)
        events.append("killed a reindex")
        at(5 * step)
        mailbox.start()
        events.append("started SMTP")
        victims = _children(web.pid)
        if victims:
            _kill(victims[-1])
            events.append("killed a web worker")
        at(6 * step)
        _kill(worker.pid)
        worker.wait(timeout=30)
        worker = start_worker()
        events.append("killed and restarted the job worker")
        at(8 * step)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        stop.set()
        web.terminate()
        web.wait(timeout=30)

    # Let the worker finish everything, without waiting out the retries' backoff.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        now = datetime.now(UTC).isoformat(sep=" ")  # as the app stores its timestamps
        with sqlite3.connect(database, timeout=30) as conn:
            conn.execute(
                "UPDATE job SET run_after = ?, dispatched_at = NULL WHERE state = 'pending'",
                (now,),
            )
        left = _one(database, "SELECT count(*) FROM job WHERE state IN ('pending', 'running')")
        if left == 0:
            break
        time.sleep(1.0)
    try:
        assert left == 0, f"{left} job(s) never finished: {events}"
        assert _one(database, "SELECT count(*) FROM job WHERE state = 'failed'") == 0
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=60)
        mailbox.stop()

    assert acked["posts"] and acked["uploads"], (acked, events)
    bodies = {row[0] for row in _rows(database, "SELECT body FROM thread_post")}
    for marker in acked["posts"]:
        assert f"Innspill {marker} om bolig." in bodies, marker
    files = {
        row[0]: row[1]
        for row in _rows(
            database,
            "SELECT f.original_name, f.state FROM report r JOIN stored_file f "
            "ON f.id = r.stored_file_id",
        )
    }
    for marker in acked["uploads"]:
        assert files.get(f"{marker}.txt") == "ready", (marker, files.get(f"{marker}.txt"))

    # Every mail sent went once: no Message-ID twice, and one message per finished mail job.
    with mailbox.lock:
        received = list(mailbox.ids)
    assert len(received) == len(set(received)), "a mail arrived twice"
    sent_jobs = _one(database, "SELECT count(*) FROM job WHERE kind = 'mail.send'")
    assert sent_jobs > 0 and len(received) == sent_jobs, (len(received), sent_jobs)

    # Partial files of killed requests are orphans now; the repair removes them, then all agree.
    orphans_now = dict(env, FILES_ORPHAN_MINUTES="0")
    flask(orphans_now, "check", "--repair")
    check = flask(orphans_now, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"\nfaults: {events}; posts {len(acked['posts'])}, uploads {len(acked['uploads'])}")
