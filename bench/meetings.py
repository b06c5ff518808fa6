"""Benchmark the meetings area: page renders of a big meeting and a member's iCal feed.

Builds, in a throwaway SQLite database:
- a meeting with 30 agenda items, 25 attendees and minutes of 20,000 words (in review), and
- a member in 5 circles with 100 meetings between them,
then measures queries and time per page render, and the time to build the iCal feed.
Run:  .venv/bin/python bench/meetings.py [--runs 20]
The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = (
    "samarbeid overgang bolig økonomi oppfølging ungdom tjeneste rutine erfaring kunnskap"
).split()
PAGES = ["", "/minutes", "/minutes/edit", "/minutes/print", "/agenda/print", "/attendance"]


def build(session, password_hash: str):  # noqa: ANN001, ANN201
    """Create the circles, people and meetings; return (leader, member, big meeting)."""
    from circle.models import Circle, Member, Membership, Role, Unit
    from meetings.models import AgendaItem, ItemKind, MeetingKind
    from meetings.services import workflow
    from meetings.services.actions import add_action
    from meetings.services.attendance import record_attendance
    from meetings.services.meetings import create_meeting
    from meetings.services.minutes import ItemContent, save_minutes

    leader = Member(email="leder@bench.example", name="Leder", password_hash=password_hash)
    member = Member(email="medlem@bench.example", name="Medlem", password_hash=password_hash)
    session.add_all([leader, member])
    circles = []
    for n in range(5):
        circle = Circle(slug=f"bench-{n}", name=f"Sirkel {n}", institution="Høgskolen")
        circle.units.append(Unit(name=f"Bydel {n}"))
        session.add(circle)
        session.add(Membership(member=leader, circle=circle, role=Role.LEADER))
        session.add(
            Membership(member=member, circle=circle, role=Role.PARTICIPANT, unit=circle.units[0])
        )
        circles.append(circle)
    session.flush()
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    for n in range(100):
        circle = circles[n % 5]
        when = start + timedelta(days=7 * (n // 5) + n % 5)
        kind = MeetingKind.REFERENCE if n % 10 == 9 else MeetingKind.CIRCLE
        create_meeting(
            session,
            circle,
            actor=leader,
            kind=kind,
            title=f"Møte {n}",
            starts_at=when,
            ends_at=when + timedelta(hours=3),
            place="Høgskolen",
            address="Gata 1",
        )
    circle = circles[0]
    people = [member]
    for n in range(24):
        person = Member(
            email=f"p{n}@bench.example", name=f"Deltaker {n:02d}", password_hash=password_hash
        )
        session.add(person)
        session.add(
            Membership(member=person, circle=circle, role=Role.PARTICIPANT, unit=circle.units[0])
        )
        people.append(person)
    session.flush()
    when = datetime.now(UTC) - timedelta(days=2)
    big = create_meeting(
        session,
        circle,
        actor=leader,
        kind=MeetingKind.CIRCLE,
        title="Stort møte",
        starts_at=when,
        ends_at=when + timedelta(hours=8),
    )
    while len(big.items) < 30:
        parent = big.items[0].id if len(big.items) % 3 == 0 else None
        big.items.append(
            AgendaItem(
                kind=ItemKind.DISCUSSION,
                title=f"Sak {len(big.items)}",
                minutes_planned=10,
                parent_id=parent,
                position=len(big.items),
                description="Om **saken**.",
            )
        )
    del big.items[30:]
    session.flush()
    record_attendance(
        session, big, circle, actor=leader, statuses={p.id: "present" for p in people}
    )
    per_item = 20_000 // 30 + 1
    save_minutes(
        session,
        big,
        circle,
        actor=leader,
        expected_version=0,
        evaluation="Bra.",
        content={
            i.id: ItemContent(" ".join(WORDS[k % 10] for k in range(per_item)), "Vedtatt.")
            for i in big.items
        },
    )
    for n in range(10):
        add_action(
            session, big.minutes, circle, actor=leader, what=f"Oppgave {n}", owner_id=people[n].id
        )
    workflow.send_for_review(
        session, big, circle, actor=leader, deadline=datetime.now(UTC) + timedelta(days=7)
    )
    session.commit()
    return leader, member, big


def main() -> None:
    """Build the data, measure, and print the figures (last line: JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("APP_ENV", "development")
    folder = Path(tempfile.mkdtemp(prefix="bench-meetings-"))

    from sqlalchemy import event

    from app import create_app
    from circle.auth.passwords import hash_password
    from circle.extensions import db
    from meetings.services.ical import member_feed, visible_meetings
    from meetings.views.common import meeting_link

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "DATA_DIR": str(folder),
            "UPLOAD_DIR": str(folder / "files"),
            "OUTBOX_DIR": str(folder / "outbox"),
            "INDEX_DIR": str(folder / "index"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "MAIL_SERVER": "",
            "BASE_URL": "http://bench.local",
        }
    )
    password = "benk-passord-lang-nok"  # noqa: S105  (a throwaway benchmark account)
    with app.app_context():
        db.create_all()
        leader, member, big = build(db.session, hash_password(password))
        leader_email, member_id = leader.email, member.id
        big_url = f"/c/{big.circle.slug}/meetings/{big.id}"
        words = sum(len(n.notes.split()) for n in big.minutes.notes)
        engine = db.engine

    client = app.test_client()
    client.post("/login", data={"email": leader_email, "password": password})
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))  # noqa: ARG005
    pages = {}
    for page in PAGES:
        url = big_url + page
        assert client.get(url).status_code == 200, url
        statements.clear()
        timings = []
        for _ in range(args.runs):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        pages[page or "/"] = {
            "queries": len(statements),
            "median_ms": round(statistics.median(timings), 1),
        }

    with app.test_request_context():
        from circle.models import Member

        member = db.session.get(Member, member_id)
        count = len(visible_meetings(db.session, member))
        feed_timings = []
        for _ in range(args.runs):
            db.session.expire_all()
            member = db.session.get(Member, member_id)
            statements.clear()
            started = time.perf_counter()
            body = member_feed(db.session, member, meeting_link)
            feed_timings.append((time.perf_counter() - started) * 1000)
        feed_queries = len(statements)

    for page, figures in pages.items():
        print(f"{page:<16} {figures['queries']:>3} queries  {figures['median_ms']:>7.1f} ms")
    feed_ms = statistics.median(feed_timings)
    print(
        f"iCal feed: {count} meetings in 5 circles, {len(body)} bytes, {feed_queries} queries, "
        f"median {feed_ms:.1f} ms (target < 50 ms)"
    )
    print(
        json.dumps(
            {
                "meeting": {"agenda_items": 30, "attendees": 25, "minutes_words": words},
                "pages": pages,
                "feed": {
                    "meetings": count,
                    "queries": feed_queries,
                    "median_ms": round(feed_ms, 1),
                    "max_ms": round(max(feed_timings), 1),
                    "target_ms": 50,
                    "ok": feed_ms < 50,
                },
                "runs": args.runs,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
