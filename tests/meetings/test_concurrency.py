"""Meeting numbers under concurrency: unique per circle, and a lost race retries."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from circle.extensions import db
from circle.models import Circle, Member
from meetings.models import Meeting, MeetingKind
from meetings.services.meetings import create_meeting
from tests.meetings.conftest import at


def _create(session: Session, circle_id: int, actor_id: int, title: str) -> Meeting:
    starts = at(10)
    return create_meeting(
        session,
        session.get(Circle, circle_id),
        actor=session.get(Member, actor_id),
        kind=MeetingKind.CIRCLE,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Høgskolen",
    )


def test_the_database_refuses_a_second_meeting_with_the_same_number(
    session, people, make_meeting
) -> None:  # noqa: ANN001
    """The constraint itself, on SQLite and PostgreSQL: one number per circle."""
    first = make_meeting()
    session.add(
        Meeting(
            circle_id=people.circle.id,
            number=first.number,
            kind=MeetingKind.CIRCLE,
            title="Tvilling",
            starts_at=first.starts_at,
            ends_at=first.ends_at,
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    other = make_meeting(circle=people.other_circle, actor=people.other_leader)
    assert other.number == first.number == 1  # another circle counts from 1 on its own


def _wait_for_lock_wait(engine, worker: threading.Thread, holder: int, deadline: float) -> bool:  # noqa: ANN001
    """Wait until some connection waits for a lock that `holder` (a backend pid) holds."""
    # Autocommit: PostgreSQL keeps one snapshot of its activity statistics per transaction.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as probe:
        while time.monotonic() < deadline and worker.is_alive():
            if probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND :holder = ANY(pg_blocking_pids(pid))"
                ),
                {"holder": holder},
            ):
                return True
            time.sleep(0.02)  # polling a condition, with a deadline; not a timing assumption
    return False


def test_two_leaders_creating_meetings_at_once_both_succeed(app, session, people) -> None:  # noqa: ANN001
    """Two sessions on separate connections take the same next number; the second insert
    waits on the unique index, fails when the first commits, and retries with the next one."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets only one writer in at a time, so no race")
    circle_id, first_id, second_id = people.circle.id, people.leader.id, people.leader2.id
    session.commit()

    mine = _create(session, circle_id, first_id, "Første")  # number 1, not yet committed
    assert mine.number == 1
    my_pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    outcome: dict[str, object] = {}

    def other_leader() -> None:
        with app.app_context(), Session(engine) as theirs:
            try:
                meeting = _create(theirs, circle_id, second_id, "Andre")
                theirs.commit()
                outcome["number"] = meeting.number
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                outcome["error"] = exc

    worker = threading.Thread(target=other_leader)
    worker.start()
    waited = _wait_for_lock_wait(engine, worker, my_pid, time.monotonic() + 60)
    session.commit()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert waited, "the other leader's insert never waited for ours"
    assert outcome["number"] == 2
    numbers = session.scalars(
        select(Meeting.number).where(Meeting.circle_id == circle_id).order_by(Meeting.number)
    ).all()
    assert numbers == [1, 2]


def test_many_meetings_created_in_parallel_get_distinct_numbers(app, session, people) -> None:  # noqa: ANN001
    """Four threads, each with its own connection, start together: every creation succeeds
    and the numbers are 1..4 without a gap or a twin."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets only one writer in at a time, so no race")
    circle_id, leader_id = people.circle.id, people.leader.id
    session.commit()
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def create(n: int) -> None:
        with app.app_context(), Session(engine) as mine:
            start.wait()
            try:
                _create(mine, circle_id, leader_id, f"Møte {n}")
                mine.commit()
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    workers = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert errors == []
    numbers = session.scalars(
        select(Meeting.number).where(Meeting.circle_id == circle_id).order_by(Meeting.number)
    ).all()
    assert numbers == [1, 2, 3, 4]


def test_losing_every_attempt_is_a_clear_conflict_not_a_crash(
    session, people, make_meeting, monkeypatch
) -> None:  # noqa: ANN001
    """When every retry loses its number (here: each insert forced onto number 1), the
    service says so as a Conflict, and the meetings already there are untouched."""
    from sqlalchemy import event

    from circle.errors import Conflict

    first = make_meeting()

    def steal_number(flush_session, _context, _instances) -> None:  # noqa: ANN001
        for obj in flush_session.new:
            if isinstance(obj, Meeting):
                obj.number = first.number

    event.listen(session, "before_flush", steal_number)
    try:
        with pytest.raises(Conflict, match="Prøv igjen"):
            _create(session, people.circle.id, people.leader.id, "Taper hver gang")
    finally:
        event.remove(session, "before_flush", steal_number)
    titles = session.scalars(select(Meeting.title).where(Meeting.circle_id == people.circle.id))
    assert list(titles) == [first.title]
