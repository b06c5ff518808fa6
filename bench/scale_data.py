"""Grow a demo database to benchmark size with bulk inserts (members, meetings, reports, posts).

Usage: python bench/scale_data.py DATA_DIR [--circles 50] [--members 5000] [--meetings 600]
       [--reports 2000] [--posts 100000]

DATA_DIR holds bench.db made by `flask db upgrade && flask demo` (bench/pages.py --scale does
this itself). The rows are added beside the demo's own: most of them in other circles, and a
share in the demo circle (members, meetings, reports, posts in its threads and notices for its
members), so the demo's pages show ten times or more what they showed and the
query-count test can tell whether a page's queries grow with its data. Core bulk inserts, one
transaction; 100,000 posts take a few seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEMO_SLUG = "overganger"
# The demo circle's share of the extra rows; the rest goes to the other circles.
DEMO_SHARE = 0.1
_BODY = (
    "Vi drøftet **overgangen** fra barnevernet til egen bolig, og hva tjenestene kan gjøre "
    "sammen. Se også https://forskning.example/rapport og punktene under:\n\n"
    "- samarbeid med NAV\n- oppfølging etter 18 år\n"
)


def _rows(count: int, make: Any) -> list[dict[str, Any]]:
    return [make(i) for i in range(count)]


def grow(  # noqa: PLR0913 - one argument per kind of row, all keyword-only
    session: Any,
    *,
    circles: int = 0,
    members: int = 0,
    meetings: int = 0,
    reports: int = 0,
    posts: int = 0,
    notices: int | None = None,
    seed: str = "scale",
) -> dict[str, int]:
    """Add rows beside the demo's in one flush-free bulk insert per table; return the counts."""
    from sqlalchemy import func, insert, select

    from circle.models import Circle, Member, Membership, Role
    from circle.notifications.models import Notification
    from circle.text import render_markdown
    from circle.threads.models import Thread
    from library.models import Report
    from meetings.models import Meeting, MeetingKind

    now = datetime.now(UTC).replace(microsecond=0)
    demo = session.scalar(select(Circle).where(Circle.slug == DEMO_SLUG))
    if demo is None:
        raise SystemExit("load the demo first (flask demo)")
    new_circles = _rows(
        circles,
        lambda i: {"slug": f"{seed}-sirkel-{i}", "name": f"Sirkel {seed} {i}", "description": ""},
    )
    if new_circles:
        session.execute(insert(Circle), new_circles)
    circle_ids = [demo.id, *session.scalars(select(Circle.id).where(Circle.slug.like(f"{seed}-%")))]

    def circle_for(i: int, total: int) -> int:
        # The first DEMO_SHARE of every kind of row goes to the demo circle.
        if len(circle_ids) == 1 or i < max(1, int(total * DEMO_SHARE)):
            return demo.id
        return circle_ids[1 + i % (len(circle_ids) - 1)]

    first_member = (session.scalar(select(func.max(Member.id))) or 0) + 1
    if members:
        session.execute(
            insert(Member),
            _rows(
                members,
                lambda i: {
                    "id": first_member + i,
                    "email": f"{seed}.{i}@scale.example",
                    "name": f"Deltaker {i}",
                    "session_token": hashlib.sha256(f"{seed}-{i}".encode()).hexdigest(),
                    "active": True,
                },
            ),
        )
        session.execute(
            insert(Membership),
            _rows(
                members,
                lambda i: {
                    "member_id": first_member + i,
                    "circle_id": circle_for(i, members),
                    "role": Role.REFERENCE if i % 7 == 0 else Role.PARTICIPANT,
                },
            ),
        )
    if meetings:
        number = session.scalar(select(func.max(Meeting.number))) or 0
        session.execute(
            insert(Meeting),
            _rows(
                meetings,
                lambda i: {
                    "circle_id": circle_for(i, meetings),
                    "number": number + 1 + i,
                    "kind": MeetingKind.CIRCLE,
                    "title": f"Samling {number + 1 + i}",
                    # Half in the past, half ahead, one a week.
                    "starts_at": now + timedelta(days=7 * (i - meetings // 2)),
                    "ends_at": now + timedelta(days=7 * (i - meetings // 2), hours=3),
                    "place": "Oslo",
                    "ical_uid": f"{seed}-{i}@scale.example",
                },
            ),
        )
    if reports:
        session.execute(
            insert(Report),
            _rows(
                reports,
                lambda i: {
                    "circle_id": None if i % 2 else circle_for(i, reports),
                    "title": f"Rapport {i} om bolig og ettervern",
                    "authors": [f"Forfatter {i}"],
                    "editors": [],
                    "keywords": ["bolig"],
                    "year": 2000 + i % 26,
                    "sha256": hashlib.sha256(f"{seed}-report-{i}".encode()).hexdigest(),
                },
            ),
        )
    if posts:
        _add_posts(session, posts, first_member, members, now, render_markdown)
    member_ids = list(
        session.scalars(select(Membership.member_id).where(Membership.circle_id == demo.id))
    )
    notices = posts // 10 if notices is None else notices
    threads = list(session.scalars(select(Thread.id).where(Thread.circle_id == demo.id)))
    if notices and member_ids and threads:
        last_posts = {t: p for t, p in session.execute(select(Thread.id, Thread.last_post_id))}
        session.execute(
            insert(Notification),
            _rows(
                notices,
                lambda i: {
                    "member_id": member_ids[i % len(member_ids)],
                    "circle_id": demo.id,
                    "kind": "post",
                    "subject_kind": "thread",
                    "subject_id": threads[i % len(threads)],
                    "thread_id": threads[i % len(threads)],
                    "post_id": last_posts[threads[i % len(threads)]],
                    "title": f"Nytt innlegg {i}",
                    "detail": "",
                    "mailed_at": now,
                },
            ),
        )
    return {
        "circles": circles,
        "members": members,
        "meetings": meetings,
        "reports": reports,
        "posts": posts,
        "notices": notices,
    }


def _add_posts(  # noqa: PLR0913
    session: Any,
    posts: int,
    first_member: int,
    members: int,
    now: datetime,
    render: Any,
) -> None:
    """Spread posts over the demo's threads as replies (three in four answer the opening post,
    the rest answer one of those), then fix each thread's counters."""
    from sqlalchemy import func, insert, select, update

    from circle.threads.models import Post as ThreadPost
    from circle.threads.models import Thread

    threads = list(session.scalars(select(Thread.id).order_by(Thread.id)))
    body_html = str(render(_BODY))
    authors = max(members, 1)
    answers = posts - posts // 4

    def post(i: int, **placement: Any) -> dict[str, Any]:
        return {
            "author_id": first_member + i % authors if members else None,
            "body": _BODY,
            "body_html": body_html,
            "created_at": now - timedelta(minutes=posts - i),
            **placement,
        }

    session.execute(
        insert(ThreadPost),
        _rows(answers, lambda i: post(i, thread_id=threads[i % len(threads)], depth=1)),
    )
    roots = session.execute(
        select(ThreadPost.id, ThreadPost.thread_id)
        .where(ThreadPost.depth == 1, ThreadPost.parent_id.is_(None))
        .order_by(ThreadPost.id.desc())
        .limit(answers)
    ).all()
    if roots and posts > answers:
        session.execute(
            insert(ThreadPost),
            _rows(
                posts - answers,
                lambda i: post(
                    answers + i,
                    thread_id=roots[i % len(roots)].thread_id,
                    parent_id=roots[i % len(roots)].id,
                    reply_to_id=roots[i % len(roots)].id,
                    depth=2,
                ),
            ),
        )
    counts = session.execute(
        select(ThreadPost.thread_id, func.count(), func.max(ThreadPost.id)).group_by(
            ThreadPost.thread_id
        )
    )
    for thread_id, count, last in counts:
        session.execute(
            update(Thread)
            .where(Thread.id == thread_id)
            .values(post_count=count, last_post_id=last, last_post_at=now)
        )


def main() -> None:
    """Grow the database in DATA_DIR and print how long it took."""
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--circles", type=int, default=50)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--meetings", type=int, default=600)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "scale-data")
    os.environ["DATA_DIR"] = str(args.data)
    os.environ["DATABASE_URL"] = f"sqlite:///{args.data / 'bench.db'}"
    from app import create_app
    from circle.extensions import db

    started = time.perf_counter()
    with create_app().app_context():
        added = grow(
            db.session,
            circles=args.circles - 1,
            members=args.members,
            meetings=args.meetings,
            reports=args.reports,
            posts=args.posts,
        )
        db.session.commit()
    print({**added, "seconds": round(time.perf_counter() - started, 1)})


if __name__ == "__main__":
    main()
