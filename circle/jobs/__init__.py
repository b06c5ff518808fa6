"""Durable work outside the request: enqueue in the transaction, run in a worker, retry, report.

A job is a row in the `jobs` table written in the same transaction as the change that causes
it, so a rollback never runs it and a crash after the commit never loses it. Once the
transaction commits, its id goes to the queue engine (Huey: SQLite in the data folder by default,
Redis with several servers); a worker claims the row, runs the handler the area registered
(`circle.hooks.register_job`) and commits its work together with the job's "done". A failure is
retried with growing waits; one that keeps failing lands in the failed list (`flask jobs failed`,
the administrators' page), where it can be retried. Every handler must be safe to run twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from circle.hooks import hooks, register_home_panel, register_job, register_periodic
from circle.jobs.models import Job, JobState
from circle.jobs.runner import PermanentJobError, run_due_jobs
from circle.models import utcnow

__all__ = [
    "Job",
    "JobState",
    "PermanentJobError",
    "enqueue",
    "init_jobs",
    "register_job",
    "register_periodic",
    "run_due_jobs",
]


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    delay: float | None = None,
    circle_id: int | None = None,
) -> Job:
    """Add a job to the session's transaction; it runs once the transaction commits."""
    spec = hooks(current_app).jobs.get(kind) if has_app_context() else None
    job = Job(
        kind=kind,
        payload=dict(payload or {}),
        state=JobState.PENDING,
        max_attempts=spec.max_attempts if spec else 8,
        run_after=utcnow() + timedelta(seconds=delay or 0),
        circle_id=circle_id,
    )
    session.add(job)
    return job


def init_jobs(app: Flask) -> None:
    """Register the job table, the commit hooks, the CLI and the administrators' page."""
    from circle.jobs import models  # noqa: F401  (register the table with the metadata)
    from circle.jobs.cli import jobs_cli, worker_command
    from circle.jobs.queue import listen
    from circle.jobs.views import bp, home_panel

    listen(app)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(worker_command)
    app.register_blueprint(bp)
    register_home_panel(app, 5, home_panel)
