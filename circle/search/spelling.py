"""Spelling suggestions ("Mente du"): edit distance, which near word to offer, and its form."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from circle.search.analysis import stemmer

# A query finding fewer results than this is offered a corrected spelling, if one finds more.
SUGGEST_BELOW = 3
# Only a word of at least this many letters is corrected.
CORRECT_MIN_LENGTH = 4
# Near words are looked for among at most this many index terms sharing the first two letters.
SPELL_SCAN_LIMIT = 20_000


def correction_limits(stem: str, own: int) -> tuple[int, int] | None:
    """Return (edits allowed, results a correction needs) for a query word, or None.

    A word that does occur is rarely a typo: only a near twin far more common is offered. A
    word found nowhere may be up to two edits off (one if it is short).
    """
    if len(stem) < CORRECT_MIN_LENGTH or not stem.isalpha():
        return None
    maxdist = 1 if own or len(stem) <= 5 else 2
    need = max(SUGGEST_BELOW, 10 * own) if own else 1
    return maxdist, need


def best_correction(
    stem: str, candidates: Iterable[tuple[str, int]], maxdist: int, need: int
) -> str | None:
    """Return the candidate ``(term, results)`` nearest to ``stem``, the more common on a tie."""
    best: tuple[int, int, str] | None = None
    for cand, seen in candidates:
        if cand == stem or seen < need:
            continue
        dist = edit_distance(stem, cand, maxdist)
        if dist > maxdist:
            continue
        key = (dist, -seen, cand)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def surface_word(stem: str, typed: str, texts: Iterable[str]) -> str:
    """Return a word of ``texts`` whose stem is ``stem``, the closest to what was typed."""
    st = stemmer()
    found: Counter[str] = Counter()
    pattern = re.compile(r"(?<![^\W_])" + re.escape(stem) + r"[^\W_]*", re.IGNORECASE)
    for text in texts:
        found.update(w.lower() for w in pattern.findall(text) if st(w.lower()) == stem)
    if found:
        return min(found, key=lambda w: (edit_distance(w, typed), -found[w], w))
    guess = stem + typed[len(st(typed)) :]
    return guess if st(guess) == stem else stem


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Return the edit distance counting a swap of neighbours as one edit (OSA)."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                d = min(d, prev2[j - 2] + 1)
            cur.append(d)
        if limit is not None and min(cur) > limit:
            return limit + 1  # every alignment is already too far apart
        prev2, prev = prev, cur
    return prev[-1]
