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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice, product
from typing import Any, Protocol

from sqlalchemy.orm import Session

from circle.hooks import SearchEntry, SearchSource
from circle.search.analysis import (
    MAX_SPELLINGS,
    PREFIX_MIN_LENGTH,
    analyze,
    held_spellings,
    spelling_lookups,
)
from circle.search.query import MAX_QUERY_CHARS, normalise_query, parse_query, query_text
from circle.search.snippets import Highlighter
from circle.search.spelling import (
    SUGGEST_BELOW,
    best_correction,
    correction_limits,
    surface_word,
)

MAX_PER_PAGE = 50
SNIPPET_WIDTH = 220
MAX_CORRECTED_WORDS = 4
# The fields site entries have: `title:ord` matches in titles only. Other names before a colon
# (`forfatter:`, `år:`, `kl:`) are searched as typed, as the report search does for names it
# does not know.
SITE_FIELDS = {"title": "title", "tittel": "title"}

# Which index terms a visible entry of the circle holds, of those asked about.
Vocabulary = Callable[[set[str]], set[str]]


@dataclass(frozen=True)
class Alt:
    """An alternative of a clause: one stem (a word) or several in a row (a phrase), in the
    title only or anywhere; ``expand`` lets a word find the compounds it starts."""

    stems: tuple[str, ...]
    title_only: bool = False
    expand: bool = True

    @property
    def prefix(self) -> bool:
        """Return whether the alternative also finds the compounds its word starts."""
        return self.expand and len(self.stems) == 1 and SitePlan.prefix(self.stems[0])


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
        """Return the highlighter marking what this plan matches in the text shown."""
        alts = [a for clause in self.positive for a in clause if not a.title_only]
        words = [a.stems[0] for a in alts if len(a.stems) == 1]
        return Highlighter(
            words,
            prefixes=[a.stems[0] for a in alts if a.prefix],
            phrases=[a.stems for a in alts if len(a.stems) > 1],
        )


def compile_plan(text: str, vocabulary: Vocabulary | None = None) -> SitePlan:
    """Turn query text (the library's syntax) into stems.

    With a ``vocabulary``, a word also matches its spelling with the linking s added or
    dropped ("barnevernstjeneste", "barneverntjeneste") when the vocabulary holds that
    spelling and its first part, as the report search does.
    """
    parsed = parse_query(text, SITE_FIELDS)
    stems_of = {t: tuple(analyze(t.text)) for c in parsed.clauses for t in c.terms}
    held: set[str] = set()
    if vocabulary is not None:
        wanted = spelling_lookups(s for stems in stems_of.values() for s in stems)
        held = vocabulary(wanted) if wanted else set()
    positive: list[tuple[Alt, ...]] = []
    negative: list[tuple[Alt, ...]] = []
    for clause in parsed.clauses:
        alts: list[Alt] = []
        for term in clause.terms:
            stems = stems_of[term]
            slots = [(s, *held_spellings(s, held.__contains__)) for s in stems] if held else []
            spellings = islice(product(*slots), MAX_SPELLINGS) if slots else [stems]
            for spelling in spellings:
                alt = Alt(tuple(spelling), term.field == "title")
                if alt.stems and alt not in alts:
                    alts.append(alt)
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

    def present_terms(
        self, terms: set[str], circle_id: int, visible: dict[str, frozenset[int]]
    ) -> set[str]:
        """Return those of ``terms`` that a title or text of a visible entry holds."""

    def near_terms(
        self, stem: str, maxdist: int, circle_id: int, visible: dict[str, frozenset[int]]
    ) -> Iterable[tuple[str, int]]:
        """Return (term, visible entries holding it) for the visible vocabulary's terms that
        share the first two letters of ``stem`` and differ in length by at most ``maxdist``."""


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
    suggestion: str | None = None

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
    if not compile_plan(text).positive:
        return empty
    visible = visible_ids(session, sources, member, circle)
    searcher = VisibleSearch(backend, circle.id, visible)
    plan = searcher.plan(text)
    matched = searcher.found(text)
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
    suggestion = searcher.suggest(text, len(matched)) if len(matched) < SUGGEST_BELOW else None
    return SiteResults(
        text, kind, len(chosen), hits, kind_counts, page, per_page, shortened, labels, suggestion
    )


class VisibleSearch:
    """A backend seen by one searcher: only the entries of ``visible`` in one circle, whose
    words alone decide spellings, compounds' other spellings and "Mente du"."""

    def __init__(
        self, backend: SiteBackend, circle_id: int, visible: dict[str, frozenset[int]]
    ) -> None:
        self.backend = backend
        self.circle_id = circle_id
        self.visible = visible
        self._plans: dict[str, SitePlan] = {}
        self._found: dict[str, list[tuple[str, str, float]]] = {}

    def vocabulary(self, terms: set[str]) -> set[str]:
        """Return those of ``terms`` a visible entry holds."""
        return self.backend.present_terms(terms, self.circle_id, self.visible)

    def plan(self, text: str) -> SitePlan:
        """Compile query text against the visible vocabulary (once per text)."""
        if text not in self._plans:
            self._plans[text] = compile_plan(text, self.vocabulary)
        return self._plans[text]

    def found(self, text: str) -> list[tuple[str, str, float]]:
        """Return (key, kind, score) of the visible entries matching query text (once each)."""
        if text not in self._found:
            self._found[text] = self.matches(self.plan(text))
        return self._found[text]

    def matches(self, plan: SitePlan) -> list[tuple[str, str, float]]:
        """Return (key, kind, score) of the visible entries matching a plan."""
        if not plan.positive:
            return []
        out = []
        for key, score in self.backend.match(plan, self.circle_id, self.visible):
            k, ref = split_key(key)
            if ref in self.visible.get(k, frozenset()):  # the backend filtered already
                out.append((key, k, score))
        return out

    def suggest(self, text: str, total: int) -> str | None:
        """Return the query with misspelt words corrected, if that finds more entries.

        Corrections come only from words of entries the searcher may open.
        """
        parsed = parse_query(text, SITE_FIELDS)
        replacements: dict[str, str] = {}
        words = [
            t
            for c in parsed.positive
            for t in c.terms
            if not t.quoted and not t.field and len(analyze(t.text)) == 1
        ]
        # A long query of rare words is looked at word by word: only the first few.
        for term in words[:MAX_CORRECTED_WORDS]:
            own = len(self.found(term.text))
            if own < SUGGEST_BELOW:
                better = self._correct(analyze(term.text)[0], term.text, own)
                if better:
                    replacements[term.text] = better
        if not replacements:
            return None
        new_text = query_text(parsed, replacements)
        if len(self.found(new_text)) <= total:
            return None
        return new_text

    def _correct(self, stem: str, typed: str, own: int) -> str | None:
        limits = correction_limits(stem, own)
        if limits is None:
            return None
        maxdist, need = limits
        near = self.backend.near_terms(stem, maxdist, self.circle_id, self.visible)
        best = best_correction(stem, near, maxdist, need)
        if best is None:
            return None
        # The word as written in a visible entry holding it ("barnevern" for "barnevernet").
        exact = SitePlan(((Alt((best,), expand=False),),))
        keys = sorted(key for key, _k, _s in self.matches(exact))[:3]
        texts = [f"{e.title}\n{e.body}" for e in self.backend.load(keys).values()]
        words = analyze(typed, stem=False)
        return surface_word(best, words[0] if words else typed, texts)


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
