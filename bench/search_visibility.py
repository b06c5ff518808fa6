"""Benchmark the database side of search visibility: the visible report ids per search.

Builds, in a throwaway SQLite database (or the one in --database-url), 20 circles and
--reports reports (70% shared, the rest kept to one circle), then times the query every
search runs (`visible_report_ids`) for a member of one circle and for an administrator
who sees all circles, and prints the query plan.
Run:  .venv/bin/python bench/search_visibility.py [--reports 2000] [--runs 300]
The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CIRCLES = 20


def build(session, reports: int, seed: int) -> list[int]:  # noqa: ANN001
    """Create the circles and reports; return the circle ids."""
    from sqlalchemy import insert

    from circle.models import Circle
    from library.models import DocumentType, Report

    circles = [Circle(slug=f"benk-{n}", name=f"Sirkel {n}") for n in range(CIRCLES)]
    session.add_all(circles)
    session.flush()
    ids = [c.id for c in circles]
    rnd = random.Random(seed)
    rows = [
        {
            "title": f"Rapport {n}",
            "circle_id": None if rnd.random() < 0.7 else rnd.choice(ids),
            "sha256": f"{n:064x}",
            "document_type": DocumentType.REPORT,
            "abstract": "Sammendrag. " * 40,
        }
        for n in range(reports)
    ]
    session.execute(insert(Report), rows)
    session.commit()
    return ids


def timed(fn, runs: int) -> tuple[float, float, int]:  # noqa: ANN001
    """Return p50 and p95 in ms and the size of the last answer."""
    fn()
    samples = []
    size = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = len(fn())
        samples.append((time.perf_counter() - t0) * 1000)
    p95 = statistics.quantiles(samples, n=100, method="inclusive")[94]
    return round(statistics.median(samples), 3), round(p95, 3), size


def main() -> None:
    """Build the data, time the query and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    os.environ.setdefault("APP_ENV", "development")
    from sqlalchemy import select

    from app import create_app
    from circle.extensions import db
    from library.models import Report
    from library.permissions import reports_visible_with
    from library.services.search import visible_report_ids

    folder = Path(tempfile.mkdtemp(prefix="visibility-bench-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATA_DIR": str(folder),
            "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{folder / 'bench.db'}",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        circles = build(db.session, args.reports, args.seed)
        one = frozenset(circles[:1])
        every = frozenset(circles)
        member_p50, member_p95, member_n = timed(
            lambda: visible_report_ids(db.session, one), args.runs
        )
        admin_p50, admin_p95, admin_n = timed(
            lambda: visible_report_ids(db.session, every), args.runs
        )
        query = select(Report.id).where(reports_visible_with(one))
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        plan = [
            " ".join(str(c) for c in row)
            for row in db.session.execute(db.text(explain + str(compiled)))
        ]
        dialect = db.engine.dialect.name
        db.session.rollback()  # end the read transaction, or PostgreSQL waits on its locks
        db.drop_all()
    print("\n".join(plan), file=sys.stderr)
    print(
        json.dumps(
            {
                "database": dialect,
                "reports": args.reports,
                "circles": CIRCLES,
                "member_visible": member_n,
                "member_p50_ms": member_p50,
                "member_p95_ms": member_p95,
                "admin_visible": admin_n,
                "admin_p50_ms": admin_p50,
                "admin_p95_ms": admin_p95,
            }
        )
    )


if __name__ == "__main__":
    main()
