"""Turn a compiled query plan into PostgreSQL tsquery text and SQL conditions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from circle.search.analysis import PREFIX_BOOST
from circle.search.pgtext import tsq
from library.search.matching import (
    K1,
    W_AUTHOR,
    W_KEYWORDS,
    W_PUBLISHER,
    W_TITLE,
    B,
    Plan,
    Unit,
)

PHRASE_PAGE_BONUS = 0.5
# ts_rank normalisation 1: divide by 1 + log(document length), as BM25 favours short pages.
RANK_NORM = 1


class _Vocabulary(Protocol):
    def expansions(self, unit: Unit) -> tuple[str, ...]: ...

    def unit_holds(self, unit: Unit, rid: int) -> bool: ...


def _any(queries: Iterable[str]) -> str:
    items = [q for q in queries if q]
    return items[0] if len(items) == 1 else " | ".join(f"({q})" for q in items)


def phrase_query(spellings: Iterable[tuple[str, ...]]) -> str:
    """Return a tsquery matching any spelling of a phrase, its words in a row."""
    return _any(" <-> ".join(tsq(s) for s in spelling) for spelling in spellings)


class SqlPlan:
    """SQL fragments for one plan, with their bind parameters collected in ``params``.

    ``expanded`` lets page queries take a word's compounds too (the second look for reports
    found only through compounds, and searching inside one report).
    """

    def __init__(self, vocabulary: _Vocabulary, *, expanded: bool = False) -> None:
        self.vocabulary = vocabulary
        self.expanded = expanded
        self.params: dict[str, Any] = {}
        # The per-report BM25 sums the score reads from ``bm`` (see ``matching_sql``).
        self.sums: list[str] = []

    def q(self, query: str) -> str:
        """Bind a tsquery text and return the SQL expression for it."""
        name = f"q{len(self.params)}"
        self.params[name] = query
        return f"CAST(:{name} AS tsquery)"

    def bind(self, value: Any) -> str:
        """Bind a plain value and return its placeholder."""
        name = f"v{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    # ---------------------------------------------------------------- queries

    def word_terms(self, u: Unit, expanded: bool) -> str:
        """Return the tsquery of a word in any spelling, and its compounds if asked."""
        terms = list(u.terms) + (list(self.vocabulary.expansions(u)) if expanded else [])
        return " | ".join(tsq(t) for t in dict.fromkeys(terms))

    def page_query(self, u: Unit, expanded: bool) -> str:
        """Return the tsquery a page must match for an on-page unit."""
        if u.kind == "phrase":
            return phrase_query(u.spellings())
        return self.word_terms(u, expanded)

    def _field_query(self, u: Unit) -> str:
        if len(u.stems) > 1:
            return phrase_query(u.spellings())
        return self.word_terms(u, True)

    # ---------------------------------------------------------------- reports

    def unit_where(self, u: Unit, *, pages: bool = True) -> str:
        """Return the SQL condition on ``search_report r`` for one unit."""
        if u.kind == "year":
            lo, hi = u.years or (0, -1)
            return f"(r.year BETWEEN {self.bind(lo)} AND {self.bind(hi)})"
        if u.kind == "field":
            column = {"author": "r.author", "publisher": "r.publisher"}.get(
                u.field or "", "r.title"
            )
            return f"(coalesce({column} @@ {self.q(self._field_query(u))}, false))"
        if u.kind == "word":
            exact = self.q(self.word_terms(u, False))
            terms = list(u.terms) + list(self.vocabulary.expansions(u) if u.expand else ())
            author = self.q(tsq(u.words[0] if u.words else u.stems[0]))
            return (
                f"({self.in_text(terms)} OR r.title @@ {exact} OR r.keywords @@ {exact}"
                f" OR r.publisher @@ {exact} OR r.author @@ {author})"
            )
        phrase = self.q(phrase_query(u.spellings()))
        on_pages = (
            # Only placeholders are formatted in: every value is a bind parameter.
            f" OR EXISTS (SELECT 1 FROM search_page p WHERE p.report_id = r.report_id"  # noqa: S608
            f" AND p.tsv @@ {phrase})"
            if pages
            else ""
        )
        return (
            f"(r.title @@ {phrase} OR r.keywords @@ {phrase} OR r.publisher @@ {phrase}{on_pages})"
        )

    def report_where(self, plan: Plan) -> str:
        """Return the condition: every positive clause holds and no negative one."""
        parts = ["(" + " OR ".join(self.unit_where(u) for u in c) + ")" for c in plan.positive]
        parts += ["NOT (" + " OR ".join(self.unit_where(u) for u in c) + ")" for c in plan.negative]
        return " AND ".join(parts) or "TRUE"

    def report_score(self, plan: Plan) -> str:
        """Return a relevance expression: content, then title, keywords, author and publisher."""
        terms = []
        for clause in plan.positive:
            for u in clause:
                terms.append(self._unit_score(u))
        return "(" + " + ".join(t for t in terms if t) + ")" if any(terms) else "0"

    def in_text(self, terms: Iterable[str]) -> str:
        """Return whether report ``r``'s pages hold any of the terms (from the vocabulary)."""
        # IN (subquery) is hashed once over the plan's term rows (``tt``), for all reports.
        return (
            "r.report_id IN (SELECT t.report_id FROM tt t"  # noqa: S608
            f" WHERE t.term = ANY({self.bind(list(dict.fromkeys(terms)))}))"
        )

    def content_bm25(self, terms: Iterable[str], boost: float = 1.0) -> str:
        """Return BM25 of the terms over each report's whole text, as the Whoosh backend.

        Every unit's sum is one aggregate of the same grouped pass over the plan's term rows
        (``bm``), not a subquery per report.
        """
        terms = list(dict.fromkeys(terms))
        if not terms:
            return "0"
        name = f"s{len(self.sums)}"
        self.sums.append(
            f"sum(CASE WHEN t.term = ANY({self.bind(terms)}) THEN v.idf * t.count * {K1 + 1}"
            f" / (t.count + {K1} * ({1 - B} + {B} * h.length / :avg_length)) END) AS {name}"
        )
        return f"{boost} * coalesce(bm.{name}, 0)"

    def idf(self, stems: Iterable[str]) -> str:
        """Return the largest idf among the stems (from ``idf``), 1 without stems."""
        stems = list(dict.fromkeys(stems))
        if not stems:
            return "1.0"
        return (
            "coalesce((SELECT max(v.idf) FROM idf v"  # noqa: S608 - placeholders only
            f" WHERE v.term = ANY({self.bind(stems)})), 1.0)"
        )

    def _field_bonus(self, column: str, query: str, weight: float, stems: Iterable[str]) -> str:
        # A short field holding the word scores about its idf, as BM25 gives it.
        idf = self.idf(stems)
        return f"{weight} * {idf} * (coalesce({column} @@ {self.q(query)}, false))::int"

    def matching_sql(self, plan: Plan, terms: list[str]) -> str:
        """Return one statement scoring every report in ``:allowed`` that matches the plan.

        The plan's vocabulary rows (``terms``: every spelling and compound of every unit) are
        read once; how many reports hold each term (for idf over ``:n`` reports), which
        reports hold a word and the BM25 sums all come from those rows.
        """
        where = self.report_where(plan)
        score = self.report_score(plan)
        names = self.bind(terms)
        sql = (
            "WITH tt AS MATERIALIZED (SELECT t.term, t.report_id, t.count"  # noqa: S608
            f" FROM search_term t WHERE t.term = ANY({names}) AND t.count > 0),"
            " idf AS MATERIALIZED (SELECT v.term, ln(1 + (CAST(:n AS float8) - coalesce(d.df, 0)"
            " + 0.5) / (coalesce(d.df, 0) + 0.5)) AS idf"
            f" FROM unnest(CAST({names} AS text[])) AS v(term)"
            " LEFT JOIN (SELECT term, count(*) AS df FROM tt GROUP BY term) d ON d.term = v.term),"
            " hit AS MATERIALIZED (SELECT r.report_id, r.length FROM search_report r"
            f" WHERE r.report_id = ANY(:allowed) AND {where})"
        )
        if self.sums:
            sql += (
                f", bm AS (SELECT t.report_id, {', '.join(self.sums)} FROM tt t"  # noqa: S608
                " JOIN idf v ON v.term = t.term JOIN hit h ON h.report_id = t.report_id"
                " GROUP BY t.report_id)"
            )
        sql += f" SELECT r.report_id, {score} FROM search_report r JOIN hit USING (report_id)"  # noqa: S608
        if self.sums:
            sql += " LEFT JOIN bm USING (report_id)"
        return sql

    def _unit_score(self, u: Unit) -> str:
        if u.kind == "word":
            exact = self.word_terms(u, False)
            author = tsq(u.words[0] if u.words else u.stems[0])
            score = " + ".join(
                [
                    self.content_bm25(u.terms),
                    self._field_bonus("r.title", exact, W_TITLE, u.terms),
                    self._field_bonus("r.keywords", exact, W_KEYWORDS, u.terms),
                    self._field_bonus("r.publisher", exact, W_PUBLISHER, u.terms),
                    self._field_bonus("r.author", author, W_AUTHOR, u.terms),
                ]
            )
            compounds = self.vocabulary.expansions(u)
            if compounds:
                # Compounds only score reports lacking the word itself, and lower.
                has = self.q(exact)
                score += (
                    f" + CASE WHEN {self.in_text(u.terms)} OR r.title @@ {has} THEN 0"
                    f" ELSE {self.content_bm25(compounds, PREFIX_BOOST)} END"
                )
            return score
        if u.kind == "phrase":
            n = len(u.stems)
            title = self._field_bonus("r.title", phrase_query(u.spellings()), W_TITLE * n, ())
            return f"{self.content_bm25(u.all_terms())} + {title}"
        if u.kind == "field":
            column = {"author": "r.author", "publisher": "r.publisher"}.get(
                u.field or "", "r.title"
            )
            boost = W_AUTHOR if u.field == "author" else W_TITLE
            return self._field_bonus(column, self._field_query(u), boost, u.stems[:1])
        return ""

    # ------------------------------------------------------------------ pages

    def best_pages_sql(self, plan: Plan) -> str | None:
        """Return SQL for the best ``:k`` pages of each report in ``:rids``, bodies included.

        A phrase-bearing clause keeps only the pages holding one of its phrases or words in
        a report that has such a page, so a page shown for a phrase holds it.
        """
        units = [u for c in plan.positive for u in c if u.on_pages]
        if not units:
            return None
        every = self.q(_any(self.page_query(u, self.expanded) for u in units))
        bonus = "".join(
            f" + {PHRASE_PAGE_BONUS} * (p.tsv @@ {self.q(self.page_query(u, False))})::int"
            for u in units
            if u.kind == "phrase"
        )
        flags, keeps = [], []
        for i, clause in enumerate(plan.positive):
            if not any(u.kind == "phrase" for u in clause):
                continue
            accepted = self.q(_any(self.page_query(u, self.expanded) for u in clause if u.on_pages))
            flags.append(f", (p.tsv @@ {accepted}) AS f{i}")
            keeps.append(f"(f{i} OR NOT bool_or(f{i}) OVER (PARTITION BY report_id))")
        keep = " AND ".join(keeps) or "TRUE"
        return (
            "WITH hits AS (SELECT p.report_id, p.page,"  # noqa: S608 - placeholders only
            f" ts_rank(p.tsv, {every}, {RANK_NORM}){bonus} AS score{''.join(flags)}"
            " FROM search_page p WHERE p.report_id = ANY(:rids)"
            f" AND p.tsv @@ {every}),"
            f" kept AS (SELECT report_id, page, score, {keep} AS keep FROM hits),"
            " ranked AS (SELECT report_id, page, row_number() OVER"
            " (PARTITION BY report_id ORDER BY score DESC, page) AS n FROM kept WHERE keep)"
            " SELECT k.report_id, k.page, p.body FROM ranked k JOIN search_page p"
            " ON p.report_id = k.report_id AND p.page = k.page WHERE k.n <= :k"
            " ORDER BY k.report_id, k.n"
        )

    def inside_query(self, plan: Plan, rid: int) -> str | None:
        """Return the tsquery pages of one report must match (full AND/OR/NOT)."""
        if plan.empty:
            return None
        musts = []
        for clause in plan.positive:
            if any(not u.on_pages and self.vocabulary.unit_holds(u, rid) for u in clause):
                continue  # the report's metadata satisfies it, so every page does
            alts = [self.page_query(u, True) for u in clause if u.on_pages]
            if not alts:
                return None
            musts.append(f"({_any(alts)})")
        if not musts:
            return None
        nots = []
        for clause in plan.negative:
            for u in clause:
                if not u.on_pages:
                    if self.vocabulary.unit_holds(u, rid):
                        return None
                    continue
                nots.append(self.page_query(u, False))
        query = " & ".join(musts)
        if nots:
            query += f" & !({_any(nots)})"
        return query
