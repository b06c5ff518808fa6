"""The process-wide search backend, and keeping it in step with the database.

Index writes happen in a job queued with the change (library.indexing) and run after the
commit, so the index never holds a report the database rolled back; a failed write is retried.
`flask check` reports any difference (which reports, their visibility, metadata and page text),
and `flask check --repair` or `flask library reindex` mends it. Only reports whose file has
been read are indexed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from circle.search import backend_name, per_app
from library.models import Report, ReportPage, ready_report_clause
from library.search import Fingerprint, ReportDoc, SearchBackend, fingerprint

log = logging.getLogger(__name__)

_EXT_KEY = "library_search_backend"
LOCK_TIMEOUT = 30.0


def get_backend(app: Flask | None = None) -> SearchBackend:
    """Return the app's search backend: one per app, so one per process."""
    return per_app(app, _EXT_KEY, _make_backend)


def _make_backend(app: Flask) -> SearchBackend:
    if backend_name(app) == "postgresql":
        from circle.extensions import db
        from library.search.postgres_backend import PostgresBackend

        if db.engine.dialect.name != "postgresql":
            raise ValueError("SEARCH_BACKEND=postgresql needs a PostgreSQL DATABASE_URL")
        return PostgresBackend(db.engine)
    from library.search.whoosh_backend import WhooshBackend

    return WhooshBackend(Path(app.config["INDEX_DIR"]), LOCK_TIMEOUT)


def release_backend(app: Flask) -> None:
    """Close the app's backend (tests and shutdown), so its files can be removed."""
    backend = app.extensions.pop(_EXT_KEY, None)
    close = getattr(backend, "close", None)
    if close is not None:
        close()


def report_doc(report: Report, pages: Iterable[ReportPage] | None = None) -> ReportDoc:
    """Return what the index stores about a report."""
    page_list = list(report.pages if pages is None else pages)
    count = max((p.number for p in page_list), default=0)
    texts = [""] * count
    for page in page_list:
        texts[page.number - 1] = page.text or ""
    return ReportDoc(
        id=report.id,
        title=report.title,
        subtitle=report.subtitle or "",
        pages=texts,
        authors=list(report.authors or []) + list(report.editors or []),
        year=report.year,
        publisher=report.publisher or "",
        document_type=report.document_type.value,
        language=report.language or "nb",
        themes=[t.title for t in report.themes],
        keywords=list(report.keywords or []),
        circle_id=report.circle_id,
    )


def _load(session: Session, ids: Iterable[int]) -> list[Report]:
    ids = list(ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Report)
            .where(Report.id.in_(ids))
            .options(
                selectinload(Report.pages),
                selectinload(Report.themes),
                selectinload(Report.stored_file),
            )
        )
    )


def sync_reports(
    session: Session, ids: Iterable[int], backend: SearchBackend | None = None
) -> list[int]:
    """Bring the index in line with the database for these reports; return ids that failed.

    Call after the commit. A report that no longer exists is removed from the index.
    """
    ids = list(dict.fromkeys(ids))
    backend = backend or get_backend()
    failed = []
    found = {r.id: r for r in _load(session, ids)}
    for report_id in ids:
        try:
            if report_id in found and found[report_id].ready:
                backend.index_report(report_doc(found[report_id]))
            else:
                backend.delete_report(report_id)
        except Exception:  # noqa: BLE001 - the report stays; `flask library reindex` repairs
            log.exception("search index update failed for report %s", report_id)
            failed.append(report_id)
    return failed


def all_docs(session: Session, batch: int = 20) -> Iterator[ReportDoc]:
    """Yield every report as a ReportDoc, a few at a time (bounded memory)."""
    ids = list(session.scalars(select(Report.id).where(ready_report_clause()).order_by(Report.id)))
    for start in range(0, len(ids), batch):
        for report in _load(session, ids[start : start + batch]):
            yield report_doc(report)
        session.expunge_all()


def rebuild_index(
    session: Session,
    backend: SearchBackend | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rebuild the whole index from the database (new folder, then swap); return the count."""
    backend = backend or get_backend()
    count = session.scalar(select(func.count(Report.id)).where(ready_report_clause())) or 0
    backend.rebuild(all_docs(session), progress)
    return int(count)


def _visibility(circle_id: int | None) -> str:
    return "shared with every circle" if circle_id is None else f"kept to circle {circle_id}"


def _compare(doc: ReportDoc, indexed: Fingerprint | None) -> list[str]:
    """Return how the index's copy of a report differs from the database's ReportDoc."""
    rid = doc.id
    if indexed is None:
        return [f"library: report {rid} has no fingerprint in the search index (indexed earlier)"]
    expected = fingerprint(doc)
    problems = []
    if expected.circle_id != indexed.circle_id:
        problems.append(
            f"library: report {rid} is {_visibility(expected.circle_id)} in the database but "
            f"{_visibility(indexed.circle_id)} in the search index"
        )
    if expected.metadata != indexed.metadata:
        problems.append(f"library: report {rid} has other title or metadata in the search index")
    if expected.pages != indexed.pages:
        count = max(len(expected.pages), len(indexed.pages))
        pages = [n for n in range(1, count + 1) if _at(expected.pages, n) != _at(indexed.pages, n)]
        shown = ", ".join(map(str, pages[:10])) + (", …" if len(pages) > 10 else "")
        problems.append(f"library: report {rid} has other text in the search index on page {shown}")
    return problems


def _at(pages: tuple[str, ...], number: int) -> str:
    return pages[number - 1] if number <= len(pages) else ""


def index_differences(
    session: Session, backend: SearchBackend | None = None
) -> dict[int, list[str]]:
    """Return, per report id, how the search index differs from the database.

    Compares which reports are indexed, and for each its visibility (circle), a hash of its
    title and metadata, and a hash of each page's text.
    """
    backend = backend or get_backend()
    db_ids = set(session.scalars(select(Report.id).where(ready_report_clause())))
    indexed = backend.fingerprints()
    out: dict[int, list[str]] = {}
    for rid in sorted(db_ids - indexed.keys()):
        out[rid] = [f"library: report {rid} is missing from the search index"]
    for rid in sorted(indexed.keys() - db_ids):
        out[rid] = [f"library: the search index holds report {rid}, which is not in the database"]
    for doc in all_docs(session):
        if doc.id in indexed:
            problems = _compare(doc, indexed[doc.id])
            if problems:
                out[doc.id] = problems
    return dict(sorted(out.items()))


def index_problems(session: Session, backend: SearchBackend | None = None) -> list[str]:
    """Return the differences between the reports in the database and in the index."""
    return [p for problems in index_differences(session, backend).values() for p in problems]


def repair_index(session: Session, backend: SearchBackend | None = None) -> list[str]:
    """Re-index every report the index has wrong and drop those gone; return what was done."""
    backend = backend or get_backend()
    ids = list(index_differences(session, backend))
    if not ids:
        return []
    existing = set(session.scalars(select(Report.id).where(Report.id.in_(ids))))
    failed = set(sync_reports(session, ids, backend))
    done = []
    for rid in ids:
        if rid in failed:
            done.append(f"library: report {rid} could not be re-indexed")
        elif rid in existing:
            done.append(f"library: re-indexed report {rid}")
        else:
            done.append(f"library: removed report {rid} from the search index")
    return done


def integrity_check(session: Session) -> list[str]:
    """The library's check for `flask check`: the index and the database agree."""
    return index_problems(session)


def integrity_repair(session: Session) -> list[str]:
    """The library's repair for `flask check --repair`: re-index what differs."""
    return repair_index(session)
