"""The search index follows the database: every change to a report queues its index job.

A watcher (circle.jobs.watch) notes each report whose row, pages or themes a transaction
changes and queues one "library.index" job in that same transaction. The job brings the index
in line with the database for those reports and is retried until that succeeds.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from circle.hooks import register_job, register_periodic
from circle.jobs.watch import watch_changes
from circle.themes.models import Theme
from library.models import Report, ReportPage, report_theme

INDEX_JOB = "library.index"
COMPACT_JOB = "library.compact"
COMPACT_MIN_SEGMENTS = 20


class IndexUpdateFailed(RuntimeError):
    """Some reports could not be written to the index; the job is tried again."""


def _changed_reports(session: Session) -> set[int]:
    ids: set[int] = set()
    themes: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Report) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, ReportPage) and obj.report_id is not None:
            ids.add(obj.report_id)
        elif isinstance(obj, Theme) and obj.id is not None and obj in session.dirty:
            if inspect(obj).attrs.title.history.has_changes():
                themes.add(obj.id)
    if themes:  # a renamed theme changes the documents of the reports that carry it
        ids |= set(
            session.scalars(
                select(report_theme.c.report_id).where(report_theme.c.theme_id.in_(themes))
            )
        )
    return ids


def index_reports_job(session: Session, payload: dict[str, Any]) -> None:
    """The job: write these reports (or their removal) to the index; fail to be retried."""
    from library.index import sync_reports

    failed = sync_reports(session, [int(i) for i in payload.get("report_ids", [])])
    if failed:
        raise IndexUpdateFailed(f"index update failed for report(s) {failed}")


def compact_index_job(_session: Session, payload: dict[str, Any]) -> None:
    """The nightly job: merge the index's segments when uploads have added many."""
    from library.index import get_backend

    backend = get_backend()
    if backend.segment_count() >= int(payload.get("min_segments", COMPACT_MIN_SEGMENTS)):
        backend.compact()


def init_indexing(app: Flask) -> None:
    """Register the index jobs and watch sessions for report changes."""
    register_job(app, INDEX_JOB, index_reports_job, max_attempts=20, lease_seconds=600)
    register_job(app, COMPACT_JOB, compact_index_job, max_attempts=3, lease_seconds=1800)
    register_periodic(app, "library-compact", COMPACT_JOB, {"minute": "30", "hour": "3"})
    watch_changes("library.reports", _changed_reports, INDEX_JOB, lambda ids: {"report_ids": ids})
