"""Benchmark library search: Whoosh or PostgreSQL indexing and query latency against SQLite FTS5."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from circle.documents.text import paginate_plain_text  # noqa: E402
from circle.search.analysis import analyze  # noqa: E402
from circle.search.query import parse_query  # noqa: E402
from library.search import ReportDoc, SearchQuery  # noqa: E402
from library.search.whoosh_backend import WhooshBackend  # noqa: E402

BYTES_PER_REPORT = 305_000  # 200 reports -> just over 60 MB of text
PUBLISHERS = [
    "VID vitenskapelige høgskole",
    "RKBU Nord",
    "Høgskolen i Østfold",
    "NOVA, OsloMet",
    "Husbanken",
    "Bufdir",
    "KS",
    "Universitetet i Agder",
]
TYPES = ["rapport", "masteroppgave", "kunnskapsoppsummering", "artikkel", "notat"]
THEMES = ["ettervern", "bolig", "samhandling", "skole", "psykisk helse", "arbeid", "rus"]
VISIBLE = frozenset({1, 2})

# (query text, filters): words, inflections, compounds, æøå, phrases, OR, exclusion, filters,
# a misspelling and off-topic words. Fixed so runs are comparable.
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("barnevern", {}),
    ("barnevernet", {}),
    ("ungdommer", {}),
    ("samarbeid", {}),
    ("overgangen til voksenlivet", {}),
    ('"overgangen til voksenlivet"', {}),
    ("boligsosialt arbeid", {}),
    ("husbanken", {}),
    ("ettervern bolig", {}),
    ("samhandling velferdssektorene", {}),
    ("psykisk helse", {}),
    ('"psykisk helse" rus', {}),
    ("nav OR husbanken", {}),
    ("barnevern -botrening", {}),
    ("forskningssirkel", {}),
    ("kommunene", {}),
    ("videregående opplæring", {}),
    ("sårbare overganger", {}),
    ("tverrfaglig samarbeid", {}),
    ("barnevern", {"year": "2017"}),
    ("ungdom bolig", {"document_type": "rapport"}),
    ("frafall skole", {}),
    ("oppfølging", {}),
    ("barnevrnet", {}),
    ("kvantefysikk", {}),
]


def seed_pages(seeds: Path) -> list[str]:
    """Return the seed reports cut into ~3,000-character pages."""
    pages: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        pages += [p for p in paginate_plain_text(path.read_text(encoding="utf-8")) if p.strip()]
    if not pages:
        raise SystemExit(f"no seed texts in {seeds}")
    return pages


def titles(seeds: Path) -> list[str]:
    """Return the seed reports' titles from metadata.json."""
    try:
        meta = json.loads((seeds / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["Rapport"]
    return [m.get("title") or "Rapport" for m in meta.values()]


def synthetic_library(seeds: Path, n: int, seed: int) -> list[ReportDoc]:
    """Return n reports made of seed pages shuffled across reports, with random metadata."""
    rnd = random.Random(seed)
    pool = seed_pages(seeds)
    names = titles(seeds)
    docs = []
    for i in range(1, n + 1):
        target = BYTES_PER_REPORT * rnd.uniform(0.6, 1.4)
        pages: list[str] = []
        size = 0
        while size < target:
            page = rnd.choice(pool)
            pages.append(page)
            size += len(page.encode("utf-8"))
        docs.append(
            ReportDoc(
                id=i,
                title=f"{rnd.choice(names)} ({i})",
                pages=pages,
                authors=[f"Forfatter {rnd.randint(1, 60)}"],
                year=rnd.randint(2005, 2024),
                publisher=rnd.choice(PUBLISHERS),
                document_type=rnd.choice(TYPES),
                language=rnd.choice(["nb", "nb", "nb", "nn"]),
                themes=rnd.sample(THEMES, k=rnd.randint(1, 3)),
                circle_id=None if rnd.random() < 0.7 else rnd.randint(1, 4),
            )
        )
    # Top up so N=200 always means at least 60 MB.
    need = BYTES_PER_REPORT * n * 0.99 - sum(_size(d) for d in docs)
    while need > 0:
        page = rnd.choice(pool)
        rnd.choice(docs).pages.append(page)
        need -= len(page.encode("utf-8"))
    return docs


def _size(doc: ReportDoc) -> int:
    return sum(len(p.encode("utf-8")) for p in doc.pages)


# ----------------------------------------------------------------------- FTS5


def fts5_match(text: str) -> str | None:
    """Translate a query into FTS5 syntax: stems become prefix terms, like our compounds."""
    parsed = parse_query(text)
    parts: list[str] = []
    negs: list[str] = []
    for clause in parsed.clauses:
        alts = []
        for term in clause.terms:
            if term.quoted or " " in term.text:
                words = re.findall(r"[^\W_]+", term.text.lower())
                alts.append('"' + " ".join(words) + '"')
            else:
                stems = analyze(term.text)
                if stems:
                    s = stems[0]
                    alts.append(f'"{s}"*' if len(s) >= 5 else f'"{s}"')
        if not alts:
            continue
        expr = alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"
        (negs if clause.negated else parts).append(expr)
    if not parts:
        return None
    match = " AND ".join(parts)
    for neg in negs:
        match = f"({match}) NOT {neg}"
    return match


class Fts5:
    """The same pages in SQLite FTS5, queried for the same grouped result."""

    def __init__(self, path: Path, docs: list[ReportDoc]) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            CREATE TABLE reports (rid INTEGER PRIMARY KEY, year INT, publisher TEXT,
                                  document_type TEXT, language TEXT, themes TEXT, circle_id INT);
            CREATE VIRTUAL TABLE pages USING fts5(
                body, rid UNINDEXED, page UNINDEXED,
                tokenize = 'unicode61 remove_diacritics 0');
            """
        )
        self.meta: dict[int, ReportDoc] = {}
        for d in docs:
            self.meta[d.id] = d
            self.db.execute(
                "INSERT INTO reports VALUES (?,?,?,?,?,?,?)",
                (
                    d.id,
                    d.year,
                    d.publisher,
                    d.document_type,
                    d.language,
                    "|".join(d.themes),
                    d.circle_id,
                ),
            )
            self.db.executemany(
                "INSERT INTO pages (body, rid, page) VALUES (?,?,?)",
                ((p, d.id, n) for n, p in enumerate(d.pages, 1)),
            )
        self.db.commit()

    def _args(self, match: str, filters: dict[str, str]) -> list[object]:
        year = filters.get("year")
        return [
            match,
            json.dumps(sorted(VISIBLE)),
            year,
            year,
            filters.get("document_type"),
            filters.get("document_type"),
        ]

    def search(self, text: str, filters: dict[str, str]) -> int:
        """Total, facets, top 10 reports and their 3 best pages with snippets."""
        match = fts5_match(text)
        if match is None:
            return 0
        args = self._args(match, filters)
        rids = [r for (r,) in self.db.execute(_SQL_MATCHED, args)]
        facets: Counter[tuple[str, object]] = Counter()
        for rid in rids:
            d = self.meta[rid]
            facets.update(
                [
                    ("year", d.year),
                    ("publisher", d.publisher),
                    ("document_type", d.document_type),
                    ("language", d.language),
                ]
            )
            facets.update(("theme", t) for t in d.themes)
        top = [r for r, _ in self.db.execute(_SQL_TOP_REPORTS, args)]
        if not top:
            return 0
        rows = self.db.execute(_SQL_PAGES, [match, json.dumps(top)]).fetchall()
        per: Counter[int] = Counter()
        shown = []
        for row in rows:
            per[row[0]] += 1
            if per[row[0]] <= 3:
                shown.append(row)
        return len(rids) + len(shown)

    def simple(self, text: str, filters: dict[str, str]) -> int:
        """Only the 30 best pages with snippets: no grouping, totals or facets."""
        match = fts5_match(text)
        if match is None:
            return 0
        return len(self.db.execute(_SQL_SIMPLE, self._args(match, filters)).fetchall())


# Visibility and filters are parameters (json_each takes the visible circle ids).
_SQL_MATCHED = """
SELECT DISTINCT rid FROM pages WHERE pages MATCH ? AND rid IN (SELECT rid FROM reports
  WHERE (circle_id IS NULL OR circle_id IN (SELECT value FROM json_each(?)))
    AND (? IS NULL OR year = CAST(? AS INT)) AND (? IS NULL OR document_type = ?))
"""
_SQL_TOP_REPORTS = """
SELECT rid, min(rank) AS best FROM pages WHERE pages MATCH ? AND rid IN (SELECT rid FROM reports
  WHERE (circle_id IS NULL OR circle_id IN (SELECT value FROM json_each(?)))
    AND (? IS NULL OR year = CAST(? AS INT)) AND (? IS NULL OR document_type = ?))
GROUP BY rid ORDER BY best LIMIT 10
"""
_SQL_PAGES = """
SELECT rid, page, snippet(pages, 0, '<mark>', '</mark>', '…', 24) FROM pages
WHERE pages MATCH ? AND rid IN (SELECT value FROM json_each(?)) ORDER BY rank LIMIT 200
"""
_SQL_SIMPLE = """
SELECT rid, page, snippet(pages, 0, '<mark>', '</mark>', '…', 24) FROM pages
WHERE pages MATCH ? AND rid IN (SELECT rid FROM reports
  WHERE (circle_id IS NULL OR circle_id IN (SELECT value FROM json_each(?)))
    AND (? IS NULL OR year = CAST(? AS INT)) AND (? IS NULL OR document_type = ?))
ORDER BY rank LIMIT 30
"""


def _visibility_db(path: Path, docs: list[ReportDoc]) -> sqlite3.Connection:
    """Return a database of the reports' circles, indexed as the library's report table is."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE report (id INTEGER PRIMARY KEY, circle_id INT);"
        "CREATE INDEX ix_report_circle_id ON report (circle_id);"
    )
    db.executemany("INSERT INTO report VALUES (?, ?)", ((d.id, d.circle_id) for d in docs))
    db.commit()
    return db


_SQL_VISIBLE = """
SELECT id FROM report WHERE circle_id IS NULL OR circle_id IN (SELECT value FROM json_each(?))
"""


# ---------------------------------------------------------------------- timing


def timed(
    fn: Callable[[str, dict[str, str]], object], rounds: int
) -> tuple[list[float], list[float]]:
    """Return wall and CPU ms of every query in every round, after one warm-up round."""
    for text, filters in QUERIES:
        fn(text, filters)
    wall, cpu = [], []
    for _ in range(rounds):
        for text, filters in QUERIES:
            t0, c0 = time.perf_counter(), time.process_time()
            fn(text, filters)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def p95(samples: list[float]) -> float:
    """Return the 95th percentile."""
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def _make_backend(kind: str, folder: Path, pg_url: str | None) -> Any:
    """Return an empty backend: Whoosh in ``folder`` or PostgreSQL in a schema of its own."""
    if kind == "whoosh":
        return WhooshBackend(folder)
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from library.search.pg_tables import search_report
    from library.search.postgres_backend import TABLES, PostgresBackend

    schema = f"bench_{folder.name}".replace("-", "_")
    with create_engine(pg_url, poolclass=NullPool).begin() as conn:  # type: ignore[arg-type]
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    engine = create_engine(  # type: ignore[arg-type]
        pg_url, pool_size=2, connect_args={"options": f"-csearch_path={schema},public"}
    )
    with engine.execution_options(schema_translate_map={None: schema}).begin() as conn:
        search_report.metadata.create_all(conn, tables=list(TABLES))
    return PostgresBackend(engine)


def run_backend(
    kind: str, docs: list[ReportDoc], tmp: Path, args: argparse.Namespace, pg_url: str | None
) -> dict[str, object]:
    """Index the library with one backend and time its queries."""
    mb = sum(_size(d) for d in docs) / 1e6
    log = (lambda *a: print(*a, file=sys.stderr)) if not args.quiet else (lambda *a: None)
    backend = _make_backend(kind, tmp / f"{kind}-full", pg_url)
    t0, c0 = time.perf_counter(), time.process_time()
    backend.rebuild(iter(docs))  # a generator, as from the database
    index_s, index_cpu = time.perf_counter() - t0, time.process_time() - c0
    log(f"{kind} rebuild: {index_s:.1f} s ({index_cpu:.1f} s CPU), {mb / index_s:.2f} MB/s")

    # One report per writer, as uploads do, into a separate index.
    sample = docs[: max(1, min(5, len(docs)))]
    single = _make_backend(kind, tmp / f"{kind}-single", pg_url)
    t0 = time.perf_counter()
    for d in sample:
        single.index_report(d)
    inc_rate = sum(_size(d) for d in sample) / 1e6 / (time.perf_counter() - t0)
    log(f"{kind} index_report: {inc_rate:.2f} MB/s over {len(sample)} reports")

    # The visible report ids come from the database on every search, as in the library.
    visibility = _visibility_db(tmp / f"reports-{kind}.db", docs)

    def search(text: str, filters: dict[str, str]) -> object:
        ids = frozenset(
            r for (r,) in visibility.execute(_SQL_VISIBLE, [json.dumps(sorted(VISIBLE))])
        )
        return backend.search(SearchQuery(text, ids, filters=filters))

    wall, cpu = timed(search, args.rounds)
    if args.verbose:
        for text, filters in QUERIES:
            r = search(text, filters)
            log(f"  {text!r:40} {filters or ''} total={r.total} suggestion={r.suggestion}")
    log(f"{kind}: p50 {statistics.median(wall):.1f} ms, p95 {p95(wall):.1f} ms")
    backend.close()
    return {
        "backend": kind,
        "reports": len(docs),
        "mb": round(mb, 1),
        "index_mb_per_s": round(mb / index_s, 2),
        "index_mb_per_s_cpu": round(mb / index_cpu, 2),
        "index_report_mb_per_s": round(inc_rate, 2),
        "query_p50_ms": round(statistics.median(wall), 1),
        "query_p95_ms": round(p95(wall), 1),
        "query_p95_ms_cpu": round(p95(cpu), 1),
        "queries": len(QUERIES),
        "rounds": args.rounds,
    }


def run(args: argparse.Namespace, pg_url: str | None = None) -> list[dict[str, object]]:
    """Build the indexes of the chosen backends and SQLite FTS5, time them, return figures."""
    seeds = Path(args.seeds)
    docs = synthetic_library(seeds, args.reports, args.seed)
    mb = sum(_size(d) for d in docs) / 1e6
    log = (lambda *a: print(*a, file=sys.stderr)) if not args.quiet else (lambda *a: None)
    log(f"{len(docs)} reports, {mb:.1f} MB of text")
    kinds = ["whoosh", "postgresql"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        figures = [run_backend(kind, docs, Path(tmp), args, pg_url) for kind in kinds]
        t0 = time.perf_counter()
        fts = Fts5(Path(tmp) / "fts5.db", docs)
        fts_index_s = time.perf_counter() - t0
        ft, ft_cpu = timed(fts.search, args.rounds)
        fs, _ = timed(fts.simple, args.rounds)
        log(
            f"fts5: p50 {statistics.median(ft):.1f} ms, p95 {p95(ft):.1f} ms "
            f"(top-30 pages only: p95 {p95(fs):.1f} ms)"
        )
    fts_figures = {
        "fts5_index_mb_per_s": round(mb / fts_index_s, 2),
        "fts5_query_p50_ms": round(statistics.median(ft), 1),
        "fts5_query_p95_ms": round(p95(ft), 1),
        "fts5_query_p95_ms_cpu": round(p95(ft_cpu), 1),
        "fts5_top30_pages_p95_ms": round(p95(fs), 1),
    }
    return [f | fts_figures for f in figures]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--seeds", default=str(REPO.parent / "shared" / "seeds"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON last")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print each query's totals")
    parser.add_argument("--backend", choices=("whoosh", "postgresql", "both"), default="whoosh")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="PostgreSQL for --backend postgresql|both (else a throwaway server is started)",
    )
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        pg_url = args.database_url or None
        if args.backend != "whoosh" and pg_url is None:
            sys.path.insert(0, str(REPO / "tests"))
            from run_suite import throwaway_postgres

            pg_url = stack.enter_context(throwaway_postgres())
            if pg_url is None:
                parser.error("no PostgreSQL server binaries found; pass --database-url")
        figures = run(args, pg_url)
    for item in figures:
        if args.json:
            print(json.dumps(item))
        else:
            for key, value in item.items():
                print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
