"""The job outbox: a job is a row written in the same transaction as the change that causes it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from circle.extensions import db
from circle.identity import exempt
from circle.models import UTCDateTime, utcnow


class JobState(enum.StrEnum):
    """Where a job stands."""

    PENDING = "pending"  # waiting to run (now, or at run_after after a failure)
    RUNNING = "running"  # claimed by a worker until locked_until
    DONE = "done"
    FAILED = "failed"  # gave up after its attempts; shown to administrators, can be retried


class Job(db.Model):  # type: ignore[name-defined]
    """One unit of work outside the request: send a mail, index a report, read an upload."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_state_run_after", "state", "run_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "host:pid" of the process running it, so a restarted worker can take back what a dead
    # process on the same host left running without waiting out the lease.
    locked_by: Mapped[str | None] = mapped_column(
        String(200), info=exempt("the host name and process id of the worker running it")
    )
    # Periodic jobs carry "<name>:<time slot>", so each slot runs once however many servers tick.
    once_key: Mapped[str | None] = mapped_column(
        String(200),
        unique=True,
        info=exempt("a periodic job's name and time slot, made by the worker"),
    )
    circle_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle.id", ondelete="SET NULL"), index=True
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"
