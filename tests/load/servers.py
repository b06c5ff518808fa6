"""Helpers for tests that run the site as in production: gunicorn, `flask worker`, databases."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a port on loopback that nothing listens on (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_env(**settings: str) -> dict[str, str]:
    """This process's environment without the test suite's own settings, plus `settings`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SMTP_", "TEST_DATABASE", "S3_")) and k not in {"JOBS_EAGER"}
    }
    env.update(settings)
    return env


def flask(env: dict[str, str], *args: str, **kw: Any) -> subprocess.CompletedProcess:
    """Run one `flask --app app ...` command to its end."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


def gunicorn(
    env: dict[str, str], port: int, log: IO, workers: int = 3, graceful: int = 10
) -> subprocess.Popen:
    """Start the production web server on loopback (stopping waits `graceful` s at most)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            str(graceful),
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def job_worker(env: dict[str, str], log: IO, threads: int = 2) -> subprocess.Popen:
    """Start `flask worker`, which runs the queued jobs."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--threads", str(threads)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for_port(port: int, proc: subprocess.Popen, deadline: float) -> None:
    """Return once something answers on the port; fail if `proc` exits first or time runs out."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{proc.args[2]} exited early ({proc.returncode})")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing answered on port {port}")


class Database:
    """Plain SQL on the site's database (SQLite or PostgreSQL), from outside the app."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    def one(self, sql: str, **params: Any) -> Any:  # noqa: ANN401
        """Return the first column of the first row."""
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[tuple]:
        """Return every row."""
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql), params)]

    def execute(self, sql: str, **params: Any) -> None:
        """Run a statement and commit it."""
        with self.engine.begin() as conn:
            conn.execute(sa.text(sql), params)

    def wait_until_jobs_done(self, deadline: float) -> None:
        """Return once no job is pending or running (the worker's retries not waited out)."""
        while time.monotonic() < deadline:
            if self.one("SELECT count(*) FROM job WHERE state IN ('pending', 'running')") == 0:
                return
            time.sleep(0.2)
        raise AssertionError("the job worker did not finish the queued jobs")


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of `server_url`; dropped afterwards."""
    url = make_url(server_url)
    name = f"site_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
