"""The job queue: enqueued in the transaction, run after commit, retried, failed list, CLI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from circle.extensions import db
from circle.hooks import PeriodicSpec, register_job
from circle.jobs import enqueue, run_due_jobs
from circle.jobs.models import Job, JobState
from circle.jobs.queue import enqueue_periodic
from circle.jobs.runner import PermanentJobError, backoff_seconds, run_job, sweep
from circle.models import utcnow


def _jobs(app) -> list[Job]:  # noqa: ANN001
    with app.app_context():
        jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
        db.session.expunge_all()
        return list(jobs)


def _make_due(app) -> None:  # noqa: ANN001
    """Move every waiting retry to now (instead of waiting out its backoff)."""
    with app.app_context():
        db.session.execute(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def test_a_rolled_back_transaction_runs_nothing(app) -> None:
    ran: list[int] = []
    register_job(app, "test.record", lambda s, p: ran.append(p["n"]))
    with app.app_context():
        enqueue(db.session, "test.record", {"n": 1})
        db.session.flush()
        db.session.rollback()
    assert ran == []
    assert _jobs(app) == []


def test_a_committed_job_runs_once_after_the_commit_and_forgets_its_payload(app) -> None:
    seen: list[tuple[int, bool]] = []

    def handler(session, payload):  # noqa: ANN001
        # The job runs after the commit, on its own session: the change that queued it is there.
        seen.append((payload["n"], session.scalar(select(Job.id).where(Job.id == 1)) == 1))

    register_job(app, "test.record", handler)
    with app.app_context():
        enqueue(db.session, "test.record", {"n": 7})
        assert seen == []  # not before the commit
        db.session.commit()
    assert seen == [(7, True)]
    (job,) = _jobs(app)
    assert job.state == JobState.DONE and job.attempts == 1 and job.payload == {}
    assert run_job(app, job.id) == "skipped"  # done is done: a second hand-over does nothing
    assert seen == [(7, True)]


def test_the_handlers_work_and_done_commit_together(app) -> None:
    """A handler that fails after writing leaves nothing of its writes behind."""
    from circle.models import Circle

    def handler(session, payload):  # noqa: ANN001
        session.add(Circle(slug="fra-jobb", name="Fra jobb"))
        session.flush()
        raise RuntimeError("the work broke halfway")

    register_job(app, "test.half", handler, max_attempts=1)
    with app.app_context():
        enqueue(db.session, "test.half")
        db.session.commit()
        assert db.session.scalar(select(Circle).where(Circle.slug == "fra-jobb")) is None
    (job,) = _jobs(app)
    assert job.state == JobState.FAILED
    assert job.last_error == "RuntimeError: the work broke halfway"


def test_a_failing_job_is_retried_with_growing_waits_until_it_succeeds(app) -> None:
    calls: list[int] = []

    def flaky(session, payload):  # noqa: ANN001
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("the server is down")

    register_job(app, "test.flaky", flaky, max_attempts=5)
    with app.app_context():
        enqueue(db.session, "test.flaky")
        db.session.commit()
    (job,) = _jobs(app)
    assert job.state == JobState.PENDING and job.attempts == 1
    first_wait = job.run_after - utcnow()
    assert timedelta(seconds=5) < first_wait < timedelta(seconds=30)
    assert run_due_jobs(app) == {}  # nothing is due before its wait is over
    _make_due(app)
    assert run_due_jobs(app) == {"retry": 1}
    (job,) = _jobs(app)
    assert job.attempts == 2 and job.run_after - utcnow() > first_wait
    _make_due(app)
    assert run_due_jobs(app) == {"done": 1}
    assert len(calls) == 3
    assert _jobs(app)[0].state == JobState.DONE


def test_backoff_doubles_and_is_capped() -> None:
    waits = [backoff_seconds(n) for n in range(1, 20)]
    assert 12 <= waits[0] <= 18 and 24 <= waits[1] <= 36
    assert max(waits) <= 3600 * 1.2
    assert all(b >= a * 0.6 for a, b in zip(waits, waits[1:], strict=False))


def test_a_job_that_keeps_failing_lands_in_the_failed_list_and_can_be_retried(app, runner) -> None:
    fail = {"on": True}

    def handler(session, payload):  # noqa: ANN001
        if fail["on"]:
            raise OSError("disk full")

    register_job(app, "test.stuck", handler, max_attempts=2)
    with app.app_context():
        enqueue(db.session, "test.stuck")
        db.session.commit()
    _make_due(app)
    run_due_jobs(app)
    (job,) = _jobs(app)
    assert job.state == JobState.FAILED and job.attempts == 2
    listing = runner.invoke(args=["jobs", "failed"])
    assert "test.stuck" in listing.output and "OSError: disk full" in listing.output
    assert "1 failed job(s)" in listing.output
    fail["on"] = False
    retried = runner.invoke(args=["jobs", "retry", "--all"])
    assert retried.exit_code == 0 and "1 job(s) back in the queue" in retried.output
    (job,) = _jobs(app)
    assert job.state == JobState.DONE  # eager mode: handed over at the commit, and it worked


def test_a_permanent_error_fails_at_once(app) -> None:
    def handler(session, payload):  # noqa: ANN001
        raise PermanentJobError("the address does not exist")

    register_job(app, "test.permanent", handler, max_attempts=9)
    with app.app_context():
        enqueue(db.session, "test.permanent")
        db.session.commit()
    (job,) = _jobs(app)
    assert job.state == JobState.FAILED and job.attempts == 1


def test_an_unknown_kind_fails_visibly(app) -> None:
    with app.app_context():
        enqueue(db.session, "test.nobody-handles-this")
        db.session.commit()
    (job,) = _jobs(app)
    assert job.state == JobState.FAILED and "no handler" in job.last_error


def test_a_stored_error_never_carries_an_identity_number(app) -> None:
    import datetime

    from tests.circle.test_identity import valid_number

    number = valid_number(datetime.date(1990, 5, 17))

    def handler(session, payload):  # noqa: ANN001
        raise ValueError(f"bad value {number}")  # an exception quoting data

    register_job(app, "test.leaky", handler, max_attempts=1)
    with app.app_context():
        enqueue(db.session, "test.leaky")
        db.session.commit()
    (job,) = _jobs(app)
    assert job.last_error == "ValueError"


def test_jobs_queued_inside_a_savepoint_run_with_the_outer_commit(app) -> None:
    ran: list[int] = []
    register_job(app, "test.record", lambda s, p: ran.append(p["n"]))
    with app.app_context():
        with db.session.begin_nested():
            enqueue(db.session, "test.record", {"n": 1})
        assert ran == []
        db.session.commit()
    assert ran == [1]


def test_a_job_the_queue_lost_is_handed_over_by_the_sweep(app, monkeypatch) -> None:
    """A crash between the commit and the hand-over: the row is there, the sweep runs it."""
    import circle.jobs.queue as queue

    ran: list[int] = []
    register_job(app, "test.record", lambda s, p: ran.append(p["n"]))
    monkeypatch.setattr(queue, "dispatch", lambda *a, **k: None)  # the process "died" here
    with app.app_context():
        enqueue(db.session, "test.record", {"n": 3})
        db.session.commit()
    assert ran == []
    monkeypatch.undo()
    assert sweep(app) == 1
    assert ran == [3]
    assert sweep(app) == 0  # done: nothing more to hand over


def test_a_job_whose_worker_died_is_taken_again_after_its_lease(app) -> None:
    ran: list[int] = []
    register_job(app, "test.record", lambda s, p: ran.append(p["n"]), lease_seconds=60)
    with app.app_context():
        job = Job(kind="test.record", payload={"n": 5}, state=JobState.RUNNING, attempts=1)
        job.locked_until = utcnow() + timedelta(seconds=60)
        db.session.add(job)
        db.session.info.pop("circle.jobs.to_dispatch", None)
        db.session.commit()
        job_id = job.id
    ran.clear()
    assert run_job(app, job_id) == "skipped"  # another worker still holds it
    with app.app_context():
        db.session.execute(update(Job).values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert run_job(app, job_id) == "done"
    assert ran == [5]
    assert _jobs(app)[0].attempts == 2


def test_a_periodic_job_is_queued_once_per_slot_however_many_workers_tick(app) -> None:
    ran: list[int] = []
    register_job(app, "test.daily", lambda s, p: ran.append(1))
    spec = PeriodicSpec("daily-test", "test.daily", {"minute": "0"})
    now = utcnow()
    assert enqueue_periodic(app, spec, now) is True
    assert enqueue_periodic(app, spec, now.replace(second=(now.second + 1) % 60)) is False
    assert enqueue_periodic(app, spec, now + timedelta(minutes=1)) is True
    assert len(ran) == 2


@pytest.mark.parametrize("command", [["jobs", "list"], ["jobs", "run"], ["jobs", "failed"]])
def test_job_commands_answer_on_an_empty_queue(runner, command) -> None:
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
    assert result.output.strip()


def test_retry_needs_ids_or_all(runner) -> None:
    assert runner.invoke(args=["jobs", "retry"]).exit_code != 0
