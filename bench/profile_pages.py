"""Profile the benchmark's pages in one process with cProfile and the Flask test client.

Usage: python bench/profile_pages.py [--requests 30] [--top 25] [--data DIR] [--no-profile]

Builds the demo in a fresh data folder (or reuses --data), signs in as bench/pages.py does,
warms each page once, then profiles --requests requests per page and prints the per-page warm
time, SQL queries and Python function calls (steady on a busy machine), and the top of the
profile by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import PASSWORD, _pages  # noqa: E402


def _environment(folder: Path) -> dict[str, str]:
    return dict(
        os.environ,
        APP_ENV="production",
        SECRET_KEY="pages-profile",  # noqa: S106 - a throwaway key for a local profile
        DATA_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        LOGIN_RATE_LIMIT="100000",
    )


def main() -> None:
    """Profile the pages and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--data", type=Path, help="reuse a data folder made by an earlier run")
    parser.add_argument(
        "--no-profile", action="store_true", help="only time the pages (a profiler doubles them)"
    )
    args = parser.parse_args()
    folder = args.data or Path(tempfile.mkdtemp(prefix="pages-profile-"))
    env = _environment(folder)
    env.pop("JOBS_EAGER", None)
    if not (folder / "bench.db").exists():
        flask = [sys.executable, "-m", "flask", "--app", "app"]
        for step in (["db", "upgrade"], ["demo"], ["jobs", "run"]):
            subprocess.run([*flask, *step], cwd=ROOT, env=env, check=True, capture_output=True)
    pages = _pages(folder / "bench.db")
    os.environ.update(env)
    from sqlalchemy import event

    from app import create_app
    from circle.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        engine = db.engine
    statements = {"n": 0}

    def count(*_args: object) -> None:
        statements["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    clients = {}
    for who in {who for _path, who in pages.values()}:
        clients[who] = app.test_client()
        clients[who].post("/login", data={"email": who, "password": PASSWORD})
    profile = cProfile.Profile()
    for name, (path, who) in pages.items():
        clients[who].get(path)
        statements["n"] = 0
        # CPU time as well as wall time: on a loaded machine the wall time mostly measures
        # the other processes, the CPU time what this page costs.
        started, cpu = time.perf_counter(), time.process_time()
        if not args.no_profile:
            profile.enable()
        for _ in range(args.requests):
            answer = clients[who].get(path)
        profile.disable()
        took = (time.perf_counter() - started) / args.requests * 1000
        cpu_ms = (time.process_time() - cpu) / args.requests * 1000
        assert answer.status_code == 200, (name, answer.status_code)
        queries = statements["n"] // args.requests  # before the extra request below
        # Python function calls for one more request: unlike times, the same on a busy machine,
        # so a change can be judged while other work runs.
        one = cProfile.Profile()
        one.enable()
        clients[who].get(path)
        one.disable()
        calls = pstats.Stats(one).total_calls
        print(
            f"{name:<18} {took:6.1f} ms wall {cpu_ms:6.1f} ms CPU "
            f"{queries:3d} queries {calls:7d} calls"
        )
    for order in () if args.no_profile else ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
        print(out.getvalue())
    print(f"data folder: {folder}")


if __name__ == "__main__":
    main()
