"""PostgreSQL full-text search backend: the same interface and query language as Whoosh.

Pages and metadata are analysed by circle.search.analysis (the same Norwegian stems,
compounds and linking-s spellings as the Whoosh backend), stored as tsvectors with positions
and searched with tsquery (``|``, ``&``, ``!``, ``<->`` for phrases). The vocabulary table
serves compounds, spellings and "Mente du" (pg_trgm), always limited to the visible reports.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text
from sqlalchemy.engine import Connection

from circle.search.analysis import (
    PREFIX_BOOST,
    PREFIX_MAX_EXPANSIONS,
    analyze,
    held_spellings,
    spelling_lookups,
)
from circle.search.pgtext import tsq, tsvector_literal
from circle.search.query import ParsedQuery, parse_query, query_text
from circle.search.spelling import (
    SUGGEST_BELOW,
    best_correction,
    correction_limits,
    surface_word,
)
from library.search import (
    Fingerprint,
    PageHit,
    ReportDoc,
    ReportHit,
    SearchQuery,
    SearchResult,
    report_meta,
)
from library.search.engine import (
    MAX_PAGES_PER_REPORT,
    MAX_PER_PAGE,
    RELATED_TERMS,
    _highlighter,
    _slice,
)
from library.search.matching import K1, Plan, PlanCompiler, Unit
from library.search.pg_query import SqlPlan
from library.search.pg_tables import search_page, search_report, search_term
from library.search.view import ReportInfo, facet_counts, filter_checks

SUGGEST_CANDIDATES = 400
TABLES = (search_report, search_page, search_term)


class PostgresBackend:
    """The library's search backend in PostgreSQL tables (see library.search.pg_tables).

    The tables are found through the connection's search_path, so tests can keep several
    indexes side by side in schemas of their own.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """Create the tables where the migration has not (tests, benchmarks)."""
        with self.engine.begin() as conn:
            search_report.metadata.create_all(conn, tables=list(TABLES))

    # ---------------------------------------------------------------- writes

    def index_report(self, doc: ReportDoc) -> None:
        """Add or replace a report and all its pages in one transaction."""
        with self.engine.begin() as conn:
            _lock(conn, doc.id)
            _delete(conn, doc.id)
            _insert(conn, doc)

    def delete_report(self, report_id: int) -> None:
        """Remove a report and all its pages."""
        with self.engine.begin() as conn:
            _lock(conn, report_id)
            _delete(conn, report_id)

    def rebuild(
        self, docs: Iterable[ReportDoc], progress: Callable[[int], None] | None = None
    ) -> None:
        """Write every report afresh, then drop the reports that are gone.

        Each report is replaced in its own transaction, so searches meanwhile always see
        whole reports, and writes by other processes are never lost. The tables are
        vacuumed and analysed at the end.
        """
        seen: set[int] = set()
        for doc in docs:
            if doc.id in seen:
                continue
            seen.add(doc.id)
            self.index_report(doc)
            if progress is not None:
                progress(len(seen))
        for rid in self.report_ids() - seen:
            self.delete_report(rid)
        # Fresh statistics and visibility map now rather than when autovacuum comes round:
        # searches read the vocabulary by index-only scans.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) search_report, search_page, search_term")

    def compact(self) -> None:
        """Nothing to merge: PostgreSQL maintains its indexes itself (autovacuum)."""

    def segment_count(self) -> int:
        """Return 0: there are no index segments to merge."""
        return 0

    def close(self) -> None:
        """Nothing to close: connections belong to the engine's pool."""

    # ----------------------------------------------------------------- reads

    def report_ids(self) -> set[int]:
        """Return the ids of all indexed reports (for consistency checks)."""
        with self.engine.connect() as conn:
            return set(conn.scalars(select(search_report.c.report_id)))

    def fingerprints(self) -> dict[int, Fingerprint | None]:
        """Return each indexed report's fingerprint."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(search_report.c.report_id, search_report.c.meta))
            out: dict[int, Fingerprint | None] = {}
            for rid, meta in rows:
                fp = meta.get("fingerprint")
                out[rid] = (
                    Fingerprint(meta.get("circle_id"), fp["metadata"], tuple(fp["pages"]))
                    if isinstance(fp, dict)
                    else None
                )
            return out

    def _reading(self) -> Connection:
        """Return a connection for a search: every statement reads committed rows by itself.

        Without a transaction block there is no BEGIN and no ROLLBACK to wait for: two of a
        search's round trips. Under READ COMMITTED the statements of a transaction each take
        a fresh snapshot anyway, so what a search sees is the same.
        """
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the reports matching a query, limited to ``query.visible_report_ids``."""
        with self._reading() as conn:
            return _Search(conn).run(query)

    def related(
        self, report_id: int, visible_report_ids: frozenset[int], limit: int = 5
    ) -> list[int]:
        """Return ids of reports among ``visible_report_ids`` sharing distinctive words."""
        if report_id not in visible_report_ids or limit <= 0:
            return []
        with self._reading() as conn:
            return _related(conn, report_id, visible_report_ids, limit)


