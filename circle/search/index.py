"""The site index follows the database: the areas' changes queue "search.index" jobs.

A watcher (circle.jobs.watch) asks every search source which of its ids each flushed row
affects, and queues one job with those keys in the same transaction. The job asks the sources
for the entries of those ids and writes them (an id a source no longer returns is removed),
so running it twice does no harm. `flask search reindex` rebuilds it all; `flask check`
compares the index with the database.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from circle.hooks import (
    SearchEntry,
    SearchSource,
    app_for_session,
    hooks,
    register_after_restore,
    register_check,
    register_job,
    search_sources,
)
from circle.jobs.watch import watch_changes
from circle.search import backend_name, per_app
from circle.search.site import (
    SiteBackend,
    SiteResults,
    entry_digest,
    search_site,
    split_key,
)

log = logging.getLogger(__name__)

SITE_JOB = "search.index"
_EXT_KEY = "circle.site_search_backend"


class SiteIndexFailed(RuntimeError):
    """The site index could not be written; the job is tried again."""


def site_index_dir(app: Flask) -> Path:
    """Return the Whoosh folder of the site index: SITE_INDEX_DIR, or beside INDEX_DIR."""
    configured = app.config.get("SITE_INDEX_DIR")
    if configured:
        return Path(configured)
    reports = Path(app.config["INDEX_DIR"])
    return reports.with_name(reports.name + "-site")


def get_site_backend(app: Flask | None = None) -> SiteBackend:
    """Return the app's site index (the backend SEARCH_BACKEND names, as for reports)."""
    return per_app(app, _EXT_KEY, _make)


def _make(app: Flask) -> SiteBackend:
    if backend_name(app) == "postgresql":
        from circle.extensions import db
        from circle.search.site_pg import PostgresSiteBackend

        return PostgresSiteBackend(db.engine)
    from circle.search.site_whoosh import WhooshSiteBackend

    return WhooshSiteBackend(site_index_dir(app))


def _sources(session: Session) -> list[SearchSource]:
    app = app_for_session(session)
    return search_sources(app) if app is not None else []


def changed_keys(session: Session) -> set[str]:
    """Return the keys of the entries this flush changed, added or removed."""
    sources = _sources(session)
    if not sources:
        return set()
    keys: set[str] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        for source in sources:
            keys.update(source.key(i) for i in source.changed(session, obj) if i is not None)
    return keys


def sync_keys(session: Session, keys: Iterable[str], backend: SiteBackend | None = None) -> None:
    """Write these entries to the index as the database has them now (or remove them)."""
    backend = backend or get_site_backend(app_for_session(session))
    by_kind: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        kind, ref = split_key(key)
        by_kind[kind].add(ref)
    sources = {s.kind: s for s in _sources(session)}
    entries: list[SearchEntry] = []
    gone: list[str] = []
    for kind, ids in by_kind.items():
        source = sources.get(kind)
        found = list(source.documents(session, sorted(ids))) if source is not None else []
        entries += found
        present = {e.key for e in found}
        gone += [f"{kind}:{i}" for i in sorted(ids) if f"{kind}:{i}" not in present]
    backend.upsert(entries)
    backend.delete(gone)


def all_entries(session: Session) -> Iterator[SearchEntry]:
    """Yield every entry every source may index."""
    for source in _sources(session):
        yield from source.documents(session, None)


def rebuild_site_index(session: Session, backend: SiteBackend | None = None) -> int:
    """Build the site index afresh from the database; return how many entries it holds."""
    return (backend or get_site_backend(app_for_session(session))).rebuild(all_entries(session))


def site_index_problems(session: Session, backend: SiteBackend | None = None) -> list[str]:
    """Return where the site index and the database disagree, one line each."""
    backend = backend or get_site_backend(app_for_session(session))
    expected = {e.key: entry_digest(e) for e in all_entries(session)}
    indexed = backend.digests()
    problems = [
        f"search: {k} is missing from the site index"
        for k in sorted(expected.keys() - indexed.keys())
    ]
    problems += [
        f"search: the site index holds {k}, which may not be indexed"
        for k in sorted(indexed.keys() - expected.keys())
    ]
    problems += [
        f"search: {k} has other text in the site index"
        for k in sorted(expected.keys() & indexed.keys())
        if expected[k] != indexed[k]
    ]
    return problems


def repair_site_index(session: Session) -> list[str]:
    """Rebuild the site index when the check found differences; return what was done."""
    if not site_index_problems(session):
        return []
    count = rebuild_site_index(session)
    return [f"search: rebuilt the site index ({count} entries)"]


def index_job(session: Session, payload: dict[str, Any]) -> None:
    """The job: bring these keys in line with the database; fail to be retried."""
    try:
        sync_keys(session, [str(k) for k in payload.get("keys", [])])
    except Exception as exc:
        log.exception("site index update failed")
        raise SiteIndexFailed(str(exc)) from exc


def rebuild_everything(session: Session) -> dict[str, int]:
    """Rebuild the areas' own indexes (reports) and the site index; return counts per index."""
    app = app_for_session(session)
    counts = {}
    if app is not None:
        for kind, index in sorted(hooks(app).search_indexes.items(), key=lambda i: i[1].order):
            counts[kind] = index.rebuild(session)
    # End the read transaction: the site rebuild must read the database as it is once its
    # journal is open, not as it was before the reports' rebuild began.
    session.commit()
    counts["site"] = rebuild_site_index(session)
    return counts


def _rebuild_after_restore() -> None:
    """Rebuild the site index from the restored database (the index is not backed up)."""
    from circle.extensions import db

    rebuild_site_index(db.session)


def init_site_index(app: Flask) -> None:
    """Register the index job, the watcher, the check and the `flask search` commands."""
    from circle.search import site_pg  # noqa: F401  (register the table with the metadata)
    from circle.search.cli import search_cli

    register_job(app, SITE_JOB, index_job, max_attempts=20, lease_seconds=600)
    register_check(app, "search", site_index_problems, repair_site_index)
    register_after_restore(app, _rebuild_after_restore)
    watch_changes("search.site", changed_keys, SITE_JOB, lambda keys: {"keys": keys})
    app.cli.add_command(search_cli)


def site_results(
    session: Session,
    app: Flask,
    *,
    member: Any,
    circle: Any,
    text: str,
    kind: str | None = None,
    page: int = 1,
) -> SiteResults:
    """Search the app's site index for a member (the search page's query)."""
    return search_site(
        session,
        get_site_backend(app),
        search_sources(app),
        member=member,
        circle=circle,
        text=text,
        kind=kind,
        page=page,
    )
