"""Site search p95 with snippets, at the demo's size and at ten times its entries.

Usage: .venv/bin/python bench/site_search.py [--scale 10] [--rounds 10] [--json]

Loads the demo (`flask demo`, jobs run eagerly so the site index is built through the job
queue), then times the search page's query (the areas' visibility rules from the database,
the index match, counts per kind and snippets for the first page) for a participant and a
reference-group member. Then adds posts to the demo's threads until the circle holds
``--scale`` times the entries, and times it again. SEARCH_BACKEND and DATABASE_URL as for the
app (Whoosh on SQLite by default).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUERIES = [
    "ettervern",
    "barnevern NAV",
    '"felles mal"',
    "bolig OR hybel",
    "samarbeid -økonomi",
    "overføringsmøte",
    "prioriterte temaer",
    "skriveverksted",
]
WORDS = (
    "Vi prøver ut en felles mal for overføringsmøtet, og barnevernet og NAV deler ansvaret for "
    "oppfølgingen etter 18 år. Ettervern, bolig og skole henger sammen for ungdommene."
)


def p95(samples: list[float]) -> float:
    """Return the 95th percentile."""
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def _time(app, members, rounds: int) -> dict[str, float]:  # noqa: ANN001
    from circle.extensions import db
    from circle.search.index import site_results

    wall = []
    with app.test_request_context("/"):
        for warm in (True, False):
            for _ in range(1 if warm else rounds):
                for member, circle in members:
                    for text in QUERIES:
                        t0 = time.perf_counter()
                        site_results(db.session, app, member=member, circle=circle, text=text)
                        if not warm:
                            wall.append((time.perf_counter() - t0) * 1000)
    return {
        "p50_ms": round(statistics.median(wall), 1),
        "p95_ms": round(p95(wall), 1),
        "queries": len(wall),
    }


def _grow(app, circle, factor: int) -> int:  # noqa: ANN001
    """Add posts to the circle's threads until its entries are ``factor`` times as many."""
    from sqlalchemy import select

    from circle.extensions import db
    from circle.search.index import all_entries
    from circle.threads.models import Post, Thread

    with app.test_request_context("/"):
        have = sum(1 for e in all_entries(db.session) if e.circle_id == circle.id)
        threads = list(db.session.scalars(select(Thread).where(Thread.circle_id == circle.id)))
        author = db.session.scalar(select(Post.author_id).where(Post.author_id.isnot(None)))
        extra = have * (factor - 1)
        for i in range(extra):
            thread = threads[i % len(threads)]
            db.session.add(
                Post(thread_id=thread.id, author_id=author, depth=1, body=f"{WORDS} Innspill {i}.")
            )
        db.session.commit()  # one search.index job, run eagerly after the commit
        return have + extra


def run(args: argparse.Namespace) -> dict[str, object]:
    """Build the demo, time the searches, grow the data, time them again."""
    from sqlalchemy import select

    from app import create_app
    from circle.extensions import db
    from circle.models import Circle, Member

    tmp = Path(tempfile.mkdtemp(prefix="bench-site-search-"))
    os.environ.setdefault("APP_ENV", "development")
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "DATA_DIR": str(tmp),
            "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
            or f"sqlite:///{tmp / 'bench.db'}",
            "OUTBOX_DIR": str(tmp / "outbox"),
            "JOBS_EAGER": True,
            "QUEUE_URL": "memory://",
            "MAIL_SERVER": "",
        }
    )
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        circle = db.session.scalar(select(Circle).where(Circle.slug == "overganger"))
        people = [
            db.session.scalar(select(Member).where(Member.email == email))
            for email in ("sara.nilsen@demo.example", "lena.brekke@demo.example")
        ]
        members = [(m, circle) for m in people]
        from circle.search import backend_name
        from circle.search.index import all_entries

        with app.test_request_context("/"):
            entries = sum(1 for e in all_entries(db.session) if e.circle_id == circle.id)
        demo = _time(app, members, args.rounds)
        t0 = time.perf_counter()
        grown = _grow(app, circle, args.scale)
        index_s = time.perf_counter() - t0
        scaled = _time(app, members, args.rounds)
        return {
            "backend": backend_name(app),
            "demo_entries": entries,
            "demo": demo,
            "scaled_entries": grown,
            "scaled_index_seconds": round(index_s, 2),
            "scaled": scaled,
        }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures (one JSON line last with --json)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"demo: {figures['demo']} over {figures['demo_entries']} entries")
        print(f"x{args.scale}: {figures['scaled']} over {figures['scaled_entries']} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
