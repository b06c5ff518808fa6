"""The site search on PostgreSQL: one row per entry with a tsvector of its Norwegian terms.

The terms are analysed in Python by the same Norwegian analysis as the Whoosh index (stems,
stop words), so both backends find the same words; compounds are found by prefix (``:*``).
On SQLite the table exists but stays empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Engine,
    Index,
    Integer,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    delete,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert

from circle.extensions import db
from circle.hooks import SearchEntry
from circle.identity import exempt
from circle.search.analysis import analyze
from circle.search.pgtext import TSVector, tsq, tsvector_literal
from circle.search.site import Alt, SitePlan, StoredEntry, entry_digest

_COPY = exempt("a copy of text the guard scanned when it was saved in its own area")

search_entry = Table(
    "search_entry",
    db.metadata,
    Column("key", Text, primary_key=True, info=_COPY),
    Column("kind", Text, nullable=False, info=_COPY),
    Column("ref_id", Integer, nullable=False),
    Column("circle_id", Integer, nullable=False),
    Column("title", Text, nullable=False, info=_COPY),
    Column("body", Text, nullable=False, info=_COPY),
    Column("url", Text, nullable=False, info=_COPY),
    Column("day", Date, nullable=True),
    Column("digest", Text, nullable=False, info=_COPY),
    Column("tsv", TSVector, nullable=False, info=_COPY),
    Index("ix_search_entry_tsv", "tsv", postgresql_using="gin"),
    Index("ix_search_entry_circle_kind", "circle_id", "kind"),
)


def _alt_tsquery(alt: Alt) -> str:
    # Titles are weight A in the row's tsvector: "title:" asks for that weight only.
    weight = "A" if alt.title_only else ""
    if len(alt.stems) > 1:
        part = ":" + weight if weight else ""
        return "(" + " <-> ".join(tsq(s) + part for s in alt.stems) + ")"
    if alt.prefix:
        return tsq(alt.stems[0]) + ":*" + weight
    return tsq(alt.stems[0]) + (":" + weight if weight else "")


def plan_tsquery(plan: SitePlan) -> str:
    """Return tsquery input text for a plan."""

    def clause(alts: tuple[Alt, ...]) -> str:
        return "(" + " | ".join(_alt_tsquery(a) for a in alts) + ")"

    parts = [clause(c) for c in plan.positive]
    parts += ["!" + clause(c) for c in plan.negative]
    return " & ".join(parts)


def _row(entry: SearchEntry) -> dict[str, object]:
    # Bound as p_<column>: SQLAlchemy keeps a column's own name for its VALUES parameter.
    return {"p_" + name: value for name, value in _values(entry).items()}


def _values(entry: SearchEntry) -> dict[str, object]:
    return {
        "key": entry.key,
        "kind": entry.kind,
        "ref_id": int(entry.key.partition(":")[2]),
        "circle_id": entry.circle_id,
        "title": entry.title,
        "body": entry.body,
        "url": entry.url,
        "day": entry.date,
        "digest": entry_digest(entry),
        "title_tsv": tsvector_literal(analyze(entry.title)),
        "body_tsv": tsvector_literal(analyze(entry.body)),
    }


def _bound_values() -> dict[str, object]:
    values: dict[str, object] = {c: bindparam("p_" + c) for c in _row_columns()}
    title = func.setweight(
        cast(bindparam("p_title_tsv"), postgresql.TSVECTOR), literal_column("'A'")
    )
    values["tsv"] = title.op("||")(cast(bindparam("p_body_tsv"), postgresql.TSVECTOR))
    return values


class PostgresSiteBackend:
    """Site entries in the search_entry table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def upsert(self, entries: Iterable[SearchEntry]) -> None:
        """Add or replace entries by key."""
        rows = [_row(e) for e in entries]
        if not rows:
            return
        t = search_entry
        stmt = insert(t).values(_bound_values())
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.key],
            set_={c: stmt.excluded[c] for c in (*_row_columns(), "tsv") if c != "key"},
        )
        with self.engine.begin() as conn:
            conn.execute(stmt, rows)

    def delete(self, keys: Iterable[str]) -> None:
        """Remove entries by key."""
        keys = list(keys)
        if keys:
            with self.engine.begin() as conn:
                conn.execute(delete(search_entry).where(search_entry.c.key.in_(keys)))

    def rebuild(self, entries: Iterable[SearchEntry]) -> int:
        """Replace every row in one transaction (readers see the old rows until it commits).

        Writers wait for it: the table is locked before the entries are read, so an upsert or
        delete of a `search.index` job meanwhile lands after the new rows, never under them.
        """
        with self.engine.begin() as conn:
            conn.execute(text("LOCK TABLE search_entry IN SHARE ROW EXCLUSIVE MODE"))
            rows = [_row(e) for e in entries]
            conn.execute(delete(search_entry))
            if rows:
                conn.execute(search_entry.insert().values(_bound_values()), rows)
        return len(rows)

    def digests(self) -> dict[str, str]:
        """Return each indexed key with its digest."""
        t = search_entry
        with self.engine.connect() as conn:
            return {key: digest for key, digest in conn.execute(select(t.c.key, t.c.digest))}

    def match(
        self, plan: SitePlan, circle_id: int, visible: dict[str, frozenset[int]]
    ) -> list[tuple[str, float]]:
        """Return (key, score) of matching entries among the visible ones."""
        t = search_entry
        allowed = _allowed(visible)
        if allowed is None:
            return []
        q = cast(literal(plan_tsquery(plan)), postgresql.TSQUERY)
        stmt = select(t.c.key, func.ts_rank(t.c.tsv, q)).where(
            t.c.circle_id == circle_id, t.c.tsv.op("@@")(q), allowed
        )
        with self.engine.connect() as conn:
            return [(key, float(score)) for key, score in conn.execute(stmt)]

    def present_terms(
        self, terms: set[str], circle_id: int, visible: dict[str, frozenset[int]]
    ) -> set[str]:
        """Return those of ``terms`` that a title or text of a visible entry holds."""
        allowed = _allowed(visible)
        if allowed is None or not terms:
            return set()
        t = search_entry
        asked = sorted(terms)
        words = (
            func.unnest(bindparam("terms", asked, postgresql.ARRAY(Text)))
            .table_valued("word")
            .render_derived(name="asked")
        )
        held = (
            select(literal(1))
            .where(
                t.c.circle_id == circle_id,
                t.c.tsv.op("@@")(cast(func.quote_literal(words.c.word), postgresql.TSQUERY)),
                allowed,
            )
            .exists()
        )
        with self.engine.connect() as conn:
            return set(conn.scalars(select(words.c.word).where(held)))

    def near_terms(
        self, stem: str, maxdist: int, circle_id: int, visible: dict[str, frozenset[int]]
    ) -> list[tuple[str, int]]:
        """Return (term, visible entries holding it) of near terms in the visible vocabulary."""
        allowed = _allowed(visible)
        if allowed is None:
            return []
        t = search_entry
        lexemes = (
            func.unnest(t.c.tsv)
            .table_valued("lexeme", "positions", "weights")
            .render_derived(name="lexemes")
        )
        word = lexemes.c.lexeme
        stmt = (
            select(word, func.count())
            .select_from(t)
            .join(lexemes, literal(True))
            .where(
                t.c.circle_id == circle_id,
                allowed,
                word.startswith(stem[:2], autoescape=True),
                func.abs(func.length(word) - len(stem)) <= maxdist,
                word != stem,
            )
            .group_by(word)
        )
        with self.engine.connect() as conn:
            return [(w, int(n)) for w, n in conn.execute(stmt)]

    def load(self, keys: list[str]) -> dict[str, StoredEntry]:
        """Return the stored entries of these keys."""
        if not keys:
            return {}
        t = search_entry
        stmt = select(t.c.key, t.c.kind, t.c.circle_id, t.c.title, t.c.body, t.c.url, t.c.day)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.where(t.c.key.in_(keys)))
            return {row[0]: StoredEntry(*row) for row in rows}


def _allowed(visible: dict[str, frozenset[int]]) -> Any:
    """Return the clause a visible entry meets, or None when the searcher sees nothing."""
    t = search_entry
    kinds = [
        and_(
            t.c.kind == kind,
            t.c.ref_id == any_(bindparam(f"ids_{kind}", sorted(ids), postgresql.ARRAY(Integer))),
        )
        for kind, ids in visible.items()
        if ids
    ]
    return or_(false(), *kinds) if kinds else None


def _row_columns() -> tuple[str, ...]:
    return ("key", "kind", "ref_id", "circle_id", "title", "body", "url", "day", "digest")
