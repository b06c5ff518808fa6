"""Benchmark: render a 500-post thread, and count the queries of thread pages and the bell.

Run from the repository root:  .venv/bin/python bench/threads.py
The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> dict[str, object]:
    """Build a database with a 5-post and a 500-post thread and measure the thread page."""
    from sqlalchemy import event

    from app import create_app
    from circle.extensions import db
    from circle.models import Circle, Member, Membership, Role
    from circle.threads.models import Notification
    from tests.threads.factories import big_thread

    tmp = Path(tempfile.mkdtemp(prefix="bench-threads-"))
    os.environ.setdefault("APP_ENV", "development")
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "bench",
            "DATA_DIR": str(tmp),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "WTF_CSRF_ENABLED": False,
            "OUTBOX_DIR": str(tmp / "outbox"),
        }
    )
    with app.app_context():
        db.create_all()
        circle = Circle(slug="bench", name="Benk")
        db.session.add(circle)
        members = []
        for i, role in enumerate([Role.LEADER, Role.PARTICIPANT, Role.REFERENCE, Role.PARTICIPANT]):
            member = Member(email=f"m{i}@bench.example", name=f"Medlem {i}", password_hash="!")  # noqa: S106 - nobody signs in
            db.session.add_all([member, Membership(member=member, circle=circle, role=role)])
            members.append(member)
        db.session.flush()
        small = big_thread(db.session, circle, members, 5)
        fifty = big_thread(db.session, circle, members, 50)
        large = big_thread(db.session, circle, members, 500)
        db.session.add_all(
            Notification(
                member_id=members[0].id, circle_id=circle.id, thread_id=large.id, kind="post"
            )
            for _ in range(200)
        )
        db.session.commit()
        token, paths = (
            members[0].session_token,
            (
                f"/c/bench/threads/{small.id}",
                f"/c/bench/threads/{large.id}",
                f"/c/bench/threads/{fifty.id}",
            ),
        )
        engine = db.engine

    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = token, True

    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))

    def queries(path: str) -> tuple[int, int]:
        seen.clear()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(seen), sum("FROM notification" in s for s in seen)

    client.get(paths[0])  # warm the app (templates compiled, connections open)
    q_small, _ = queries(paths[0])
    q_large, bell_on_thread = queries(paths[1])
    q_fifty, _ = queries(paths[2])
    bell = {path: queries(path)[1] for path in ("/", "/c/bench", "/profile")}

    start = time.perf_counter()
    client.get(paths[1])
    cold_ms = (time.perf_counter() - start) * 1000
    warm, cpu = [], []
    for _ in range(15):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(paths[1])
        warm.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    posts_rendered = response.text.count('<article class="post')
    return {
        "bench": "threads",
        "posts": 500,
        "posts_rendered": posts_rendered,
        "queries_thread_5_posts": q_small,
        "queries_thread_50_posts": q_fifty,
        "queries_thread_500_posts": q_large,
        "depth_3_posts_rendered": response.text.count('class="depth-3"'),
        "bell_queries_per_page": max([bell_on_thread, *bell.values()]),
        "render_500_cold_ms": round(cold_ms, 1),
        "render_500_warm_median_ms": round(statistics.median(warm), 1),
        "render_500_warm_max_ms": round(max(warm), 1),
        # CPU time of this process: less disturbed by other work on the machine.
        "render_500_warm_cpu_median_ms": round(statistics.median(cpu), 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "target_ms": 100,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
