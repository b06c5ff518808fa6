"""`flask worker` runs the queue; `flask jobs ...` shows, retries and runs jobs by hand."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from circle.extensions import db
from circle.jobs.models import Job, JobState

jobs_cli = AppGroup("jobs", help="Background jobs: list, show the failed ones, retry, run.")


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
@click.option(
    "--nice",
    "niceness",
    default=10,
    show_default=True,
    type=click.IntRange(0, 19),
    help="CPU priority to run at (0 = as the web server; higher yields to it).",
)
@with_appcontext
def worker_command(threads: int, niceness: int) -> None:
    """Run the job worker and the periodic jobs until stopped (Ctrl-C, SIGTERM).

    The worker yields the CPU to the web server (niceness 10 by default; the file readers it
    starts run at DOCUMENT_NICENESS, 19): nobody waits on a page while a report is read."""
    import os

    from circle.jobs.queue import get_huey
    from circle.jobs.runner import release_dead_claims, sweep

    if niceness > os.nice(0):
        os.nice(niceness - os.nice(0))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    huey = get_huey(app)
    released = release_dead_claims(app)  # jobs a killed worker on this host left running
    handed = sweep(app)  # and whatever was committed while no worker ran
    click.echo(
        f"worker: {threads} thread(s) at niceness {os.nice(0)}; {handed} waiting job(s) handed over, "
        f"{released} taken back from a stopped worker"
    )
    consumer = huey.create_consumer(
        workers=threads,
        worker_type="thread",
        periodic=True,
        initial_delay=0.05,
        backoff=1.5,
        max_delay=1.0,
        check_worker_health=True,
    )
    consumer.run()


@jobs_cli.command("list")
def list_jobs() -> None:
    """Count the jobs per state and kind."""
    rows = db.session.execute(
        select(Job.state, Job.kind, func.count(Job.id)).group_by(Job.state, Job.kind)
    )
    found = False
    for state, kind, count in sorted(rows):
        click.echo(f"{state:<8} {kind:<32} {count}")
        found = True
    if not found:
        click.echo("no jobs")


@jobs_cli.command("failed")
def failed_jobs() -> None:
    """List the jobs that gave up, with their last error."""
    jobs = db.session.scalars(
        select(Job).where(Job.state == JobState.FAILED).order_by(Job.finished_at, Job.id)
    ).all()
    for job in jobs:
        click.echo(
            f"{job.id:>6}  {job.kind:<28} attempts {job.attempts}  "
            f"{job.finished_at.isoformat(timespec='minutes') if job.finished_at else '-'}  "
            f"{job.last_error or ''}"
        )
    click.echo(f"{len(jobs)} failed job(s)")


@jobs_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Retry every failed job.")
def retry(ids: tuple[int, ...], everything: bool) -> None:
    """Put failed jobs back in the queue with fresh attempts."""
    from circle.jobs.queue import dispatch_after_commit
    from circle.jobs.runner import retry_jobs

    if not ids and not everything:
        raise click.UsageError("give job ids, or --all")
    chosen = None if everything else ids
    retried = list(
        db.session.scalars(
            select(Job.id).where(
                Job.state == JobState.FAILED, *([Job.id.in_(chosen)] if chosen else [])
            )
        )
    )
    retry_jobs(db.session, retried)
    dispatch_after_commit(db.session, retried)
    db.session.commit()
    click.echo(f"{len(retried)} job(s) back in the queue")


@jobs_cli.command("run")
@click.option("--limit", type=int, default=None, help="Run at most this many jobs.")
def run_now(limit: int | None) -> None:
    """Run the due jobs now in this process (safe beside a running worker)."""
    from circle.jobs.runner import run_due_jobs

    outcomes = run_due_jobs(current_app._get_current_object(), limit)  # type: ignore[attr-defined]
    summary = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "nothing due"
    click.echo(summary)
