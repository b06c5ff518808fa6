"""Typed cross-area hooks: the slots areas fill so that `circle` never imports them.

Each app holds one `Hooks` object. An area registers in its `init_app` through the typed
functions below (or the thin wrappers its neighbours offer, e.g. `circle.home`), and the core
reads the slots it needs. Nothing here is guarded by `try/except ImportError`: a missing module
is a real error.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

_EXT_KEY = "circle.hooks"

# A home panel returns (template name, context) for this circle and member, or None to hide.
HomePanel = Callable[[Any, Any], tuple[str, dict[str, Any]] | None]
# A demo loader adds its area's demo objects: fn(session, demo circle, people by key) -> None.
DemoLoader = Callable[[Session, Any, dict[str, Any]], None]
# An integrity check returns the problems it finds, one readable line each.
IntegrityCheck = Callable[[Session], list[str]]
# A repair mends what its check found and returns what it did, one line each.
IntegrityRepair = Callable[[Session], list[str]]
# A final-report section: fn(session, circle) -> ReportSection | None.
ReportSectionFn = Callable[[Session, Any], "ReportSection | None"]
# Report links for pre-reading: match(session, url) -> report id or None;
# resolve(session, ids, member) -> {id: (title, url)} for the reports the member may see.
ReportMatcher = Callable[[Session, str], int | None]
ReportResolver = Callable[[Session, Iterable[int], Any], dict[int, tuple[str, str]]]


@dataclass(frozen=True)
class NavItem:
    """A link in every circle's menu: an endpoint that takes `slug`."""

    order: int
    endpoint: str
    label: Any


@dataclass(frozen=True)
class Check:
    """An area's integrity check for `flask check`, with an optional repair for `--repair`."""

    name: str
    check: IntegrityCheck
    repair: IntegrityRepair | None = None


@dataclass
class ReportSection:
    """A section another area adds to the final report.

    ``blocks`` holds {"kind": "paragraph", "text": str}, {"kind": "markdown", "text": str} or
    {"kind": "table", "header": [str], "rows": [[str]]}; ``ready=False`` is flagged.
    """

    title: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    ready: bool = True


@dataclass(frozen=True)
class ReportLinks:
    """How pasted library URLs become report links on agenda items."""

    match: ReportMatcher
    resolve: ReportResolver


# A job handler does one job's work: fn(session, payload). It flushes, never commits (the
# runner commits the work and the job's "done" together) and must be safe to run twice.
JobHandler = Callable[[Session, dict[str, Any]], None]


@dataclass(frozen=True)
class JobSpec:
    """A kind of background job: its handler, how often to try, how long one run may hold it."""

    kind: str
    handler: JobHandler
    max_attempts: int = 8
    lease_seconds: int = 900


@dataclass(frozen=True)
class PeriodicSpec:
    """A job enqueued on a schedule (Huey crontab fields, e.g. {"minute": "0", "hour": "3"})."""

    name: str
    kind: str
    schedule: dict[str, str]
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FileConsumer:
    """What an area does with its uploads once read: on_ready(session, stored, document) and
    on_refused(session, stored, reason); ``allowed`` limits the accepted extensions."""

    purpose: str
    on_ready: Callable[[Session, Any, Any], None]
    on_refused: Callable[[Session, Any, str], None]
    allowed: frozenset[str] | None = None


@dataclass(frozen=True)
class SearchEntry:
    """One thing the site search finds: ``key`` is "<kind>:<id>" and never changes; ``url`` is
    the exact place (an agenda item's or a post's anchor); ``body`` is plain or Markdown text."""

    kind: str
    key: str
    circle_id: int
    title: str
    body: str
    url: str
    date: date | None = None

    @classmethod
    def of(  # noqa: PLR0913 - the entry's fields, in order
        cls, kind: str, ref_id: int, circle_id: int, title: str, body: str, url: str, day: date
    ) -> SearchEntry:
        """Return the entry of row ``ref_id`` of a source (its key is "<kind>:<ref_id>")."""
        return cls(kind, f"{kind}:{ref_id}", circle_id, title, body, url, day)