# ------------------------------------------------------------------ writing


def _lock(conn: Connection, report_id: int) -> None:
    # Two jobs writing the same report take turns instead of colliding on its keys.
    conn.execute(text("SELECT pg_advisory_xact_lock(731, :rid)"), {"rid": report_id})


def _delete(conn: Connection, report_id: int) -> None:
    for table in TABLES:
        conn.execute(delete(table).where(table.c.report_id == report_id))


def _insert(conn: Connection, doc: ReportDoc) -> None:
    counts: Counter[str] = Counter()
    pages = []
    for number, body in enumerate(doc.pages, 1):
        if not body or not body.strip():
            continue  # page n stays page n after empty pages
        terms = analyze(body)
        counts.update(terms)
        pages.append(
            {
                "report_id": doc.id,
                "page": number,
                "body": body.replace("\x00", ""),
                "tsv": tsvector_literal(terms),
            }
        )
    title_terms = analyze(" ".join(p for p in (doc.title, doc.subtitle) if p))
    keyword_terms = analyze(" ; ".join([*doc.keywords, *doc.themes]))
    publisher_terms = analyze(doc.publisher)
    # Terms only the metadata holds count 0: they serve spellings, never page statistics.
    vocabulary = dict.fromkeys(title_terms + keyword_terms + publisher_terms, 0) | counts
    meta = report_meta(doc, counts)
    conn.execute(
        insert(search_report),
        {
            "report_id": doc.id,
            "circle_id": doc.circle_id,
            "year": doc.year,
            "length": sum(counts.values()),
            "facets": {
                "publisher": doc.publisher,
                "document_type": doc.document_type,
                "language": doc.language,
                "themes": list(doc.themes),
            },
            "meta": meta,
            "title": tsvector_literal(title_terms),
            "keywords": tsvector_literal(keyword_terms),
            "publisher": tsvector_literal(publisher_terms),
            "author": tsvector_literal(analyze(" ; ".join(doc.authors), stem=False)),
        },
    )
    if pages:
        conn.execute(insert(search_page), pages)
    rows = [
        {"term": t, "report_id": doc.id, "count": n} for t, n in vocabulary.items() if len(t) <= 200
    ]
    if rows:
        conn.execute(insert(search_term), rows)


# ------------------------------------------------------------------ reading


