"""Benchmark: how fast the main pages answer, beside a bare Flask "hello" on the same settings.

Usage: python bench/pages.py [--seconds 10] [--connections 20] [--workers 2] [--scale] [--json]

Serves the demo (a fresh data folder, SQLite) with gunicorn and a bare Flask app that answers
"hello" with the same gunicorn settings, in the same run, and drives each page with `wrk`
(Debian's `wrk` package) on loopback as a signed-in member: the circle home, a meeting, its
approved minutes, a project workspace, a library search, a thread, the reference group's start
page and the notifications list. For each page: requests per second, p50 and p99 latency, the
ratio to hello, and the SQL queries one request makes (counted in-process on the same database).
The last line printed is one JSON object with the figures. With --scale the demo is first
grown by bench/scale_data.py (50 circles, 5,000 members, 600 meetings, 2,000 reports, 100,000
posts).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "sirkel-demo-2026"  # noqa: S105 - the published demo password
PARTICIPANT = "sara.nilsen@demo.example"
REFERENCE = "lena.brekke@demo.example"
SLUG = "overganger"
HELLO_APP = textwrap.dedent(
    """
    from flask import Flask

    def create_app():
        app = Flask(__name__)

        @app.get("/")
        def hello():
            return "hello"

        return app
    """
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


def _gunicorn(app: str, port: int, workers: int, cwd: Path, env: dict, log: Path):  # noqa: ANN202
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
            app,
        ],
        cwd=cwd,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def _wrk(url: str, seconds: int, connections: int, cookie: str | None) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {f"p{p}_ms": round(float(v) * scale[u], 2) for p, v, u in _LATENCY.findall(out)}
    bad = _NON2XX.search(out)
    return {
        "rps": float(_RPS.search(out).group(1)),
        **latency,
        "non_2xx": int(bad.group(1)) if bad else 0,
    }


def _session_cookie(base: str, email: str) -> str:
    from tests.load.httpclient import Client

    client = Client(base)
    client.sign_in(email, PASSWORD)
    jar = client.opener.handlers  # the cookie processor holds the jar
    for handler in jar:
        cookies = getattr(handler, "cookiejar", None)
        if cookies is not None:
            return "; ".join(f"{c.name}={c.value}" for c in cookies)
    raise SystemExit("no session cookie after signing in")


def _pages(database: Path) -> dict[str, tuple[str, str]]:
    """Return page name -> (path, who) for the demo's objects."""
    with sqlite3.connect(database) as conn:

        def one(sql: str) -> int:
            return conn.execute(sql).fetchone()[0]

        meeting = one(
            "SELECT m.id FROM meeting m JOIN minutes n ON n.meeting_id = m.id "
            "WHERE n.state IN ('approved', 'distributed') ORDER BY m.starts_at DESC LIMIT 1"
        )
        project = one("SELECT id FROM project ORDER BY id LIMIT 1")
        thread = one(
            "SELECT id FROM thread WHERE audience = 'circle' ORDER BY post_count DESC LIMIT 1"
        )
    base = f"/c/{SLUG}"
    return {
        "circle_home": (base, PARTICIPANT),
        "meeting": (f"{base}/meetings/{meeting}", PARTICIPANT),
        "approved_minutes": (f"{base}/meetings/{meeting}/minutes", PARTICIPANT),
        "project_workspace": (f"{base}/projects/{project}", PARTICIPANT),
        "library_search": (f"{base}/library?q=bolig", PARTICIPANT),
        "thread": (f"{base}/threads/{thread}", PARTICIPANT),
        "reference_start": (f"{base}/reference", REFERENCE),
        "notifications": ("/notifications", PARTICIPANT),
    }


def _query_counts(env: dict, pages: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Count the SQL statements one warm request to each page makes, in-process."""
    os.environ.update(env)
    from sqlalchemy import event

    from app import create_app
    from circle.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False})
    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    statements = {"n": 0}

    def count(*_args: object) -> None:
        statements["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    clients = {}
    for who in {who for _path, who in pages.values()}:
        client = app.test_client()
        client.post("/login", data={"email": who, "password": PASSWORD})
        clients[who] = client
    for name, (path, who) in pages.items():
        clients[who].get(path)  # warm: caches, compiled templates
        statements["n"] = 0
        answer = clients[who].get(path)
        assert answer.status_code == 200, (name, answer.status_code)
        counts[name] = statements["n"]
    return counts


def main() -> None:
    """Run the benchmark and print the JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", action="store_true", help="grow the demo to benchmark size")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk (Debian: apt install wrk)")
    folder = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    env = dict(
        os.environ,
        APP_ENV="production",
        SECRET_KEY="pages-bench",  # noqa: S106 - a throwaway key for a local benchmark
        DATA_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        LOGIN_RATE_LIMIT="100000",
    )
    env.pop("JOBS_EAGER", None)
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run([*flask, *step], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "jobs", "run"], cwd=ROOT, env=env, check=True, capture_output=True)
    if args.scale:
        grow = [sys.executable, str(ROOT / "bench" / "scale_data.py"), str(folder)]
        subprocess.run(grow, cwd=ROOT, env=env, check=True, capture_output=True)
    (folder / "hello_app.py").write_text(HELLO_APP)
    pages = _pages(folder / "bench.db")
    app_port, hello_port = _free_port(), _free_port()
    env["BASE_URL"] = f"http://127.0.0.1:{app_port}"
    web = _gunicorn("app:create_app()", app_port, args.workers, ROOT, env, folder / "web.log")
    hello = _gunicorn(
        "hello_app:create_app()", hello_port, args.workers, folder, env, folder / "hello.log"
    )
    results: dict[str, dict] = {}
    try:
        _wait_for(app_port)
        _wait_for(hello_port)
        base = f"http://127.0.0.1:{app_port}"
        cookies = {who: _session_cookie(base, who) for who in {w for _p, w in pages.values()}}
        _wrk(f"http://127.0.0.1:{hello_port}/", 2, args.connections, None)  # warm
        results["hello"] = _wrk(
            f"http://127.0.0.1:{hello_port}/", args.seconds, args.connections, None
        )
        for name, (path, who) in pages.items():
            _wrk(base + path, 1, args.connections, cookies[who])  # warm the workers
            results[name] = _wrk(base + path, args.seconds, args.connections, cookies[who])
    finally:
        for process in (web, hello):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    counts = _query_counts(env, pages)
    hello_rps = results["hello"]["rps"]
    for name in pages:
        results[name]["ratio_to_hello"] = round(results[name]["rps"] / hello_rps, 3)
        results[name]["queries"] = counts[name]
    if not args.json:
        for name, figures in results.items():
            print(f"{name:<18} {figures}")
    print(
        json.dumps(
            {
                "workers": args.workers,
                "connections": args.connections,
                "scale": args.scale,
                **results,
            }
        )
    )


if __name__ == "__main__":
    main()
