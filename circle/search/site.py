"""The site search: one query over everything the circle's areas share, beside the reports.

Each area registers a `SearchSource` (circle.hooks): the entries it may index and the ids a
member may see now. A search matches in the index, then keeps only the entries whose ids the
areas' own permission rules return from the database, so a stale index can never show,
count or filter on something the member may not see.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session

from circle.hooks import SearchEntry, SearchSource
from circle.search.analysis import PREFIX_MIN_LENGTH, analyze
from circle.search.query import MAX_QUERY_CHARS, normalise_query, parse_query
from circle.search.snippets import Highlighter

# An alternative of a clause: one stem (a word) or several in a row (a phrase).
Alt = tuple[str, ...]
MAX_PER_PAGE = 50
SNIPPET_WIDTH = 220


@dataclass(frozen=True)
class SitePlan:
    """A parsed query as stems: clauses that must all match, and clauses that must not."""

    positive: tuple[tuple[Alt, ...], ...]
    negative: tuple[tuple[Alt, ...], ...] = ()

    @staticmethod
    def prefix(stem: str) -> bool:
        """Return whether a word also finds the compounds it starts (as the library does)."""
        return len(stem) >= PREFIX_MIN_LENGTH and stem.isalpha()

    def highlighter(self) -> Highlighter:
        """Return the highlighter marking what this plan matches."""
        alts = [a for clause in self.positive for a in clause]
        words = [a[0] for a in alts if len(a) == 1]
        return Highlighter(
            words,
            prefixes=[w for w in words if self.prefix(w)],
            phrases=[a for a in alts if len(a) > 1],
        )


def compile_plan(text: str) -> SitePlan:
    """Turn query text (the library's syntax) into stems; field names only narrow reports."""
    positive: list[tuple[Alt, ...]] = []
    negative: list[tuple[Alt, ...]] = []
    for clause in parse_query(text).clauses:
        alts: list[Alt] = []
        for term in clause.terms:
            stems = tuple(analyze(term.text))
            if stems and stems not in alts:
                alts.append(stems)
        if alts:
            (negative if clause.negated else positive).append(tuple(alts))
    return SitePlan(tuple(positive), tuple(negative))


@dataclass(frozen=True)
class StoredEntry:
    """What an index holds of an entry, to show it."""

    key: str
    kind: str
    circle_id: int
    title: str
    body: str
    url: str
    date: date | None


def entry_digest(entry: SearchEntry) -> str:
    """Return a hash of what the index holds of an entry (for `flask check`)."""
    text = json.dumps(
        [entry.circle_id, entry.title, entry.body, entry.url, str(entry.date or "")],
        ensure_ascii=False,
    )
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


class SiteBackend(Protocol):
    """What the site search needs from an index (Whoosh or PostgreSQL)."""

    def upsert(self, entries: Iterable[SearchEntry]) -> None:
        """Add or replace entries by key."""

    def delete(self, keys: Iterable[str]) -> None:
        """Remove entries by key (keys not indexed are ignored)."""

    def rebuild(self, entries: Iterable[SearchEntry]) -> int:
        """Replace the whole index with these entries; return how many."""

    def digests(self) -> dict[str, str]:
        """Return each indexed key with its entry digest."""

    def match(
        self, plan: SitePlan, circle_id: int, visible: dict[str, frozenset[int]]
    ) -> list[tuple[str, float]]:
        """Return (key, score) of the circle's entries matching the plan, among ``visible``."""

    def load(self, keys: list[str]) -> dict[str, StoredEntry]:
        """Return the stored entries of these keys."""


def split_key(key: str) -> tuple[str, int]:
    """Return (kind, id) of an entry key such as "post:12"."""
    kind, _, ref = key.partition(":")
    return kind, int(ref)


@dataclass
class SiteHit:
    """One result: its kind and label, title, the exact place, date and snippet (HTML)."""

    kind: str
    label: str
    title: str
    url: str
    date: date | None
    snippet: str


@dataclass
class KindCount:
    """A kind in the filter, with how many visible entries match."""

    kind: str
    label: str
    count: int


@dataclass
class SiteResults:
    """A page of site results with counts per kind (visible entries only)."""

    text: str
    kind: str | None
    total: int
    hits: list[SiteHit]
    counts: list[KindCount]
    page: int = 1
    per_page: int = 20
    shortened: bool = False
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        """Return how many pages the results fill."""
        return max(1, -(-self.total // self.per_page))


def visible_ids(
    session: Session, sources: Iterable[SearchSource], member: Any, circle: Any
) -> dict[str, frozenset[int]]:
    """Return, per kind, the ids the member may see in the circle, by each area's rules."""
    return {s.kind: frozenset(s.visible(session, member, circle)) for s in sources}


def search_site(
    session: Session,
    backend: SiteBackend,
    sources: list[SearchSource],
    *,
    member: Any,
    circle: Any,
    text: str,
    kind: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SiteResults:
    """Search the circle's shared entries for one member; counts only what the member sees."""
    raw = text or ""
    shortened = len(raw) > MAX_QUERY_CHARS
    text = normalise_query(raw).strip()
    labels = {s.kind: str(s.label) for s in sources}
    kind = kind if kind in labels else None
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    empty = SiteResults(text, kind, 0, [], [], page, per_page, shortened, labels)
    plan = compile_plan(text)
    if not plan.positive:
        return empty
    visible = visible_ids(session, sources, member, circle)
    matched = []
    for key, score in backend.match(plan, circle.id, visible):
        k, ref = split_key(key)
        if ref in visible.get(k, frozenset()):  # the backend filtered already; check again
            matched.append((key, k, score))
    counts = Counter(k for _key, k, _s in matched)
    chosen = [m for m in matched if kind is None or m[1] == kind]
    chosen.sort(key=lambda m: (-m[2], m[0]))
    shown = chosen[(page - 1) * per_page : page * per_page]
    stored = backend.load([key for key, _k, _s in shown])
    by_kind = {s.kind: s for s in sources}
    hl = plan.highlighter()
    hits = []
    for key, k, _score in shown:
        entry = stored.get(key)
        if entry is None:
            continue
        source = by_kind[k]
        url = entry.url
        if source.link is not None:
            url = source.link(_as_entry(entry), member, circle)
        body = entry.body or entry.title
        hits.append(
            SiteHit(k, labels[k], entry.title, url, entry.date, hl.snippet(body, SNIPPET_WIDTH))
        )
    kind_counts = [KindCount(s.kind, labels[s.kind], counts[s.kind]) for s in sources]
    return SiteResults(
        text, kind, len(chosen), hits, kind_counts, page, per_page, shortened, labels
    )


def _as_entry(stored: StoredEntry) -> SearchEntry:
    return SearchEntry(
        stored.kind,
        stored.key,
        stored.circle_id,
        stored.title,
        stored.body,
        stored.url,
        stored.date,
    )


def place_url(endpoint: str, anchor: str = "", **values: Any) -> str:
    """Return the path of a page (with an anchor), also from a job with no request."""
    from flask import current_app, has_request_context, url_for

    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return f"{path}#{anchor}" if anchor else path


def ids_clause(column: Any, ids: Iterable[int] | None) -> Any:
    """Return ``column IN ids``, or a clause every row meets when ids is None (all rows)."""
    return column.in_(list(ids)) if ids is not None else column.isnot(None)
