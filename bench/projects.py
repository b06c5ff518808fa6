"""Benchmark the projects area: query counts and render times, and the final-report compile.

A circle with 6 projects, each with 50 revisions, 20 files and 200 log entries (and a small
circle for comparison). Run: .venv/bin/python bench/projects.py  (prints a final JSON line)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from circle.extensions import db  # noqa: E402
from circle.models import Circle, Member, Membership, Role, ServiceSite, Unit  # noqa: E402
from tests.projects.bigdata import fill_circle  # noqa: E402

RUNS = 5


def _circle(slug: str, units: int) -> Circle:
    circle = Circle(
        slug=slug,
        name=f"Sirkel {slug}",
        institution="Høgskolen",
        description="En forskningssirkel.",
    )
    for n in range(units):
        circle.units.append(
            Unit(name=f"Bydel {slug} {n}", sites=[ServiceSite(name=f"NAV {slug} {n}")])
        )
    return circle


def _measure(engine, client, url: str) -> dict[str, float]:  # noqa: ANN001
    statements: list[str] = []

    def listener(*args) -> None:  # noqa: ANN002
        statements.append(args[2])

    client.get(url)
    times = []
    for _ in range(RUNS):
        statements.clear()
        event.listen(engine, "before_cursor_execute", listener)
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (url, response.status_code)
    return {"queries": len(statements), "ms": round(median(times) * 1000, 1)}


def main() -> None:
    """Build the data, measure, print the figures and a final JSON line."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "DATA_DIR": tmp,
                "UPLOAD_DIR": f"{tmp}/files",
            }
        )
        with app.app_context():
            db.create_all()
            leader = Member(email="leder@bench.example", name="Leder", password_hash=None)
            small, big = _circle("liten", 1), _circle("stor", 6)
            db.session.add_all([leader, small, big])
            db.session.add_all(
                [Membership(member=leader, circle=c, role=Role.LEADER) for c in (small, big)]
            )
            db.session.flush()
            small_p = fill_circle(
                db.session, small, leader, projects=1, revisions=2, files=1, log_entries=2
            )[0]
            start = time.perf_counter()
            big_p = fill_circle(db.session, big, leader)[0]
            db.session.commit()
            build_s = time.perf_counter() - start
            token, ids = leader.session_token, (small_p.id, big_p.id)
            engine = db.engine
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = token
            sess["_fresh"] = True
        result: dict[str, object] = {"data_build_s": round(build_s, 2)}
        for label, slug, pid in (("small", "liten", ids[0]), ("big", "stor", ids[1])):
            result[label] = {
                "overview": _measure(engine, client, f"/c/{slug}/projects"),
                "workspace": _measure(engine, client, f"/c/{slug}/projects/{pid}"),
                "report_html": _measure(engine, client, f"/c/{slug}/report"),
                "report_docx": _measure(engine, client, f"/c/{slug}/report.docx"),
            }
        big_r = result["big"]
        small_r = result["small"]
        result["fixed_queries"] = all(
            big_r[k]["queries"] == small_r[k]["queries"]
            for k in ("overview", "workspace", "report_html")
        )
        result["report_compile_under_2s"] = (
            max(big_r["report_html"]["ms"], big_r["report_docx"]["ms"]) < 2000
        )
        for label in ("small", "big"):
            for page, figures in result[label].items():
                print(f"{label:5} {page:12} {figures['queries']:3} queries {figures['ms']:8.1f} ms")
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
