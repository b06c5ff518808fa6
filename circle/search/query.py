"""Parse the library's search syntax: words, "phrases", -exclude, OR and field:value."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

# Users type Norwegian field names as often as English ones.
FIELD_ALIASES = {
    "title": "title",
    "tittel": "title",
    "author": "author",
    "forfatter": "author",
    "publisher": "publisher",
    "utgiver": "publisher",
    "year": "year",
    "år": "year",
    "aar": "year",
}
OR_WORDS = frozenset({"OR", "ELLER"})
AND_WORDS = frozenset({"AND", "OG"})
NOT_WORDS = frozenset({"NOT", "IKKE"})

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 24

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‟": '"'})
_TOKEN_RE = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[^\W\d_]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))'
)
_YEAR_RE = re.compile(r"^(\d{4})(?:\s*(?:-|\.\.|–)\s*(\d{4}))?$")


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase, optionally limited to a field."""

    text: str
    field: str | None = None
    quoted: bool = False


@dataclass(frozen=True)
class Clause:
    """Alternatives joined by OR; a negated clause excludes what it matches."""

    terms: tuple[Term, ...]
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """Clauses that must all hold (negated ones must all fail)."""

    clauses: tuple[Clause, ...]

    @property
    def positive(self) -> tuple[Clause, ...]:
        """Return the clauses that must match."""
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        """Return the clauses that must not match."""
        return tuple(c for c in self.clauses if c.negated)


def normalise_query(text: str) -> str:
    """Return the query text in NFKC with typographic quotes made plain."""
    return unicodedata.normalize("NFKC", text or "").translate(_QUOTES)[:MAX_QUERY_CHARS]


def parse_year(value: str) -> tuple[int, int] | None:
    """Return the inclusive year range written as ``2017`` or ``2015-2018``."""
    m = _YEAR_RE.match(value.strip())
    if not m:
        return None
    first = int(m.group(1))
    last = int(m.group(2) or first)
    return (min(first, last), max(first, last))


def parse_query(text: str, fields: Mapping[str, str] = FIELD_ALIASES) -> ParsedQuery:
    """Parse a query string into AND-ed clauses of OR-ed terms.

    ``fields`` maps the field names a search knows (lower case) to its own names; any other
    name before a colon is searched as typed.
    """
    clauses: list[Clause] = []
    join_next = False
    negate_next = False
    for m in _TOKEN_RE.finditer(normalise_query(text)):
        neg = bool(m.group("neg")) or negate_next
        negate_next = False
        field_name = m.group("field")
        phrase = m.group("phrase")
        word = m.group("word")
        if not neg and field_name is None and word is not None:
            if word in OR_WORDS:
                join_next = bool(clauses) and not clauses[-1].negated
                continue
            if word in AND_WORDS:
                continue
            if word in NOT_WORDS:
                negate_next = True
                continue
        field = fields.get(field_name.lower()) if field_name else None
        if field_name and field is None:
            # "http:", "kl:" and the like are not fields: search the text as typed.
            word = f"{field_name}:{word}" if word is not None else None
            phrase = f"{field_name} {phrase}" if phrase is not None else None
        value = phrase if phrase is not None else word
        if value is None or not value.strip(" -"):
            continue
        term = Term(value.strip(), field, quoted=phrase is not None)
        if join_next and not neg:
            last = clauses[-1]
            clauses[-1] = Clause(last.terms + (term,), last.negated)
        else:
            clauses.append(Clause((term,), neg))
        join_next = False
        if len(clauses) >= MAX_CLAUSES:
            break
    return ParsedQuery(tuple(clauses))


def query_text(parsed: ParsedQuery, replacements: Mapping[str, str]) -> str:
    """Return query text for ``parsed`` with the terms in ``replacements`` written anew."""
    return " ".join(_clause_text(c, replacements) for c in parsed.clauses)


def _clause_text(clause: Clause, replacements: Mapping[str, str]) -> str:
    parts = []
    for t in clause.terms:
        value = replacements.get(t.text, t.text)
        value = f'"{value}"' if t.quoted else value
        parts.append(f"{t.field}:{value}" if t.field else value)
    text = " OR ".join(parts)
    return f"-{text}" if clause.negated else text