@dataclass(frozen=True)
class SearchSource:
    """An area's contribution to the site search.

    ``documents(session, ids)`` returns the entries that may be indexed for these source ids
    (all of them for None): never a draft or anything removed. An id it does not return is
    removed from the index. ``visible(session, member, circle)`` returns the ids the member
    may see in that circle now, by the area's own permission rules; nothing else is matched,
    counted or shown. ``changed(session, obj)`` returns the source ids a changed, new or
    deleted row affects (called for every row a flush touches). ``link(entry, member,
    circle)`` may point a member to another page than ``entry.url`` (e.g. a shared view).
    """

    kind: str
    label: Any
    documents: Callable[[Session, Iterable[int] | None], Iterable[SearchEntry]]
    visible: Callable[[Session, Any, Any], Iterable[int]]
    changed: Callable[[Session, Any], Iterable[int]]
    order: int = 50
    link: Callable[[SearchEntry, Any, Any], str] | None = None

    def key(self, ref_id: int) -> str:
        """Return the index key of this source's row."""
        return f"{self.kind}:{ref_id}"


@dataclass(frozen=True)
class SearchIndex:
    """A search an area keeps in its own index (the library's reports).

    `flask search reindex` calls ``rebuild(session)`` (returns how many it indexed); the site
    search page shows ``count(session, member, circle, text)`` (matches the member may see)
    with a link to ``url(circle, text)``, the area's own search page.
    """

    kind: str
    label: Any
    rebuild: Callable[[Session], int]
    count: Callable[[Session, Any, Any, str], int]
    url: Callable[[Any, str], str]
    order: int = 10


@dataclass
class Hooks:
    """Everything the areas have registered with one app."""

    home_panels: list[tuple[int, HomePanel]] = field(default_factory=list)
    nav_items: list[NavItem] = field(default_factory=list)
    demo_loaders: list[DemoLoader] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    after_restore: list[Callable[[], None]] = field(default_factory=list)
    report_sections: list[tuple[int, ReportSectionFn]] = field(default_factory=list)
    report_links: ReportLinks | None = None
    # Filled by circle.threads.subjects (kinds of objects threads attach to, reference feeds).
    subject_kinds: dict[str, Callable[[Session, int], Any]] = field(default_factory=dict)
    reference_feeds: list[Callable[[Session, Any], Iterable[Any]]] = field(default_factory=list)
    jobs: dict[str, JobSpec] = field(default_factory=dict)
    file_consumers: dict[str, FileConsumer] = field(default_factory=dict)
    # Told of every refused upload (e.g. to put it in the uploader's bell): fn(session, stored,
    # reason).
    file_refused: list[Callable[[Session, Any, str], None]] = field(default_factory=list)
    # Called in the transaction that deactivates a member, before it is flushed: fn(session,
    # member) ends whatever access an area holds for the member (feed tokens, ...).
    member_deactivated: list[Callable[[Session, Any], None]] = field(default_factory=list)
    periodic: list[PeriodicSpec] = field(default_factory=list)
    search_sources: dict[str, SearchSource] = field(default_factory=dict)
    search_indexes: dict[str, SearchIndex] = field(default_factory=dict)


def hooks(app: Flask) -> Hooks:
    """Return the app's hooks, creating the empty set on first use."""
    found = app.extensions.get(_EXT_KEY)
    if found is None:
        found = app.extensions[_EXT_KEY] = Hooks()
    return found


def register_home_panel(app: Flask, order: int, panel: HomePanel) -> None:
    """Add a panel to every circle's home page; lower order comes first."""
    panels = hooks(app).home_panels
    panels.append((order, panel))
    panels.sort(key=lambda item: item[0])


def register_nav_item(app: Flask, order: int, endpoint: str, label: Any) -> None:
    """Add a link (an endpoint taking `slug`) to every circle's menu."""
    items = hooks(app).nav_items
    items.append(NavItem(order, endpoint, label))
    items.sort(key=lambda item: item.order)


def register_demo_loader(app: Flask, loader: DemoLoader) -> None:
    """Let an area add its demo objects to the demo circle (called by `flask demo`)."""
    hooks(app).demo_loaders.append(loader)


def register_check(
    app: Flask, name: str, check: IntegrityCheck, repair: IntegrityRepair | None = None
) -> None:
    """Add an integrity check (and its repair) to `flask check`."""
    hooks(app).checks.append(Check(name, check, repair))


