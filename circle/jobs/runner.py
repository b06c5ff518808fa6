"""Claim, run, retry and give up: what happens to one job, whoever runs it."""

from __future__ import annotations

import logging
import os
import random
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from circle.extensions import db
from circle.hooks import JobSpec, hooks
from circle.identity import contains_identity_number
from circle.jobs.models import Job, JobState
from circle.models import utcnow

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 15
BACKOFF_CAP_SECONDS = 3600
# A job that was handed to the queue but has not started after this long is handed over again.
REDISPATCH_AFTER = timedelta(minutes=2)
KEEP_DONE = timedelta(days=14)


class PermanentJobError(Exception):
    """A job failed in a way that trying again cannot mend (it goes to the failed list now)."""


def backoff_seconds(attempts: int) -> float:
    """Return the wait before attempt number attempts + 1: doubling, capped, with jitter."""
    base = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    return base * random.uniform(0.8, 1.2)


def process_name() -> str:
    """Return "host:pid" for this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def release_dead_claims(app: Flask) -> int:
    """Put back jobs that a dead process on this host left running; return how many."""
    host = socket.gethostname()
    with app.app_context():
        session = db.session
        rows = session.execute(
            select(Job.id, Job.locked_by).where(
                Job.state == JobState.RUNNING, Job.locked_by.like(f"{host}:%")
            )
        ).all()
        dead = [
            job_id
            for job_id, owner in rows
            if owner.rpartition(":")[2].isdigit() and not _alive(int(owner.rpartition(":")[2]))
        ]
        if dead:
            session.execute(
                update(Job)
                .where(Job.id.in_(dead), Job.state == JobState.RUNNING)
                .values(state=JobState.PENDING, locked_until=None, locked_by=None)
            )
            session.commit()
    return len(dead)


def _claimable(now: datetime):  # noqa: ANN202
    return or_(
        and_(Job.state == JobState.PENDING, Job.run_after <= now),
        and_(Job.state == JobState.RUNNING, Job.locked_until < now),  # its worker died
    )


def _error_text(exc: BaseException) -> str:
    """Return a short description of a failure that is safe to store and show."""
    text = f"{type(exc).__name__}: {exc}"[:500]
    # An exception message may quote data; never store one that could carry an identity number.
    return type(exc).__name__ if contains_identity_number(text) else text


@contextmanager
def _context(app: Flask) -> Iterator[None]:
    """Push a fresh app context (so a fresh session) and a request context on BASE_URL.

    Fresh even inside another job or request: a job handed over from an after-commit hook must
    not reuse the session that is just committing. The request context lets handlers build
    links with url_for.
    """
    parts = urlsplit(str(app.config.get("BASE_URL") or "http://localhost"))
    with (
        app.app_context(),
        app.test_request_context("/", base_url=f"{parts.scheme}://{parts.netloc}"),
    ):
        yield


def run_job(app: Flask, job_id: int) -> str:
    """Run one job if it is due and nobody else holds it; return what happened."""
    with _context(app):
        session = db.session
        spec = None
        now = utcnow()
        kind = session.scalar(select(Job.kind).where(Job.id == job_id))
        if kind is None:
            return "missing"
        spec = hooks(app).jobs.get(kind)
        lease = timedelta(seconds=spec.lease_seconds if spec else 60)
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, _claimable(now))
            .values(
                state=JobState.RUNNING,
                attempts=Job.attempts + 1,
                locked_until=now + lease,
                locked_by=process_name(),
            )
        ).rowcount
        session.commit()
        if not claimed:
            return "skipped"
        job = session.get(Job, job_id)
        assert job is not None
        payload = dict(job.payload or {})
        try:
            if spec is None:
                raise PermanentJobError(f"no handler for job kind {kind!r}")
            spec.handler(session, payload)
            session.execute(
                update(Job)
                .where(Job.id == job_id)
                # The payload (addresses, titles) is not kept once the work is done.
                .values(
                    state=JobState.DONE,
                    finished_at=utcnow(),
                    locked_until=None,
                    locked_by=None,
                    last_error=None,
                    payload={},
                )
            )
            session.commit()
        except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
            session.rollback()
            return _record_failure(app, session, job_id, spec, exc)
        return "done"


def _record_failure(
    app: Flask, session: Session, job_id: int, spec: JobSpec | None, exc: BaseException
) -> str:
    job = session.get(Job, job_id)
    if job is None:
        return "missing"
    permanent = isinstance(exc, PermanentJobError)
    if permanent or job.attempts >= job.max_attempts:
        log.error("job %s (%s) failed for good: %s", job.id, job.kind, _error_text(exc))
        job.state, job.finished_at, job.locked_until = JobState.FAILED, utcnow(), None
        job.locked_by = None
        job.last_error = _error_text(exc)
        session.commit()
        return "failed"
    delay = backoff_seconds(job.attempts)
    log.warning(
        "job %s (%s) failed on attempt %d, retrying in %.0f s: %s",
        job.id,
        job.kind,
        job.attempts,
        delay,
        _error_text(exc),
    )
    now = utcnow()
    job.state, job.locked_until, job.locked_by = JobState.PENDING, None, None
    job.run_after = now + timedelta(seconds=delay)
    job.dispatched_at = now
    job.last_error = _error_text(exc)
    session.commit()
    from circle.jobs.queue import dispatch

    dispatch(app, [job_id], delay=delay)
    return "retry"


def due_job_ids(session: Session, limit: int | None = None) -> list[int]:
    """Return the ids of jobs that could run now, oldest first."""
    query = select(Job.id).where(_claimable(utcnow())).order_by(Job.run_after, Job.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def run_due_jobs(app: Flask, limit: int | None = None) -> dict[str, int]:
    """Run every due job now, in this process (the CLI, tests, and set-ups without a worker)."""
    outcomes: dict[str, int] = {}
    seen: set[int] = set()
    while True:
        with app.app_context():
            ids = [i for i in due_job_ids(db.session) if i not in seen]
        if limit is not None:
            ids = ids[: max(limit - len(seen), 0)]
        if not ids:
            return outcomes
        for job_id in ids:
            seen.add(job_id)
            outcome = run_job(app, job_id)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1


def sweep(app: Flask) -> int:
    """Hand over jobs the queue lost (a crash after the commit, a worker killed mid-job)."""
    with app.app_context():
        session = db.session
        now = utcnow()
        ids = list(
            session.scalars(
                select(Job.id).where(
                    or_(
                        and_(
                            Job.state == JobState.PENDING,
                            Job.run_after <= now,
                            or_(
                                Job.dispatched_at.is_(None),
                                Job.dispatched_at < now - REDISPATCH_AFTER,
                            ),
                        ),
                        and_(Job.state == JobState.RUNNING, Job.locked_until < now),
                    )
                )
            )
        )
        if ids:
            session.execute(update(Job).where(Job.id.in_(ids)).values(dispatched_at=now))
        session.execute(
            delete(Job).where(Job.state == JobState.DONE, Job.finished_at < now - KEEP_DONE)
        )
        session.commit()
    if ids:
        from circle.jobs.queue import dispatch

        dispatch(app, ids)
    return len(ids)


def retry_jobs(session: Session, ids: Iterable[int] | None = None) -> int:
    """Put failed jobs back in line with fresh attempts (all failed ones when ids is None)."""
    query = update(Job).where(Job.state == JobState.FAILED)
    if ids is not None:
        query = query.where(Job.id.in_(list(ids)))
    return session.execute(
        query.values(
            state=JobState.PENDING,
            attempts=0,
            run_after=utcnow(),
            dispatched_at=None,
            finished_at=None,
        )
    ).rowcount