class _Search(PlanCompiler):
    """One search on one connection: compile against the visible vocabulary, then query."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.reports: dict[int, ReportInfo] = {}
        self._n = 0
        self._avg = 1.0
        self._held_cache: set[str] = set()
        self._asked: set[str] = set()
        # Spellings asked about with the first statement, by scope: (asked, held).
        self._known: dict[frozenset[int] | None, tuple[set[str], set[str]]] = {}

    def run(self, sq: SearchQuery) -> SearchResult:
        """Run a search for one member."""
        per_page = max(1, min(int(sq.per_page), MAX_PER_PAGE))
        page_no = max(1, int(sq.page))
        per_report = max(0, min(int(sq.pages_per_report), MAX_PAGES_PER_REPORT))
        checks = filter_checks(sq.filters)
        parsed = parse_query(sq.text) if (sq.text or "").strip() else None
        wanted = _spellings(parsed) if parsed is not None else set()
        # The report data and the visible vocabulary's spellings come in one round trip.
        self.reports, self._n, self._avg, held = _infos_and_stats(
            self.conn, sq.visible_report_ids, wanted
        )
        visible = frozenset(self.reports)
        if wanted:
            # search_term holds rows of indexed reports only: the same as asking within visible.
            self._known[visible] = (wanted, held)
        allowed = {r for r, i in self.reports.items() if all(c(i) for c in checks)}
        if sq.report_id is not None:
            return self._inside(sq, allowed, visible, page_no, per_page)
        if parsed is None:
            ranked = sorted(allowed, key=lambda r: (-(self.reports[r].year or 0), -r))
            hits = [ReportHit(r, 0.0, []) for r in _slice(ranked, page_no, per_page)]
            return SearchResult(len(allowed), hits, self.facets(allowed), None)
        plan = self.compile(parsed, visible)
        scores = self.matching(plan, allowed)
        suggestion = None
        if len(scores) < SUGGEST_BELOW:
            suggestion = self.suggest(parsed, plan, allowed, len(scores), visible)
        if not scores:
            return SearchResult(0, [], self.facets(()), suggestion)
        if sq.sort == "newest":
            key = lambda r: (-(self.reports[r].year or 0), -scores[r], -r)  # noqa: E731
        else:
            key = lambda r: (-scores[r], -(self.reports[r].year or 0), -r)  # noqa: E731
        shown = _slice(sorted(scores, key=key), page_no, per_page)
        pages = self.best_pages(plan, shown, per_report) if per_report else {}
        hits = [ReportHit(r, round(scores[r], 4), pages.get(r, [])) for r in shown]
        return SearchResult(len(scores), hits, self.facets(scores), suggestion)

    def facets(self, rids: Iterable[int]) -> dict[str, list[tuple[str, int]]]:
        """Return report counts per facet value among ``rids``."""
        return facet_counts(self.reports[r] for r in rids)

    # The vocabulary, as the shared compiler needs it: one query per search, not per spelling.

    def compile(self, parsed: ParsedQuery, scope: frozenset[int] | None = None) -> Plan:
        """Compile a query, fetching every candidate spelling's presence in one query."""
        wanted = _spellings(parsed)
        asked, held = self._known.get(scope, (set(), set()))
        if not wanted <= asked:
            asked, held = wanted, self._held(wanted, scope) if wanted else set()
        self._held_cache, self._asked = held, asked
        return super().compile(parsed, scope)

    def _other_spellings(
        self, stem: str, fields: tuple[str, ...], scope: frozenset[int] | None
    ) -> tuple[str, ...]:
        wanted = spelling_lookups((stem,))
        if not wanted:
            return ()
        held = self._held_cache if wanted <= self._asked else self._held(wanted, scope)
        return held_spellings(stem, held.__contains__)

    def _held(self, terms: set[str], scope: frozenset[int] | None) -> set[str]:
        sql = text(
            "SELECT DISTINCT term FROM search_term WHERE term = ANY(:terms)"
            " AND report_id = ANY(:scope)"
        )
        return set(self.conn.scalars(sql, {"terms": sorted(terms), "scope": _ids(scope)}))

    def _expansions(
        self, fieldname: str, stems: tuple[str, ...], scope: frozenset[int] | None
    ) -> tuple[str, ...]:
        """Return the compounds starting with ``stems`` most visible reports hold."""
        return _expansions_of(self.conn, [stems], scope)[0]

    def _prefetch_expansions(self, units: list[Unit]) -> None:
        """Look up the compounds of every unit that expands in one query, not one per unit."""
        todo = [u for u in units if u.expand and u.expansions is None]
        scopes = {u.scope for u in todo}
        if len(todo) < 2 or len(scopes) != 1:
            return  # one unit (or none): fetched when first needed, as before
        found = _expansions_of(self.conn, [u.terms for u in todo], scopes.pop())
        for u, terms in zip(todo, found, strict=True):
            u.expansions = terms

    # Matching and ranking.

    def matching(self, plan: Plan, allowed: set[int]) -> dict[int, float]:
        """Return a score per allowed report matching every positive clause and no negative."""
        if plan.empty or not allowed:
            return {}
        units = [u for c in (*plan.positive, *plan.negative) for u in c]
        self._prefetch_expansions(units)
        terms = {t for u in units for t in (*u.all_terms(), *self.expansions(u))}
        sql = SqlPlan(self)
        stmt = text(sql.matching_sql(plan, sorted(terms)))
        params = {**sql.params, "allowed": sorted(allowed), "avg_length": self._avg, "n": self._n}
        return {rid: float(s) for rid, s in self.conn.execute(stmt, params)}

    def best_pages(self, plan: Plan, rids: list[int], per_report: int) -> dict[int, list[PageHit]]:
        """Return the best pages of each report with snippets, phrases honoured."""
        if not any(u.on_pages for c in plan.positive for u in c):
            return {}
        found = self._pages(plan, rids, per_report, expanded=False)
        missing = [r for r in rids if r not in found]
        if missing and any(u.expand and u.kind == "word" for c in plan.positive for u in c):
            found.update(self._pages(plan, missing, per_report, expanded=True))
        hl = _highlighter(plan)
        return {r: [PageHit(n, hl.snippet(body)) for n, body in found.get(r, [])] for r in rids}

    def _pages(
        self, plan: Plan, rids: list[int], per_report: int, *, expanded: bool
    ) -> dict[int, list[tuple[int, str]]]:
        sql = SqlPlan(self, expanded=expanded)
        stmt = sql.best_pages_sql(plan)
        if stmt is None:
            return {}
        params = {**sql.params, "rids": rids, "k": per_report}
        out: dict[int, list[tuple[int, str]]] = {}
        for rid, page, body in self.conn.execute(text(stmt), params):
            out.setdefault(rid, []).append((page, body))
        return out

    def _inside(
        self,
        sq: SearchQuery,
        allowed: set[int],
        visible: frozenset[int],
        page_no: int,
        per_page: int,
    ) -> SearchResult:
        rid = sq.report_id
        empty = SearchResult(0, [], self.facets(()), None)
        if rid not in allowed or not (sq.text or "").strip():
            return empty
        plan = self.compile(parse_query(sq.text), visible)
        sql = SqlPlan(self, expanded=True)
        query = sql.inside_query(plan, rid)
        if query is None:
            return empty
        stmt = text(
            "SELECT page, body, ts_rank(tsv, CAST(:q AS tsquery)) AS s, count(*) OVER () AS n"
            " FROM search_page WHERE report_id = :rid AND tsv @@ CAST(:q AS tsquery)"
            " ORDER BY s DESC, page LIMIT :limit OFFSET :offset"
        )
        rows = self.conn.execute(
            stmt,
            {"q": query, "rid": rid, "limit": per_page, "offset": (page_no - 1) * per_page},
        ).all()
        if not rows:
            total = self._count_pages(rid, query) if page_no > 1 else 0
            if not total:
                return SearchResult(0, [], self.facets({rid}), None)
            return SearchResult(total, [ReportHit(rid, 0.0, [])], self.facets({rid}), None)
        hl = _highlighter(plan)
        hit = ReportHit(
            rid, round(float(rows[0].s), 4), [PageHit(r.page, hl.snippet(r.body)) for r in rows]
        )
        return SearchResult(int(rows[0].n), [hit], self.facets({rid}), None)

    def _count_pages(self, rid: int, query: str) -> int:
        stmt = text(
            "SELECT count(*) FROM search_page WHERE report_id = :rid AND tsv @@ CAST(:q AS tsquery)"
        )
        return int(self.conn.scalar(stmt, {"rid": rid, "q": query}) or 0)

    def unit_holds(self, unit: Unit, rid: int) -> bool:
        """Return whether one report's metadata (not pages) matches a unit."""
        sql = SqlPlan(self)
        cond = sql.unit_where(unit, pages=False)
        stmt = text(f"SELECT {cond} FROM search_report r WHERE r.report_id = :rid")  # noqa: S608
        return bool(self.conn.scalar(stmt, {**sql.params, "rid": rid}))

    # "Mente du" and related reports.

    def suggest(
        self, parsed: Any, plan: Plan, allowed: set[int], total: int, visible: frozenset[int]
    ) -> str | None:
        """Return the query with misspelt words corrected, if that finds more reports."""
        replacements: dict[str, str] = {}
        for clause in plan.positive:
            for u in clause:
                if u.kind != "word" or not u.source or u.source.quoted or u.source.field:
                    continue
                own = len(self.matching(Plan(positive=[[u]]), allowed))
                if own >= SUGGEST_BELOW:
                    continue
                better = self._correct(u, allowed, own)
                if better:
                    replacements[u.source.text] = better
        if not replacements:
            return None
        new_text = query_text(parsed, replacements)
        if len(self.matching(self.compile(parse_query(new_text), visible), allowed)) <= total:
            return None
        return new_text

    def _correct(self, unit: Unit, allowed: set[int], own: int) -> str | None:
        stem = unit.stems[0]
        limits = correction_limits(stem, own)
        if limits is None or not allowed:
            return None
        maxdist, need = limits
        # pg_trgm ranks the visible vocabulary sharing the first two letters; the edit
        # distance then decides, as in the Whoosh backend.
        stmt = text(
            "SELECT term, count(*) AS seen, min(report_id) AS first FROM search_term"
            " WHERE term LIKE :start AND term <> :stem AND count > 0 AND report_id = ANY(:allowed)"
            " AND abs(length(term) - :len) <= :d GROUP BY term"
            " ORDER BY similarity(term, :stem) DESC, term LIMIT :n"
        )
        rows = self.conn.execute(
            stmt,
            {
                "start": stem[:2] + "%",
                "stem": stem,
                "allowed": sorted(allowed),
                "len": len(stem),
                "d": maxdist,
                "n": SUGGEST_CANDIDATES,
            },
        )
        first: dict[str, int] = {}
        seen: list[tuple[str, int]] = []
        for cand, count, rid in rows:
            first[cand] = rid
            seen.append((cand, count))
        best = best_correction(stem, seen, maxdist, need)
        if best is None:
            return None
        bodies = self.conn.scalars(
            text(
                "SELECT body FROM search_page WHERE report_id = :rid"
                " AND tsv @@ CAST(:q AS tsquery) ORDER BY page LIMIT 3"
            ),
            {"rid": first[best], "q": tsq(best)},
        )
        return surface_word(best, unit.words[0] if unit.words else stem, list(bodies))


