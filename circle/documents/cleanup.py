"""Page text cleaned for search: NFKC, no soft hyphens, line-end hyphens or running headers."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HYPHEN_BREAK_RE = re.compile(r"([^\W\d_]+)[-\u2010]\n(?=([^\W_]+))")
_ROMAN_RE = re.compile(r"^[ivxlcdm]{1,7}$")
# Words after which a line-final hyphen marks a suspended compound: "barne- og ungdomsvern".
_CONNECTORS = frozenset({"og", "eller", "samt", "enn", "til", "and", "or", "nor", "und", "och"})
_EDGE_LINES = 3


def normalise_pages(pages: list[str]) -> list[str]:
    """Return pages cleaned for search: NFKC, no soft hyphens, headers or line-end hyphens."""
    cleaned = [_clean(p) for p in pages]
    cleaned = _drop_running_lines(cleaned)
    return [_tidy(_join_hyphenated(p)) for p in cleaned]


def has_words(text: str) -> bool:
    """Tell whether a text holds at least three words (not just numbers or symbols)."""
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 3


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    # A soft hyphen at a line end marks where the word was broken: join the halves.
    text = re.sub(r"\u00ad[ \t]*\n[ \t]*", "", text).replace("\u00ad", "")
    text = _CONTROL_RE.sub("", text).replace("\t", " ")
    text = re.sub(r" {2,}", " ", text)
    return re.sub(r" *\n *", "\n", text)


def _join_hyphenated(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        before, after = m.group(1), m.group(2)
        if after.lower() in _CONNECTORS:
            return m.group(0)
        if len(before) == 1 or (before.isupper() and len(before) > 1) or not after[0].islower():
            return before + "-"  # e-post, NAV-kontoret, Nord-Norge, 0-24: keep the hyphen
        return before

    return _HYPHEN_BREAK_RE.sub(repl, text)


def _line_key(line: str) -> str | None:
    s = re.sub(r"\s+", " ", line.strip().lower())
    if not s or len(s) > 150:
        return None
    if _ROMAN_RE.match(s):
        return "#"
    return re.sub(r"\d+", "#", s)


def _drop_running_lines(pages: list[str]) -> list[str]:
    """Drop lines that repeat at the top or bottom of many pages (headers, page numbers)."""
    split = [p.split("\n") for p in pages]
    edges: list[set[int]] = []
    counts: Counter[str] = Counter()
    for lines in split:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        zone = set(filled[:_EDGE_LINES]) | set(filled[-_EDGE_LINES:])
        edges.append(zone)
        counts.update({k for i in zone if (k := _line_key(lines[i])) is not None})
    with_text = sum(1 for zone in edges if zone)
    if with_text < 3:
        return pages
    threshold = max(3, math.ceil(0.4 * with_text))
    repeated = {k for k, n in counts.items() if n >= threshold}
    if not repeated:
        return pages
    out = []
    for lines, zone in zip(split, edges, strict=True):
        kept = [ln for i, ln in enumerate(lines) if i not in zone or _line_key(ln) not in repeated]
        out.append("\n".join(kept))
    return out


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()
