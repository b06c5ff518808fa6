"""Build HTML snippets of a page: escaped text with <mark> around the words that matched."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from html import escape

from markupsafe import Markup
from markupsafe import escape as escape_markup

from circle.search.analysis import WORD_RE, stemmer, stopwords

SNIPPET_CHARS = 240
_WORD_TAIL = r"[^\W_]*"
_SPACE_RE = re.compile(r"\s")
_MARK_RE = re.compile(r"</?mark>")


def _words_starting(starts: list[str]) -> re.Pattern[str] | None:
    """Return a regex for whole words that begin with one of ``starts`` (longest first), or None."""
    if not starts:
        return None
    return re.compile(
        r"(?<![^\W_])(?:" + "|".join(map(re.escape, starts)) + ")" + _WORD_TAIL, re.IGNORECASE
    )


class Highlighter:
    """Find query words in page text by stem, or by compound prefix for long stems.

    ``phrases`` are stem sequences: each occurrence is marked whole, words in a row as the
    index sees them (stop words between them do not count), and their words are not marked
    where they stand alone.
    """

    def __init__(
        self,
        stems: Iterable[str],
        prefixes: Iterable[str] = (),
        language: str = "nb",
        *,
        phrases: Iterable[tuple[str, ...]] = (),
    ):
        self.stems = frozenset(s for s in stems if s)
        self.prefixes = tuple(sorted({p for p in prefixes if p}, key=len, reverse=True))
        self.phrases = frozenset(tuple(p) for p in phrases if len(p) > 1)
        self._language = language
        self._stem = stemmer(language)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(self.phrases, key=len, reverse=True):
            self._by_first.setdefault(phrase[0], []).append(phrase)
        self._longest = max((len(p) for p in self.phrases), default=0)
        firsts = sorted(self._by_first, key=len, reverse=True)
        self._phrase_re = _words_starting(firsts)
        starts = sorted(self.stems | set(self.prefixes), key=len, reverse=True)
        # A Norwegian Snowball stem is always a prefix of its word, so a regex over the stems
        # finds every candidate word at C speed; only those words are stemmed and checked.
        self._re = _words_starting(starts)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Return ``(start, end, key)`` of each matching word or phrase in ``text``, in order."""
        phrase_spans = self._phrase_spans(text) if self.phrases else []
        out = []
        if self._re is not None:
            stem = self._stem
            for m in self._re.finditer(text):
                word = m.group().lower()
                s = stem(word)
                if s in self.stems:
                    out.append((m.start(), m.end(), s))
                else:
                    for p in self.prefixes:
                        if s.startswith(p):
                            out.append((m.start(), m.end(), p))
                            break
        if not phrase_spans:
            return out
        # A word inside a marked phrase is part of that mark.
        words = [w for w in out if not any(a <= w[0] < b for a, b, _ in phrase_spans)]
        return sorted(phrase_spans + words)

    def _phrase_spans(self, text: str) -> list[tuple[int, int, str]]:
        # Only where a phrase's first word stands are the words after it read and stemmed.
        if self._phrase_re is None:
            return []
        stops = stopwords(self._language)
        out: list[tuple[int, int, str]] = []
        done = 0
        for m in self._phrase_re.finditer(text):
            if m.start() < done:
                continue
            candidates = self._by_first.get(self._word_stem(m.group()))
            if not candidates:
                continue
            following: list[tuple[int, str]] = []  # (end, stem) of the next indexed words
            for w in WORD_RE.finditer(text, m.end()):
                word = _fold(w.group())
                if word in stops or (len(word) == 1 and not word.isdigit()):
                    continue  # the index skips these words, so a phrase runs across them
                following.append((w.end(), self._stem(word)))
                if len(following) >= self._longest - 1:
                    break
            for phrase in candidates:
                rest = phrase[1:]
                if len(following) >= len(rest) and all(
                    following[i][1] == s for i, s in enumerate(rest)
                ):
                    done = following[len(rest) - 1][0]
                    out.append((m.start(), done, " ".join(phrase)))
                    break
        return out

    def _word_stem(self, word: str) -> str:
        return self._stem(_fold(word))

    def snippet(self, text: str, width: int = SNIPPET_CHARS) -> str:
        """Return the best window of ``text`` as HTML with the matched words marked."""
        spans = self.spans(text)
        if not spans:
            return _plain(text, 0, width)
        start, end = _best_window(spans, width)
        lo = _cut_left(text, max(0, start - (width - (end - start)) // 3))
        hi = _cut_right(text, min(len(text), lo + width))
        hi = max(hi, end) if end - lo <= width * 1.5 else hi
        parts = ["…" if lo > 0 else ""]
        pos = lo
        for s, e, _ in spans:
            if s < lo or e > hi:
                continue
            parts.append(escape(_squash(text[pos:s])))
            parts.append("<mark>" + escape(_squash(text[s:e])) + "</mark>")
            pos = e
        parts.append(escape(_squash(text[pos:hi])))
        if hi < len(text):
            parts.append("…")
        return "".join(parts).strip()


def _fold(word: str) -> str:
    word = word.lower()
    return word if unicodedata.is_normalized("NFKC", word) else unicodedata.normalize("NFKC", word)


def _best_window(spans: list[tuple[int, int, str]], width: int) -> tuple[int, int]:
    # Prefer the window showing the most different query words, then the most hits.
    best = (-1, -1, 0, 0)
    j = 0
    for i in range(len(spans)):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= width:
            j += 1
        window = spans[i : j + 1]
        key = (len({s for _, _, s in window}), len(window))
        if key > best[:2]:
            best = (*key, spans[i][0], spans[j][1])
    return best[2], best[3]


def _cut_left(text: str, pos: int) -> int:
    # Start at a word boundary close before pos, so no word is shown cut in half.
    if pos <= 0:
        return 0
    for i in range(pos, max(0, pos - 20), -1):
        if text[i - 1].isspace():
            return i
    return pos


def _cut_right(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    m = _SPACE_RE.search(text, pos, pos + 20)
    return m.start() if m else pos


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _plain(text: str, lo: int, width: int) -> str:
    hi = _cut_right(text, min(len(text), lo + width))
    body = escape(_squash(text[lo:hi]).strip())
    return body + ("…" if hi < len(text) else "")


def snippet_html(snippet: str) -> Markup:
    """Return a backend snippet as markup, after checking it holds no tag but <mark>.

    The backend escapes page text and adds only <mark> and </mark>; anything else means the
    snippet did not come from it, so it is escaped whole instead.
    """
    rest = _MARK_RE.sub("", snippet)
    if "<" in rest or ">" in rest or snippet.count("<mark>") != snippet.count("</mark>"):
        return escape_markup(snippet)
    return Markup(snippet)  # noqa: S704 - checked above: escaped text and <mark> only