def _ids(scope: frozenset[int] | None) -> list[int]:
    return sorted(scope or ())


def _spellings(parsed: ParsedQuery) -> set[str]:
    """Return every linking-s spelling (and its head) the compiler may ask about."""
    return spelling_lookups(
        stem for clause in parsed.clauses for term in clause.terms for stem in analyze(term.text)
    )


def _expansions_of(
    conn: Connection, stem_sets: list[tuple[str, ...]], scope: frozenset[int] | None
) -> list[tuple[str, ...]]:
    """Return, per set of first parts, the compounds most reports in ``scope`` hold."""
    parts, params = [], {"scope": _ids(scope), "n": PREFIX_MAX_EXPANSIONS}
    for k, stems in enumerate(stem_sets):
        stems = tuple(s for s in stems if len(s) >= 5)
        if not stems:
            continue
        # A range of the byte-ordered key per first part: an index scan, unlike LIKE 'x%'
        # with a bound pattern.
        ranges = []
        for i, stem in enumerate(stems):
            params[f"lo{k}_{i}"] = stem
            params[f"hi{k}_{i}"] = stem + "\U0010ffff"
            ranges.append(f"(term > :lo{k}_{i} AND term < :hi{k}_{i})")
        parts.append(
            f"(SELECT {k} AS k, term, count(*) AS c FROM search_term"  # noqa: S608 - binds only
            f" WHERE ({' OR '.join(ranges)}) AND count > 0 AND report_id = ANY(:scope)"
            " GROUP BY term ORDER BY count(*) DESC, term LIMIT :n)"
        )
    found: list[list[tuple[int, str]]] = [[] for _ in stem_sets]
    if parts:
        for k, term, c in conn.execute(text(" UNION ALL ".join(parts)), params):
            found[k].append((-c, term))
    # Python orders str by code point, which is the byte order of the C collation.
    return [tuple(t for _, t in sorted(rows)) for rows in found]


