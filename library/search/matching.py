"""Match and score reports and pages for a parsed query, report by report."""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice, product

from circle.search.analysis import (
    MAX_SPELLINGS,
    PREFIX_BOOST,
    PREFIX_MAX_EXPANSIONS,
    PREFIX_MIN_LENGTH,
    PREFIX_SCAN_LIMIT,
    analyze,
    compound_expansions,
    held_spellings,
)
from circle.search.query import ParsedQuery, Term, parse_year
from library.search.view import IndexData, ReportInfo

# Report-level scoring weights: a word in the title or keywords says more about a report than
# the same word somewhere in its pages.
W_CONTENT, W_TITLE, W_KEYWORDS, W_AUTHOR, W_PUBLISHER = 1.0, 3.0, 2.0, 2.0, 1.0
W_PHRASE_PAGE = 2.0
K1, B = 1.2, 0.75
# Where the other spelling of a compound (linking s) is looked up, per kind of unit.
SPELLING_FIELDS = {
    "word": ("rterms", "title", "keywords"),
    "phrase": ("rterms", "title", "keywords"),
}


@dataclass
class Unit:
    """A query term compiled for this index: a word, phrase or field condition."""

    kind: str  # "word", "phrase", "field" or "year"
    field: str | None
    stems: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    expand: bool = False
    years: tuple[int, int] | None = None
    expand_field: str = "rterms"
    expansions: tuple[str, ...] | None = None  # looked up on first use
    source: Term | None = None
    # Per stem, the spellings that count as the same word (the stem first, then the spelling
    # with the linking s added or dropped, when the visible reports hold it).
    slots: tuple[tuple[str, ...], ...] = ()
    # The visible reports whose vocabulary decides spellings and compounds (None: all).
    scope: frozenset[int] | None = None

    @property
    def on_pages(self) -> bool:
        """Return whether the unit can match page text (not only metadata)."""
        return self.kind in ("word", "phrase")

    @property
    def terms(self) -> tuple[str, ...]:
        """Return the spellings of a one-word unit, its own stem first."""
        return self.slots[0] if self.slots else self.stems[:1]

    def spellings(self) -> list[tuple[str, ...]]:
        """Return the spellings of a phrase, the one typed first."""
        if not self.slots:
            return [self.stems]
        return list(islice(product(*self.slots), MAX_SPELLINGS))

    def all_terms(self) -> tuple[str, ...]:
        """Return every spelling of every word of the unit, once each."""
        return tuple(dict.fromkeys(chain(*self.slots))) if self.slots else self.stems


