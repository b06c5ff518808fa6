"""PostgreSQL text search helpers every search table uses: the tsvector column type and the
literals that carry terms analysed in Python (so both backends index the same words)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator

MAX_POSITION = 16383  # PostgreSQL keeps positions 1..16383
MAX_POSITIONS_PER_TERM = 256
MAX_LEXEME_BYTES = 2000


class TSVector(TypeDecorator):
    """A tsvector on PostgreSQL; plain text elsewhere, where the table stays unused."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):  # noqa: ANN001, ANN201
        """Return TSVECTOR on PostgreSQL."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TSVECTOR())
        return dialect.type_descriptor(Text())


def tsq(term: str) -> str:
    """Return a lexeme quoted for tsquery or tsvector input."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(terms: Iterable[str] = (), counts: dict[str, int] | None = None) -> str:
    """Return tsvector input text for analysed terms (with positions) or term counts."""
    positions: defaultdict[str, list[int]] = defaultdict(list)
    if counts is not None:
        for term, n in counts.items():
            positions[term] = list(range(1, min(n, MAX_POSITIONS_PER_TERM) + 1))
    for i, term in enumerate(terms, 1):
        plist = positions[term]
        if len(plist) < MAX_POSITIONS_PER_TERM:
            plist.append(min(i, MAX_POSITION))
    parts = []
    for term, plist in positions.items():
        if not term or len(term.encode("utf-8")) > MAX_LEXEME_BYTES:
            continue
        parts.append(tsq(term) + ":" + ",".join(map(str, sorted(set(plist)))))
    return " ".join(parts)
