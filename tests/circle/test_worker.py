"""The real worker (`flask worker`, Huey on SQLite) in its own process, killed mid-send."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from circle.extensions import db
from circle.jobs.models import Job, JobState
from circle.mail import MAIL_JOB, Notice, queue_notices

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 30.0

pytestmark = pytest.mark.slow


class StallingProxy:
    """A TCP proxy to the test SMTP server that can hold connections without answering."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.stall = threading.Event()
        self.held: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.stall.is_set():
                self.held.append(client)  # say nothing: the sender waits for a greeting
                continue
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()
        for s in self.held:
            s.close()


def _wait_for(check: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker_env(tmp_path, smtp_server) -> Iterator[dict]:  # noqa: ANN001
    controller, handler = smtp_server
    with handler.lock:
        handler.messages.clear()
    proxy = StallingProxy((controller.hostname, controller.port))
    data_dir = tmp_path / "data"
    env = dict(
        os.environ,
        APP_ENV="development",
        SECRET_KEY="worker-test",
        DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'worker.db'}",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(proxy.port),
        SMTP_STARTTLS="0",
        BASE_URL="http://sirkel.test",
    )
    env.pop("JOBS_EAGER", None)
    app = create_app(
        {
            "SECRET_KEY": "worker-test",
            "DATA_DIR": str(data_dir),
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": proxy.port,
            "MAIL_STARTTLS": False,
            "BASE_URL": "http://sirkel.test",
        }
    )
    with app.app_context():
        db.create_all()
    workers: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "worker", "--threads", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(process)
        return process

    yield {"app": app, "proxy": proxy, "start": start, "mailbox": handler.messages}
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    proxy.close()


def _queue_mail(app, to: str) -> int:  # noqa: ANN001
    with app.app_context():
        notice = Notice(to=to, subject="Innkalling", intro="Et møte er satt opp.", link="http://x/")
        queue_notices(db.session, [notice])
        db.session.commit()
        return db.session.scalar(select(Job.id).where(Job.kind == MAIL_JOB).order_by(Job.id.desc()))


def _state(app, job_id: int) -> str:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(Job.state).where(Job.id == job_id))


def test_mail_committed_while_no_worker_runs_goes_when_one_starts(worker_env) -> None:
    app, mailbox = worker_env["app"], worker_env["mailbox"]
    job_id = _queue_mail(app, "venter@test.example")
    assert _state(app, job_id) == JobState.PENDING
    worker_env["start"]()
    _wait_for(lambda: _state(app, job_id) == JobState.DONE, "the worker to send it")
    assert [m["To"] for m in mailbox] == ["venter@test.example"]


def test_the_worker_yields_the_cpu_to_the_web_server(worker_env) -> None:
    """`flask worker` lowers its own priority (niceness 10 unless told otherwise) once started:
    mail still goes, and a page request never waits behind a report being read."""
    app, mailbox = worker_env["app"], worker_env["mailbox"]
    job_id = _queue_mail(app, "lav@test.example")
    worker = worker_env["start"]()
    _wait_for(lambda: _state(app, job_id) == JobState.DONE, "the worker to send it")
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) == max(10, os.nice(0))
    assert [m["To"] for m in mailbox] == ["lav@test.example"]


def test_a_worker_killed_mid_send_leaves_the_mail_to_the_next_worker_once(worker_env) -> None:
    app, proxy, mailbox = worker_env["app"], worker_env["proxy"], worker_env["mailbox"]
    proxy.stall.set()
    first = worker_env["start"]()
    job_id = _queue_mail(app, "en-gang@test.example")
    _wait_for(lambda: _state(app, job_id) == JobState.RUNNING and bool(proxy.held), "the send")
    first.kill()  # SIGKILL in the middle of the SMTP conversation
    first.wait(timeout=10)
    assert _state(app, job_id) == JobState.RUNNING and mailbox == []
    proxy.stall.clear()
    worker_env["start"]()
    _wait_for(lambda: _state(app, job_id) == JobState.DONE, "the next worker to send it")
    # The server stores a message before it answers 250, and the job is marked done only after
    # that answer; the killed worker can send nothing more. So this is the whole story:
    assert [m["To"] for m in mailbox] == ["en-gang@test.example"]
    with app.app_context():
        assert db.session.scalar(select(Job.attempts).where(Job.id == job_id)) == 2