def register_after_restore(app: Flask, rebuild: Callable[[], None]) -> None:
    """Rebuild derived data (e.g. a search index) after `flask backup restore`."""
    hooks(app).after_restore.append(rebuild)


def register_report_section(app: Flask, fn: ReportSectionFn, order: int = 20) -> None:
    """Add a section to every circle's final report; lower order comes first."""
    sections = hooks(app).report_sections
    sections.append((order, fn))
    sections.sort(key=lambda item: item[0])


def register_report_links(app: Flask, *, match: ReportMatcher, resolve: ReportResolver) -> None:
    """Let the library turn pasted report URLs into report links on agenda items."""
    hooks(app).report_links = ReportLinks(match, resolve)


def register_job(
    app: Flask, kind: str, handler: JobHandler, *, max_attempts: int = 8, lease_seconds: int = 900
) -> None:
    """Let `circle.jobs.enqueue(session, kind, ...)` run handler in the background."""
    registered = hooks(app).jobs
    if kind in registered and registered[kind].handler is not handler:
        raise ValueError(f"job kind {kind!r} is registered already")
    registered[kind] = JobSpec(kind, handler, max_attempts, lease_seconds)


def register_periodic(
    app: Flask,
    name: str,
    kind: str,
    schedule: dict[str, str],
    payload: dict[str, Any] | None = None,
) -> None:
    """Enqueue a job of this kind on a schedule (once per time slot, however many workers run)."""
    hooks(app).periodic.append(PeriodicSpec(name, kind, dict(schedule), dict(payload or {})))


def register_search_source(app: Flask, *sources: SearchSource) -> None:
    """Let the site search find an area's entries (each kind once)."""
    registered = hooks(app).search_sources
    for source in sources:
        if source.kind in registered and registered[source.kind] != source:
            raise ValueError(f"search source {source.kind!r} is registered already")
        if ":" in source.kind:
            raise ValueError("a search source's kind must not contain ':'")
        registered[source.kind] = source


def register_search_index(app: Flask, index: SearchIndex) -> None:
    """Let `flask search reindex` rebuild an area's own index and the site search count it."""
    hooks(app).search_indexes[index.kind] = index


def search_sources(app: Flask) -> list[SearchSource]:
    """Return the registered search sources in their order."""
    return sorted(hooks(app).search_sources.values(), key=lambda s: (s.order, s.kind))


def register_file_consumer(
    app: Flask,
    purpose: str,
    *,
    on_ready: Callable[[Session, Any, Any], None],
    on_refused: Callable[[Session, Any, str], None],
    allowed: Iterable[str] | None = None,
) -> None:
    """Let an area receive its uploads (stored with this purpose) once they are read."""
    hooks(app).file_consumers[purpose] = FileConsumer(
        purpose, on_ready, on_refused, None if allowed is None else frozenset(allowed)
    )


def register_file_refused(app: Flask, fn: Callable[[Session, Any, str], None]) -> None:
    """Be told of every refused upload: fn(session, stored file, reason)."""
    hooks(app).file_refused.append(fn)


def on_member_deactivated(app: Flask, fn: Callable[[Session, Any], None]) -> None:
    """Call fn(session, member) whenever a member is deactivated (in that transaction)."""
    hooks(app).member_deactivated.append(fn)


def announce_member_deactivated(session: Session, member: Any) -> None:
    """Tell every area that the member is deactivated (called by the auth service)."""
    app = app_for_session(session)
    if app is None:
        raise RuntimeError("a member was deactivated outside any app: nobody could be told")
    for fn in hooks(app).member_deactivated:
        fn(session, member)


_apps_by_engine: weakref.WeakKeyDictionary[Any, Flask] = weakref.WeakKeyDictionary()


def bind_app_to_engine(app: Flask, engine: Any) -> None:
    """Remember which app a database engine belongs to (done once, in create_app)."""
    _apps_by_engine[engine] = app


def app_for_session(session: Session) -> Flask | None:
    """Return the app whose database the session writes to (the current app if there is one).

    Sessions made outside Flask-SQLAlchemy (scripts, tests on db.engine) find their app by
    their engine, so the hooks they trigger still reach the areas.
    """
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        engine = session.get_bind()
    except Exception:  # noqa: BLE001 - an unbound session has no app
        return None
    return _apps_by_engine.get(engine)