def _infos(conn: Connection, visible: frozenset[int]) -> dict[int, ReportInfo]:
    """Return what facets and filters need about the indexed reports among ``visible``."""
    return _infos_and_stats(conn, visible)[0]


def _infos_and_stats(
    conn: Connection, visible: frozenset[int], terms: set[str] | None = None
) -> tuple[dict[int, ReportInfo], int, float, set[str]]:
    """Return the visible reports' facet data, how many reports there are (and how long),
    and which of ``terms`` the visible reports' vocabulary holds."""
    stmt = text(
        "SELECT r.report_id, r.year, r.facets, s.n, s.avg,"
        " CASE WHEN row_number() OVER () = 1 THEN s.held END FROM"
        " (SELECT count(*) AS n, coalesce(avg(length), 0) AS avg, ARRAY(SELECT DISTINCT term"
        " FROM search_term WHERE term = ANY(CAST(:terms AS text[])) AND report_id = ANY(:ids))"
        " AS held FROM search_report) s"
        " LEFT JOIN search_report r ON r.report_id = ANY(:ids)"
    )
    out = {}
    n, avg = 0, 0.0
    found: set[str] = set()
    params = {"ids": sorted(visible), "terms": sorted(terms or ())}
    for rid, year, facets, total, mean, held in conn.execute(stmt, params):
        n, avg = total, mean
        if held is not None:
            found.update(held)
        if rid is None:
            continue
        out[rid] = ReportInfo(
            rid=rid,
            meta_doc=0,
            year=year,
            publisher=facets.get("publisher") or "",
            document_type=facets.get("document_type") or "",
            language=facets.get("language") or "",
            themes=tuple(facets.get("themes") or ()),
        )
    return out, max(int(n), 1), max(float(avg), 1.0), found


