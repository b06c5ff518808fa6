"""The queue engine (Huey) behind the outbox: hand committed jobs to it, and run its worker.

The outbox row is the truth; Huey only carries job ids to a worker and wakes periodic jobs.
`QUEUE_URL` picks the storage: empty for SQLite in the data folder (the embedded default),
`redis://...` for several servers, `memory://` for an in-process queue (tests).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from circle.extensions import db
from circle.hooks import PeriodicSpec, app_for_session, bind_app_to_engine, hooks
from circle.jobs.models import Job
from circle.models import utcnow

log = logging.getLogger(__name__)

_EXT_KEY = "circle.jobs.huey"
_PENDING_KEY = "circle.jobs.to_dispatch"
_listening = False


def make_huey(app: Flask) -> Huey:
    """Build the Huey instance for the app's QUEUE_URL, with its tasks."""
    url = str(app.config.get("QUEUE_URL") or "")
    name = "forskningssirkel"
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey: Huey = RedisHuey(name, url=url, results=False, utc=True)
    elif url.startswith("memory://"):
        huey = MemoryHuey(name, results=False, utc=True)
    elif url in {"", "sqlite://"} or url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        filename = path or str(Path(app.config["DATA_DIR"]) / "queue.sqlite3")
        huey = SqliteHuey(name, filename=filename, results=False, utc=True)
    else:
        raise ValueError(f"QUEUE_URL not understood: {url!r} (use redis://..., or leave it empty)")

    from circle.jobs.runner import run_job, sweep

    @huey.task(name="run_job")
    def run_job_task(job_id: int) -> None:
        run_job(app, job_id)

    @huey.periodic_task(crontab(minute="*"), name="sweep")
    def sweep_task() -> None:
        sweep(app)

    for spec in hooks(app).periodic:
        _add_periodic(huey, app, spec)
    huey.run_job_task = run_job_task  # type: ignore[attr-defined]
    return huey


def _add_periodic(huey: Huey, app: Flask, spec: PeriodicSpec) -> None:
    def tick() -> None:
        enqueue_periodic(app, spec, utcnow())

    huey.periodic_task(crontab(**spec.schedule), name=f"periodic:{spec.name}")(tick)


def enqueue_periodic(app: Flask, spec: PeriodicSpec, now: datetime) -> bool:
    """Enqueue the periodic job for this minute unless another worker did; return if added."""
    slot = now.replace(second=0, microsecond=0).isoformat()
    with app.app_context():
        session = db.session
        try:
            with session.begin_nested():
                session.add(
                    Job(kind=spec.kind, payload=dict(spec.payload), once_key=f"{spec.name}:{slot}")
                )
        except IntegrityError:
            session.rollback()
            return False
        session.commit()
    return True


def get_huey(app: Flask) -> Huey:
    """Return the app's Huey instance (one per app, made on first use)."""
    huey = app.extensions.get(_EXT_KEY)
    if huey is None:
        huey = app.extensions[_EXT_KEY] = make_huey(app)
    return huey


def dispatch(app: Flask, ids: Iterable[int], delay: float | None = None) -> None:
    """Hand committed jobs to the worker (or run them here in eager mode)."""
    ids = list(ids)
    if not ids:
        return
    if app.config.get("JOBS_EAGER"):
        if delay:  # a retry later: eager mode leaves it for run_due_jobs
            return
        from circle.jobs.runner import run_job

        for job_id in ids:
            run_job(app, job_id)
        return
    try:
        task = get_huey(app).run_job_task  # type: ignore[attr-defined]
        for job_id in ids:
            if delay:
                task.schedule(args=(job_id,), delay=delay)
            else:
                task(job_id)
    except Exception:  # noqa: BLE001 - the queue may be down; the sweep hands them over later
        log.exception("could not hand %d job(s) to the queue; the sweep will", len(ids))


def dispatch_after_commit(session: Session, ids: Iterable[int]) -> None:
    """Hand these job ids to the queue once the session's transaction commits."""
    session.info.setdefault(_PENDING_KEY, []).extend(ids)


def _collect(session: Session, _flush_context: Any) -> None:
    new = [obj.id for obj in session.new if isinstance(obj, Job)]
    if new:
        session.info.setdefault(_PENDING_KEY, []).extend(new)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released; the real commit comes later
        return
    ids = session.info.pop(_PENDING_KEY, None)
    if not ids:
        return
    app = app_for_session(session)
    if app is None:
        log.error("jobs %s were committed outside any app; the sweep will hand them over", ids)
        return
    dispatch(app, dict.fromkeys(ids))


def _after_rollback(session: Session) -> None:
    # Jobs of a rolled-back transaction never existed; after a savepoint rollback the ids left
    # over may name rows that are gone, which run_job treats as "missing".
    if not session.in_transaction():
        session.info.pop(_PENDING_KEY, None)


def listen(app: Flask) -> None:
    """Watch every session on the app's database for new jobs."""
    global _listening
    with app.app_context():
        bind_app_to_engine(app, db.engine)
    if _listening:
        return
    # On the Session class itself, so sessions made outside Flask-SQLAlchemy (scripts, tests
    # working on db.engine directly) hand over their jobs too.
    event.listen(Session, "after_flush", _collect)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _listening = True
