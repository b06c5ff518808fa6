"""Match and score reports and pages for a parsed query, report by report."""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from library.search.analysis import PREFIX_BOOST, PREFIX_MIN_LENGTH, analyze, compound_expansions
from library.search.query import ParsedQuery, Term, parse_year
from library.search.view import IndexData, ReportInfo

# Report-level scoring weights: a word in the title or keywords says more about a report than
# the same word somewhere in its pages.
W_CONTENT, W_TITLE, W_KEYWORDS, W_AUTHOR, W_PUBLISHER = 1.0, 3.0, 2.0, 2.0, 1.0
W_PHRASE_PAGE = 2.0
K1, B = 1.2, 0.75


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

    @property
    def on_pages(self) -> bool:
        """Return whether the unit can match page text (not only metadata)."""
        return self.kind in ("word", "phrase")


@dataclass
class Plan:
    """Compiled clauses: every positive clause must match, no negative one may."""

    positive: list[list[Unit]] = field(default_factory=list)
    negative: list[list[Unit]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Return whether nothing is asked for (only stop words or exclusions)."""
        return not self.positive


class QueryMatcher(IndexData):
    """Report matching, report scoring and page ranking on top of the index data."""

    def compile(self, parsed: ParsedQuery) -> Plan:
        """Turn parsed clauses into units looked up against this index."""
        plan = Plan()
        for clause in parsed.clauses:
            units = [u for u in (self._unit(t, clause.negated) for t in clause.terms) if u]
            if not units:
                continue
            (plan.negative if clause.negated else plan.positive).append(units)
        return plan

    def _unit(self, term: Term, negated: bool) -> Unit | None:
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
            )
        if len(stems) > 1:
            return Unit("phrase", None, stems=stems, words=words, source=term)
        expand = not term.quoted and not negated and len(stems[0]) >= PREFIX_MIN_LENGTH
        return Unit("word", None, stems=stems, words=words, expand=expand, source=term)

    def expansions(self, unit: Unit) -> tuple[str, ...]:
        """Return the compounds a unit's word may start (computed once, when first needed)."""
        if not unit.expand:
            return ()
        if unit.expansions is None:
            unit.expansions = self._expansions(unit.expand_field, unit.stems[0])
        return unit.expansions

    def _expansions(self, fieldname: str, stem: str) -> tuple[str, ...]:
        df = self.reader.doc_frequency
        terms = self.terms_with_prefix(fieldname, stem)
        return compound_expansions(stem, terms, lambda t: df(fieldname, t))

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
                return self._meta_phrase(fieldname, unit.stems) & candidates
            return self._first_found(candidates, self._lookups(unit, [fieldname]))
        if unit.kind == "word":
            fields = ["rterms", "title", "keywords", "publisher", "author"]
            return self._first_found(candidates, self._lookups(unit, fields))
        # A phrase: reports whose title or keywords hold it, or with a page that does.
        found: set[int] = set()
        for fieldname in ("title", "keywords", "publisher"):
            found |= self._meta_phrase(fieldname, unit.stems) & candidates
        rest = candidates - found
        for s in unit.stems:
            if rest:
                rest &= self._meta_rids("rterms", s)
        if rest:
            found |= self._reports_with_page_match(unit.stems, rest)
        return found

    def _lookups(self, unit: Unit, fields: list[str]) -> Iterator[tuple[str, str]]:
        for fieldname in fields:
            # Names are indexed unstemmed.
            word = unit.words[0] if fieldname == "author" and unit.words else unit.stems[0]
            yield fieldname, word
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
            s = u.stems[0]
            hit |= self._score_meta("rterms", s, W_CONTENT, scores, keys)
            hit |= self._score_meta("title", s, W_TITLE, scores, keys)
            hit |= self._score_meta("keywords", s, W_KEYWORDS, scores, keys)
            hit |= self._score_meta("publisher", s, W_PUBLISHER, scores, keys)
            author = u.words[0] if u.words else s
            hit |= self._score_meta("author", author, W_AUTHOR, scores, keys)
        elif u.kind == "phrase":
            for s in u.stems:
                hit |= self._score_meta("rterms", s, W_CONTENT, scores, keys)
            for r in self._meta_phrase("title", u.stems):
                if r in scores:
                    scores[r] += W_TITLE * len(u.stems)
        elif u.kind == "field" and u.field:
            boost = W_AUTHOR if u.field == "author" else W_TITLE
            if len(u.stems) > 1:
                for r in self._meta_phrase(u.field, u.stems):
                    if r in scores:
                        scores[r] += boost * len(u.stems)
                        hit.add(r)
            else:
                hit |= self._score_meta(u.field, u.stems[0], boost, scores, keys)
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
        """Return up to ``per_report`` ``(score, docnum)`` per report, best first."""
        infos = sorted((i for i in infos if len(i.pages)), key=lambda i: i.pages.start)
        ranges = [(i.pages.start, i.pages.stop - 1) for i in infos]
        if not ranges:
            return {}
        lengths, avg = self._page_lengths(infos)
        scores: defaultdict[int, float] = defaultdict(float)
        df = self.reader.doc_frequency
        terms: list[tuple[str, float]] = []
        phrases: list[tuple[str, ...]] = []
        for clause in plan.positive:
            for u in clause:
                if u.kind == "word":
                    terms.append((u.stems[0], 1.0))
                    if expanded:
                        terms += [(t, PREFIX_BOOST) for t in self.expansions(u)]
                elif u.kind == "phrase":
                    terms += [(s, 1.0) for s in u.stems]
                    phrases.append(u.stems)
        for text, boost in terms:
            posts = self.postings("content", text, ranges)
            for d, _ in posts:
                scores.setdefault(d, 0.0)
            self._bm25(posts, df("content", text), self.n_pages, lengths, avg, boost, scores)
        starts = [lo for lo, _ in ranges]
        if phrases:
            # Pages holding the exact phrase go first. Checking positions is the costly part,
            # so only each report's best-scoring candidates are checked.
            pool = _top_per_report(scores, infos, starts, 8 * per_report)
            cand = [(d, d) for d in sorted(d for items in pool.values() for _, d in items)]
            for stems in phrases:
                bonus = W_PHRASE_PAGE * sum(self._idf_page(s) for s in stems)
                for d in self.phrase_docs("content", stems, cand):
                    scores[d] += bonus
        return _top_per_report(scores, infos, starts, per_report)

    def _idf_page(self, stem: str) -> float:
        df = self.reader.doc_frequency("content", stem)
        return math.log(1 + (self.n_pages - df + 0.5) / (df + 0.5))


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