@dataclass
class Plan:
    """Compiled clauses: every positive clause must match, no negative one may."""

    positive: list[list[Unit]] = field(default_factory=list)
    negative: list[list[Unit]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Return whether nothing is asked for (only stop words or exclusions)."""
        return not self.positive


class PlanCompiler:
    """Compile parsed queries into plans against a vocabulary.

    Subclasses provide ``has_term``, ``term_reports`` and ``terms_with_prefix`` (or override
    ``_other_spellings`` and ``_expansions``), so every backend reads a query the same way.
    """

    def compile(self, parsed: ParsedQuery, scope: frozenset[int] | None = None) -> Plan:
        """Turn parsed clauses into units looked up against the vocabulary of ``scope``."""
        plan = Plan()
        for clause in parsed.clauses:
            units = [u for u in (self._unit(t, clause.negated, scope) for t in clause.terms) if u]
            if not units:
                continue
            (plan.negative if clause.negated else plan.positive).append(units)
        return plan

    def _unit(self, term: Term, negated: bool, scope: frozenset[int] | None) -> Unit | None:
        if term.field == "year":
            years = parse_year(term.text)
            return Unit("year", "year", years=years or (0, -1), source=term)
        if term.field == "author":
            words = tuple(analyze(term.text, stem=False))
            return Unit("field", "author", stems=words, words=words, source=term) if words else None
        stems = tuple(analyze(term.text))
        if not stems:
            return None
        words = tuple(analyze(term.text, stem=False))
        if term.field in ("title", "publisher"):
            expand = not term.quoted and len(stems) == 1 and len(stems[0]) >= PREFIX_MIN_LENGTH
            return Unit(
                "field",
                term.field,
                stems=stems,
                words=words,
                expand=expand,
                expand_field=term.field,
                source=term,
                slots=self._slots(stems, (term.field,), scope),
                scope=scope,
            )
        kind = "phrase" if len(stems) > 1 else "word"
        expand = (
            kind == "word"
            and not term.quoted
            and not negated
            and len(stems[0]) >= PREFIX_MIN_LENGTH
        )
        return Unit(
            kind,
            None,
            stems=stems,
            words=words,
            expand=expand,
            source=term,
            slots=self._slots(stems, SPELLING_FIELDS[kind], scope),
            scope=scope,
        )

    def _slots(
        self, stems: tuple[str, ...], fields: tuple[str, ...], scope: frozenset[int] | None
    ) -> tuple[tuple[str, ...], ...]:
        return tuple((s, *self._other_spellings(s, fields, scope)) for s in stems)

    def _other_spellings(
        self, stem: str, fields: tuple[str, ...], scope: frozenset[int] | None
    ) -> tuple[str, ...]:
        """Return the spellings of ``stem`` with its linking s added or dropped that count
        (a visible report holds the spelling and its first part, in one of ``fields``)."""
        return held_spellings(stem, lambda t: any(self.has_term(f, t, scope) for f in fields))

    def expansions(self, unit: Unit) -> tuple[str, ...]:
        """Return the compounds a unit's word may start (computed once, when first needed)."""
        if not unit.expand:
            return ()
        if unit.expansions is None:
            unit.expansions = self._expansions(unit.expand_field, unit.terms, unit.scope)
        return unit.expansions

    def _expansions(
        self, fieldname: str, stems: tuple[str, ...], scope: frozenset[int] | None
    ) -> tuple[str, ...]:
        """Return compounds starting with any of ``stems`` that reports in ``scope`` hold."""
        counts: dict[str, int] = {}

        def df(t: str) -> int:
            if t not in counts:
                counts[t] = self.term_reports(fieldname, t, scope)
            return counts[t]

        found: dict[str, None] = {}
        for stem in stems:
            terms: Iterable[str] = islice(
                self.terms_with_prefix(fieldname, stem), PREFIX_SCAN_LIMIT
            )
            if scope is not None:
                # Only compounds a visible report holds: hidden reports must not take the places.
                terms = [t for t in terms if t not in stems and df(t)]
            for t in compound_expansions(stem, terms, df):
                if t not in stems:
                    found[t] = None
        out = list(found)
        if len(out) > PREFIX_MAX_EXPANSIONS:
            out.sort(key=lambda t: (-df(t), t))
            out = out[:PREFIX_MAX_EXPANSIONS]
        return tuple(out)


class QueryMatcher(PlanCompiler, IndexData):
    """Report matching, report scoring and page ranking on top of the index data."""

    def unit_reports(self, unit: Unit, candidates: set[int]) -> set[int]:
        """Return which of ``candidates`` the unit matches."""
        if not candidates:
            return set()
        if unit.kind == "year":
            lo, hi = unit.years or (0, -1)
            return {r for r in candidates if (y := self.reports[r].year) and lo <= y <= hi}
        if unit.kind == "field":
            fieldname = unit.field or "title"
            if len(unit.stems) > 1:
                return self._meta_phrase_any(fieldname, unit) & candidates
            return self._first_found(candidates, self._lookups(unit, [fieldname]))
        if unit.kind == "word":
            fields = ["rterms", "title", "keywords", "publisher", "author"]
            return self._first_found(candidates, self._lookups(unit, fields))
        # A phrase: reports whose title or keywords hold it, or with a page that does.
        found: set[int] = set()
        for fieldname in ("title", "keywords", "publisher"):
            found |= self._meta_phrase_any(fieldname, unit) & candidates
        rest = candidates - found
        for slot in unit.slots or tuple((s,) for s in unit.stems):
            if rest:
                rest &= set().union(*(self._meta_rids("rterms", t) for t in slot))
        for spelling in unit.spellings():
            if not rest:
                break
            hit = self._reports_with_page_match(spelling, rest)
            found |= hit
            rest -= hit
        return found

    def _lookups(self, unit: Unit, fields: list[str]) -> Iterator[tuple[str, str]]:
        for fieldname in fields:
            if fieldname == "author":
                # Names are indexed unstemmed.
                yield fieldname, unit.words[0] if unit.words else unit.stems[0]
                continue
            for t in unit.terms:
                yield fieldname, t
        for t in self.expansions(unit):
            yield unit.expand_field, t

    def _first_found(self, candidates: set[int], lookups: Iterable[tuple[str, str]]) -> set[int]:
        # Lookups go from likeliest to rarest; stop once every candidate has matched, so a
        # common word never pays for its compounds.
        found: set[int] = set()
        for fieldname, text in lookups:
            found |= self._meta_rids(fieldname, text) & candidates
            if len(found) == len(candidates):
                break
        return found

    def _meta_phrase_any(self, fieldname: str, unit: Unit) -> set[int]:
        """Return the reports whose meta field holds the unit's phrase in any spelling."""
        found: set[int] = set()
        for spelling in unit.spellings():
            found |= self._meta_phrase(fieldname, spelling)
        return found

    def _meta_phrase(self, fieldname: str, stems: tuple[str, ...]) -> set[int]:
        # Most titles lack the words altogether; only reports with all of them are checked.
        having = self._meta_rids(fieldname, stems[0])
        for s in stems[1:]:
            if not having:
                return set()
            having &= self._meta_rids(fieldname, s)
        if not having:
            return set()
        docs = sorted(self.reports[r].meta_doc for r in having)
        found = self.phrase_docs(fieldname, stems, [(d, d) for d in docs])
        return {self.meta_rid[d] for d in found}

    def _reports_with_page_match(self, stems: tuple[str, ...], rids: set[int]) -> set[int]:
        """Return the reports among ``rids`` with at least one page holding the phrase."""
        infos = [r for r in self._by_start if r.rid in rids]
        ranges = [(i.pages.start, i.pages.stop - 1) for i in infos]
        starts = [lo for lo, _ in ranges]
        found = self.phrase_docs("content", stems, ranges, first_only=True)
        return {infos[bisect_right(starts, d) - 1].rid for d in found}

    def matching_reports(self, plan: Plan, allowed: set[int]) -> set[int]:
        """Return the allowed reports matching every positive clause and no negative one."""
        if plan.empty:
            return set()
        current = set(allowed)
        # Cheap, selective clauses first so phrases are checked against few reports.
        for clause in sorted(plan.positive, key=_clause_cost):
            hit: set[int] = set()
            for unit in clause:
                hit |= self.unit_reports(unit, current - hit)
            current = hit
            if not current:
                return set()
        for clause in plan.negative:
            for unit in clause:
                current -= self.unit_reports(unit, current)
        return current

    def _bm25(
        self,
        postings: list[tuple[int, float]],
        df: int,
        n: int,
        lengths: dict[int, int],
        avg: float,
        boost: float,
        into: dict[int, float],
        keys: dict[int, int] | None = None,
    ) -> None:
        """Add BM25 scores of one term's postings to ``into`` (keyed by docnum or ``keys``)."""
        # Computed here rather than by Whoosh's scorer, which reads each document's length
        # from disk on every call; lengths come from per-generation caches instead.
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for doc, tf in postings:
            key = keys.get(doc) if keys is not None else doc
            if key is None or key not in into:
                continue
            norm = K1 * (1 - B + B * lengths.get(doc, avg) / avg)
            into[key] += boost * idf * tf * (K1 + 1) / (tf + norm)

    def score_reports(self, plan: Plan, rids: set[int]) -> dict[int, float]:
        """Return a BM25 score per report from its vocabulary, title and metadata."""
        scores: dict[int, float] = dict.fromkeys(rids, 0.0)
        if not rids:
            return scores
        keys = self.meta_rid
        for clause in plan.positive:
            for u in clause:
                exact = self._score_terms(u, scores, keys)
                if u.expand:
                    # Compounds only score reports that lack the word itself, and lower.
                    rest = {r: 0.0 for r in rids if r not in exact}
                    if rest:
                        for t in self.expansions(u):
                            self._score_meta(u.expand_field, t, PREFIX_BOOST, rest, keys)
                        for r, v in rest.items():
                            scores[r] += v
        return scores

    def _score_terms(self, u: Unit, scores: dict[int, float], keys: dict[int, int]) -> set[int]:
        """Score a unit's exact terms; return the reports they matched."""
        hit: set[int] = set()
        if u.kind == "word":
            for s in u.terms:
                hit |= self._score_meta("rterms", s, W_CONTENT, scores, keys)
                hit |= self._score_meta("title", s, W_TITLE, scores, keys)
                hit |= self._score_meta("keywords", s, W_KEYWORDS, scores, keys)
                hit |= self._score_meta("publisher", s, W_PUBLISHER, scores, keys)
            author = u.words[0] if u.words else u.stems[0]
            hit |= self._score_meta("author", author, W_AUTHOR, scores, keys)
        elif u.kind == "phrase":
            for s in u.all_terms():
                hit |= self._score_meta("rterms", s, W_CONTENT, scores, keys)
            for r in self._meta_phrase_any("title", u):
                if r in scores:
                    scores[r] += W_TITLE * len(u.stems)
        elif u.kind == "field" and u.field:
            boost = W_AUTHOR if u.field == "author" else W_TITLE
            if len(u.stems) > 1:
                for r in self._meta_phrase_any(u.field, u):
                    if r in scores:
                        scores[r] += boost * len(u.stems)
                        hit.add(r)
            else:
                for s in u.terms:
                    hit |= self._score_meta(u.field, s, boost, scores, keys)
        return hit

    def _score_meta(
        self, fieldname: str, text: str, boost: float, into: dict[int, float], keys: dict[int, int]
    ) -> set[int]:
        posts = self.postings(fieldname, text)
        if not posts:
            return set()
        lengths, avg = self._meta_length(fieldname)
        self._bm25(posts, len(posts), self.n_meta, lengths, avg, boost, into, keys)
        return {r for d, _ in posts if (r := keys.get(d)) is not None}

    def best_pages(
        self, plan: Plan, infos: list[ReportInfo], per_report: int, expanded: bool = False
    ) -> dict[int, list[tuple[float, int]]]:
        """Return up to ``per_report`` ``(score, docnum)`` per report, best first.

        A phrase counts only on pages that hold it: a page with some of its words is never
        shown for it, and in a report with pages holding the phrase every page shown does.
        """
        infos = sorted((i for i in infos if len(i.pages)), key=lambda i: i.pages.start)
        ranges = [(i.pages.start, i.pages.stop - 1) for i in infos]
        if not ranges:
            return {}
        starts = [lo for lo, _ in ranges]
        lengths, avg = self._page_lengths(infos)
        scores: defaultdict[int, float] = defaultdict(float)
        df = self.reader.doc_frequency
        # Pages each phrase-bearing clause accepts: those holding one of its phrases or words.
        required: list[set[int]] = []
        for clause in plan.positive:
            accepted: set[int] = set()
            has_phrase = False
            for u in clause:
                if u.kind == "word":
                    terms = [(t, 1.0) for t in u.terms]
                    if expanded:
                        terms += [(t, PREFIX_BOOST) for t in self.expansions(u)]
                    for text, boost in terms:
                        posts = self.postings("content", text, ranges)
                        for d, _ in posts:
                            scores.setdefault(d, 0.0)
                        accepted.update(d for d, _ in posts)
                        self._bm25(
                            posts, df("content", text), self.n_pages, lengths, avg, boost, scores
                        )
                elif u.kind == "phrase":
                    has_phrase = True
                    holding = self._phrase_pages(u, ranges)
                    accepted |= holding
                    self._score_phrase_pages(u, holding, ranges, lengths, avg, scores)
            if has_phrase:
                required.append(accepted)
        if required:
            _keep_required(scores, required, infos, starts)
        return _top_per_report(scores, infos, starts, per_report)

    def _phrase_pages(self, u: Unit, ranges: list[tuple[int, int]]) -> set[int]:
        """Return the pages inside ``ranges`` holding the unit's phrase in any spelling."""
        found: set[int] = set()
        for spelling in u.spellings():
            found.update(self.phrase_docs("content", spelling, ranges))
        return found

    def _score_phrase_pages(
        self,
        u: Unit,
        pages: set[int],
        ranges: list[tuple[int, int]],
        lengths: dict[int, int],
        avg: float,
        scores: defaultdict[int, float],
    ) -> None:
        """Add BM25 of the phrase's words and a phrase bonus to the pages holding it."""
        if not pages:
            return
        df = self.reader.doc_frequency
        for d in pages:
            scores.setdefault(d, 0.0)
        for text in u.all_terms():
            posts = [(d, tf) for d, tf in self.postings("content", text, ranges) if d in pages]
            self._bm25(posts, df("content", text), self.n_pages, lengths, avg, 1.0, scores)
        bonus = W_PHRASE_PAGE * sum(self._idf_page(s) for s in u.stems)
        for d in pages:
            scores[d] += bonus

    def _idf_page(self, stem: str) -> float:
        df = self.reader.doc_frequency("content", stem)
        return math.log(1 + (self.n_pages - df + 0.5) / (df + 0.5))


def _keep_required(
    scores: dict[int, float], required: list[set[int]], infos: list[ReportInfo], starts: list[int]
) -> None:
    """Drop pages a phrase-bearing clause rejects, in reports where some page satisfies it.

    A report that matched such a clause only through its title or keywords has no page to
    require, so the clause leaves its pages alone.
    """

    def rid_of(d: int) -> int:
        return infos[bisect_right(starts, d) - 1].rid

    for accepted in required:
        satisfied = {rid_of(d) for d in accepted}
        for d in [d for d in scores if d not in accepted and rid_of(d) in satisfied]:
            del scores[d]


def _top_per_report(
    scores: dict[int, float], infos: list[ReportInfo], starts: list[int], n: int
) -> dict[int, list[tuple[float, int]]]:
    """Return the ``n`` best ``(score, docnum)`` of each report (sorted by page start)."""
    per: dict[int, list[tuple[float, int]]] = {i.rid: [] for i in infos}
    for d, score in scores.items():
        heap = per[infos[bisect_right(starts, d) - 1].rid]
        item = (score, -d)  # ties go to the earlier page
        if len(heap) < n:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    return {rid: [(sc, -d) for sc, d in sorted(h, reverse=True)] for rid, h in per.items()}


def _clause_cost(clause: list[Unit]) -> int:
    return max(2 if u.kind == "phrase" else 1 if u.kind == "word" else 0 for u in clause)
