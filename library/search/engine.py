"""Search, search inside a report, spelling suggestions and related reports."""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import islice
from typing import Any

from whoosh import query as wq

from circle.search.analysis import PREFIX_BOOST
from circle.search.query import ParsedQuery, parse_query, query_text
from circle.search.snippets import Highlighter
from circle.search.spelling import (
    SPELL_SCAN_LIMIT,
    SUGGEST_BELOW,
    best_correction,
    correction_limits,
    edit_distance,
    surface_word,
)
from library.search import PageHit, ReportHit, SearchQuery, SearchResult
from library.search.matching import Plan, QueryMatcher, Unit
from library.search.view import ReportInfo

MAX_PER_PAGE = 100
MAX_PAGES_PER_REPORT = 20
RELATED_TERMS = 25


class IndexView(QueryMatcher):
    """What a backend searches: one index generation, ready for member queries."""

    def page_hits(self, docs: list[int], hl: Highlighter) -> list[PageHit]:
        """Return page numbers and snippets for the given page documents."""
        out = []
        for docnum in docs:
            number, text = self.page_text(docnum)
            out.append(PageHit(page=number, snippet=hl.snippet(text)))
        return out

    def search(self, sq: SearchQuery) -> SearchResult:
        """Run a search for one member."""
        per_page = max(1, min(int(sq.per_page), MAX_PER_PAGE))
        page_no = max(1, int(sq.page))
        per_report = max(0, min(int(sq.pages_per_report), MAX_PAGES_PER_REPORT))
        # Only reports the database says the member may see are matched, counted or used for
        # suggestions; the index's own copy of each report's circle is never consulted.
        visible = self.visible(sq.visible_report_ids)
        scope = self.scope(visible)
        allowed = self.allowed(visible, sq.filters)
        if sq.report_id is not None:
            return self._search_inside(sq, allowed, scope, page_no, per_page)
        text = (sq.text or "").strip()
        if not text:
            # No words: browse the visible library, newest first, with facets.
            ranked = sorted(allowed, key=lambda r: (-(self.reports[r].year or 0), -r))
            hits = [ReportHit(r, 0.0, []) for r in _slice(ranked, page_no, per_page)]
            return SearchResult(len(allowed), hits, self.facets(allowed), None)
        parsed = parse_query(text)
        plan = self.compile(parsed, scope)
        matched = self.matching_reports(plan, allowed)
        suggestion = None
        if len(matched) < SUGGEST_BELOW:
            suggestion = self.suggest(parsed, plan, allowed, len(matched), visible)
        if not matched:
            return SearchResult(0, [], self.facets(()), suggestion)
        scores = self.score_reports(plan, matched)
        if sq.sort == "newest":
            key = lambda r: (-(self.reports[r].year or 0), -scores[r], -r)  # noqa: E731
        else:
            key = lambda r: (-scores[r], -(self.reports[r].year or 0), -r)  # noqa: E731
        shown = _slice(sorted(matched, key=key), page_no, per_page)
        pages = self._pages_for(plan, shown, per_report) if per_report else {}
        hits = [ReportHit(r, round(scores[r], 4), pages.get(r, [])) for r in shown]
        return SearchResult(len(matched), hits, self.facets(matched), suggestion)

    def _pages_for(self, plan: Plan, rids: list[int], per_report: int) -> dict[int, list[PageHit]]:
        if not any(u.on_pages for c in plan.positive for u in c):
            return {}
        infos = [self.reports[r] for r in rids]
        best = self.best_pages(plan, infos, per_report)
        # Reports found only through compounds have no exact page hits: look again with them.
        missing = [i for i in infos if not best.get(i.rid)]
        if missing and any(u.expand and u.kind == "word" for c in plan.positive for u in c):
            best.update(self.best_pages(plan, missing, per_report, expanded=True))
        hl = _highlighter(plan)
        return {rid: self.page_hits([d for _, d in best.get(rid, [])], hl) for rid in rids}

    def _search_inside(
        self,
        sq: SearchQuery,
        allowed: set[int],
        scope: frozenset[int] | None,
        page_no: int,
        per_page: int,
    ) -> SearchResult:
        rid = sq.report_id
        info = self.reports.get(rid) if rid is not None else None
        empty = SearchResult(0, [], self.facets(()), None)
        if info is None or rid not in allowed or not (sq.text or "").strip():
            return empty
        plan = self.compile(parse_query(sq.text), scope)
        q = self._inside_query(plan, rid)
        if q is None:
            return empty
        scored = self._pages_matching(q, info)
        if not scored:
            return SearchResult(0, [], self.facets({rid}), None)
        docs = [d for _, d in _slice(scored, page_no, per_page)]
        hit = ReportHit(rid, round(scored[0][0], 4), self.page_hits(docs, _highlighter(plan)))
        return SearchResult(len(scored), [hit], self.facets({rid}), None)

    def _pages_matching(self, q: wq.Query, info: ReportInfo) -> list[tuple[float, int]]:
        """Return ``(score, docnum)`` of every page of one report matching ``q``, best first."""
        out: list[tuple[float, int]] = []
        if not len(info.pages):
            return out
        lo_g, hi_g = info.pages.start, info.pages.stop - 1
        for sub, offset in self.searcher.leaf_searchers():
            lo, hi = lo_g - offset, hi_g - offset
            if hi < 0 or lo >= sub.doc_count_all():
                continue
            m = q.matcher(sub, self.context)
            if m.is_active() and m.id() < lo:
                m.skip_to(lo)
            while m.is_active() and m.id() <= hi:
                out.append((m.score(), m.id() + offset))
                m.next()
        out.sort(key=lambda item: (-item[0], item[1]))
        return out

    def _inside_query(self, plan: Plan, rid: int) -> wq.Query | None:
        """Return a page query with full AND/OR/NOT semantics for pages of one report."""
        if plan.empty:
            return None
        one = {rid}
        musts: list[wq.Query] = []
        for clause in plan.positive:
            if any(not u.on_pages and self.unit_reports(u, one) for u in clause):
                continue  # satisfied by the report's metadata, so by every page
            alts = [_page_unit_query(u, self.expansions(u)) for u in clause if u.on_pages]
            if not alts:
                return None
            musts.append(alts[0] if len(alts) == 1 else wq.Or(alts))
        if not musts:
            return None
        nots: list[wq.Query] = []
        for clause in plan.negative:
            for u in clause:
                if not u.on_pages:
                    if self.unit_reports(u, one):
                        return None
                    continue
                nots.append(_page_unit_query(u, self.expansions(u)))
        q: wq.Query = musts[0] if len(musts) == 1 else wq.And(musts)
        if nots:
            q = wq.AndNot(q, nots[0] if len(nots) == 1 else wq.Or(nots))
        return q

    def suggest(
        self,
        parsed: ParsedQuery,
        plan: Plan,
        allowed: set[int],
        total: int,
        visible: set[int] | None = None,
    ) -> str | None:
        """Return the query with misspelt words corrected, if that finds more reports.

        Corrections come only from the vocabulary and pages of ``allowed`` reports.
        """
        replacements: dict[str, str] = {}
        for clause in plan.positive:
            for u in clause:
                if u.kind != "word" or not u.source or u.source.quoted or u.source.field:
                    continue
                own = len(self.unit_reports(u, allowed))
                if own >= SUGGEST_BELOW:
                    continue
                better = self._correct(u, allowed, own)
                if better:
                    replacements[u.source.text] = better
        if not replacements:
            return None
        text = query_text(parsed, replacements)
        new_plan = self.compile(
            parse_query(text), self.scope(allowed if visible is None else visible)
        )
        if len(self.matching_reports(new_plan, allowed)) <= total:
            return None
        return text

    def _correct(self, unit: Unit, allowed: set[int], own: int) -> str | None:
        stem = unit.stems[0]
        limits = correction_limits(stem, own)
        if limits is None:
            return None
        maxdist, need = limits
        candidates = (
            (cand, len(self._meta_rids("rterms", cand) & allowed))
            for cand in self._near_terms(stem, maxdist)
        )
        best = best_correction(stem, candidates, maxdist, need)
        if best is None:
            return None
        return self._surface(best, unit.words[0] if unit.words else stem, allowed)

    def _near_terms(self, stem: str, maxdist: int) -> Iterator[str]:
        """Yield index terms within ``maxdist`` edits that share the first two letters."""
        # Typos rarely hit the first two letters; requiring them keeps the scan short.
        for cand in islice(self.terms_with_prefix("rterms", stem[:2]), SPELL_SCAN_LIMIT):
            if cand != stem and abs(len(cand) - len(stem)) <= maxdist:
                if edit_distance(stem, cand, maxdist) <= maxdist:
                    yield cand

    def _surface(self, stem: str, typed: str, allowed: set[int]) -> str:
        """Return a word from a visible page whose stem is ``stem``, closest to what was typed."""
        texts: list[str] = []
        rids = sorted(self._meta_rids("rterms", stem) & allowed)
        if rids:
            info = self.reports[rids[0]]
            ranges = [(info.pages.start, info.pages.stop - 1)] if len(info.pages) else []
            pages = [d for d, _ in self.postings("content", stem, ranges)[:3]] if ranges else []
            texts = [self.page_text(docnum)[1] for docnum in pages]
        return surface_word(stem, typed, texts)

    def related(self, rid: int, visible_report_ids: frozenset[int], limit: int = 5) -> list[int]:
        """Return reports among ``visible_report_ids`` sharing the most distinctive vocabulary.

        Only the term weights (how rare a word is) come from the whole index, as in any
        ranking; which reports are scored and returned is decided by ``visible_report_ids``.
        """
        info = self.reports.get(rid)
        if info is None or rid not in visible_report_ids:
            return []
        allowed = self.visible(visible_report_ids) - {rid}
        if not allowed or limit <= 0:
            return []
        n = max(len(self.reports), 1)
        df = self.reader.doc_frequency
        weighted = []
        for term, count in self.stored_meta(rid).get("top_terms") or ():
            d = df("rterms", term)
            if d < 2 or len(term) < 3 or term.isdigit():
                continue  # a word no other report has cannot relate it to anything
            weighted.append(((1 + math.log(count)) * math.log(1 + n / d), term))
        weighted.sort(reverse=True)
        scores: dict[int, float] = dict.fromkeys(allowed, 0.0)
        for w, term in weighted[:RELATED_TERMS]:
            self._score_meta("rterms", term, w, scores, self.meta_rid)
        for other in allowed:
            shared = set(info.themes) & set(self.reports[other].themes)
            if shared:
                scores[other] *= 1 + 0.25 * len(shared)
        ranked = sorted((s, -r) for r, s in scores.items() if s > 0)
        return [-r for _, r in reversed(ranked[-limit:])]


def _page_unit_query(u: Unit, expansions: tuple[str, ...]) -> wq.Query:
    if u.kind == "phrase":
        phrases: list[wq.Query] = [wq.Phrase("content", list(p)) for p in u.spellings()]
        return phrases[0] if len(phrases) == 1 else wq.Or(phrases)
    terms = [wq.Term("content", t) for t in u.terms]
    terms += [wq.Term("content", t, boost=PREFIX_BOOST) for t in expansions]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _highlighter(plan: Plan) -> Highlighter:
    """Return a highlighter marking the query's words (any spelling) and its phrases whole."""
    stems: set[str] = set()
    prefixes: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for clause in plan.positive:
        for u in clause:
            if u.kind == "word":
                stems.update(u.terms)
                if u.expand:
                    prefixes.update(u.terms)
            elif u.kind == "phrase":
                phrases.update(u.spellings())
    return Highlighter(stems, prefixes, phrases=phrases)


def _slice(items: list[Any], page_no: int, per_page: int) -> list[Any]:
    start = (page_no - 1) * per_page
    return items[start : start + per_page]
