"""Query counts: a big meeting renders with the same number of queries as a small one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from circle.extensions import db
from circle.models import Role
from meetings.models import AgendaItem, ItemKind
from meetings.services import workflow
from meetings.services.actions import add_action
from meetings.services.attendance import answer_invitation, record_attendance
from meetings.services.minutes import ItemContent, save_minutes
from tests.meetings.conftest import at

PAGES = [
    "",
    "/minutes",
    "/minutes/edit",
    "/minutes/print",
    "/agenda/print",
    "/attendance",
    "/minutes/revisions",
]
WORDS = (
    "samarbeid overgang bolig økonomi oppfølging ungdom tjeneste rutine erfaring kunnskap"
).split()


@contextmanager
def count_queries(app) -> Iterator[list[str]]:  # noqa: ANN001
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def build_meeting(
    session,
    people,
    make_member,
    make_meeting,
    *,
    items: int,
    attendees: int,
    words: int,
    days: float,
):  # noqa: ANN001, ANN202
    """Create a held meeting with this many items, attendees and words of minutes (in review)."""
    unit = people.circle.units[0]
    extra = [
        make_member(f"Deltaker {days} {n}", circle=people.circle, role=Role.PARTICIPANT, unit=unit)
        for n in range(max(0, attendees - 4))
    ]
    meeting = make_meeting(days, hours=8)
    while len(meeting.items) < items:
        parent = meeting.items[0].id if len(meeting.items) % 3 == 0 else None
        meeting.items.append(
            AgendaItem(
                kind=ItemKind.DISCUSSION,
                title=f"Sak {len(meeting.items)}",
                minutes_planned=5,
                parent_id=parent,
                position=len(meeting.items),
                description="Om **saken**.",
            )
        )
    del meeting.items[items:]
    session.flush()
    present = [people.leader, people.leader2, people.participant, people.participant2, *extra]
    for member in present[1:4]:
        answer_invitation(
            session,
            meeting,
            people.circle,
            actor=member,
            answer="attending",
            now=meeting.starts_at.replace(year=meeting.starts_at.year - 1),
        )
    record_attendance(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        statuses={m.id: "present" for m in present[:attendees]},
    )
    per_item = max(1, words // items)
    content = {
        item.id: ItemContent(" ".join(WORDS[i % len(WORDS)] for i in range(per_item)), "Vedtatt.")
        for item in meeting.items
    }
    save_minutes(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        expected_version=0,
        content=content,
        evaluation="Bra.",
    )
    for n in range(min(10, items)):
        add_action(
            session,
            meeting.minutes,
            people.circle,
            actor=people.leader,
            what=f"Oppgave {n}",
            owner_id=present[n % len(present)].id,
            item_id=meeting.items[n].id,
        )
    workflow.send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(30))
    for n in range(min(3, items)):
        workflow.add_comment(
            session,
            meeting.minutes,
            people.circle,
            actor=people.participant,
            kind="correction",
            item_id=meeting.items[n].id,
            suggested_text="Ny tekst.",
        )
    session.commit()
    return meeting


def _counts(app, client, meeting) -> dict[str, int]:  # noqa: ANN001
    counts = {}
    for page in PAGES:
        url = f"/c/{meeting.circle.slug}/meetings/{meeting.id}{page}"
        client.get(url)  # warm caches (templates)
        with count_queries(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page or "/"] = len(statements)
    return counts


@pytest.mark.slow
def test_big_meeting_renders_with_fixed_number_of_queries(
    app, client, session, people, make_member, make_meeting, login_as
) -> None:
    """30 items, 25 attendees and 20,000 words cost the same queries as 3 items, 3 people."""
    # A first meeting, so both measured meetings carry an approval item and open actions.
    build_meeting(
        session, people, make_member, make_meeting, items=3, attendees=3, words=10, days=-60
    )
    small = build_meeting(
        session, people, make_member, make_meeting, items=3, attendees=3, words=100, days=-40
    )
    big = build_meeting(
        session, people, make_member, make_meeting, items=30, attendees=25, words=20_000, days=-5
    )
    assert sum(len(n.notes.split()) for n in big.minutes.notes) >= 19_900
    login_as(people.leader)
    small_counts, big_counts = _counts(app, client, small), _counts(app, client, big)
    assert big_counts == small_counts
    # 31: the materials (one query, however many files) joined the minutes page's 30.
    assert max(big_counts.values()) <= 31, big_counts
