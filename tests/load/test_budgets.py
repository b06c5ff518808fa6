"""Hostile uploads on a running site: refused by their budget while every page keeps answering.

A 99,000-page PDF and a 95 MB text file go through the real upload form to gunicorn; the job
worker refuses both (page cap, size budget), and meanwhile `/login` answers as it does when
idle (the bound here is loose on purpose: before the job queue, such an upload held a web worker
for 30 s and `/login` waited 31 s; bench/uploads.py measures the real figures).
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

from tests.circle.documents.bombs import many_pages_pdf
from tests.load.httpclient import Client

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "sirkel-demo-2026"
LOGIN_BOUND_S = 2.0

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_bombs_are_refused_in_the_worker_while_the_site_answers(tmp_path):
    port = _free_port()
    data = tmp_path / "data"
    database = data / "budgets.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "TEST_DATABASE"))}
    env.pop("JOBS_EAGER", None)
    env.update(
        APP_ENV="production",
        SECRET_KEY="budget-test-secret",
        DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{database}",
        BASE_URL=f"http://127.0.0.1:{port}",
        LOGIN_RATE_LIMIT="1000",
    )
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for args in (["db", "upgrade"], ["demo"]):
        done = subprocess.run([*flask, *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    worker = subprocess.Popen(
        [*flask, "worker", "--threads", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    slowest: list[float] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        uploader = Client(base)
        uploader.sign_in("ingrid.lund@demo.example", PASSWORD)
        bombs = [
            ("tusenvis.pdf", many_pages_pdf(99_000), "application/pdf"),
            ("enorm.txt", b"Ettervern og bolig. " * (95 * 1024 * 1024 // 20), "text/plain"),
        ]
        answers = []
        for name, payload, kind in bombs:
            action, fields = uploader.form("/c/overganger/library/upload", "visibility")
            started = time.perf_counter()
            answer = uploader.post(action, fields, files={"files": (name, payload, kind)})
            answers.append((name, answer.status, time.perf_counter() - started))
        stop = threading.Event()

        def probe() -> None:
            client = Client(base)
            while not stop.is_set():
                started = time.perf_counter()
                assert client.get("/login").status == 200
                slowest.append(time.perf_counter() - started)

        prober = threading.Thread(target=probe)
        prober.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with sqlite3.connect(database, timeout=30) as conn:
                left = conn.execute(
                    "SELECT count(*) FROM job WHERE kind = 'files.read' "
                    "AND state IN ('pending', 'running')"
                ).fetchone()[0]
            if left == 0:
                break
            time.sleep(0.2)
        stop.set()
        prober.join(timeout=30)
    finally:
        web.send_signal(signal.SIGTERM)
        worker.send_signal(signal.SIGINT)
        web.wait(timeout=30)
        worker.wait(timeout=60)
    assert all(status == 200 for _name, status, _s in answers), answers
    with sqlite3.connect(database) as conn:
        states = dict(
            conn.execute(
                "SELECT f.original_name, f.state || ': ' || coalesce(f.refusal, '') "
                "FROM stored_file f WHERE f.original_name IN ('tusenvis.pdf', 'enorm.txt')"
            ).fetchall()
        )
    assert (
        states["tusenvis.pdf"].startswith("refused: ") and "3 000 sider" in states["tusenvis.pdf"]
    )
    assert states["enorm.txt"].startswith("refused: "), states
    kept = [p for p in (data / "files").rglob("*") if p.is_file()]
    assert all(p.stat().st_size < 20 * 1024 * 1024 for p in kept)  # neither bomb's bytes stay
    assert slowest and max(slowest) < LOGIN_BOUND_S, (len(slowest), max(slowest))