def _related(conn: Connection, rid: int, visible: frozenset[int], limit: int) -> list[int]:
    """Score visible reports by the distinctive words they share with report ``rid``."""
    meta = conn.scalar(select(search_report.c.meta).where(search_report.c.report_id == rid))
    if meta is None:
        return []
    infos = _infos(conn, visible)
    allowed = set(infos) - {rid}
    if not allowed:
        return []
    top = {t: n for t, n in meta.get("top_terms") or () if len(t) >= 3 and not t.isdigit()}
    n = max(int(conn.scalar(text("SELECT count(*) FROM search_report")) or 0), 1)
    df = dict(
        conn.execute(
            text(
                "SELECT term, count(*) FROM search_term WHERE term = ANY(:terms) AND count > 0"
                " GROUP BY term"
            ),
            {"terms": sorted(top)},
        ).all()
    )
    weighted = sorted(
        ((1 + math.log(top[t])) * math.log(1 + n / d), t) for t, d in df.items() if d >= 2
    )[-RELATED_TERMS:]
    weights = {t: w for w, t in weighted}
    scores: dict[int, float] = dict.fromkeys(allowed, 0.0)
    if weights:
        rows = conn.execute(
            text(
                "SELECT report_id, term, count FROM search_term WHERE term = ANY(:terms)"
                " AND report_id = ANY(:allowed)"
            ),
            {"terms": sorted(weights), "allowed": sorted(allowed)},
        )
        for other, term, tf in rows:
            scores[other] += weights[term] * tf * (K1 + 1) / (tf + K1)
    themes = set(infos[rid].themes) if rid in infos else set(meta.get("themes") or ())
    for other in allowed:
        shared = themes & set(infos[other].themes)
        if shared:
            scores[other] *= 1 + 0.25 * len(shared)
    ranked = sorted((s, -r) for r, s in scores.items() if s > 0)
    return [-r for _, r in reversed(ranked[-limit:])]


__all__ = ["PREFIX_BOOST", "PostgresBackend"]
