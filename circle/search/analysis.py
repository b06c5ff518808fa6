"""Norwegian text analysis for the search index: tokens, stop words, stems and compounds."""

from __future__ import annotations

import pickle
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from whoosh import fields
from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.system import pack_uint

# Letters and digits of any script; underscore and punctuation split words, so æ, ø and å
# (and é, ü in names) stay inside a word and are never folded to a, o.
WORD_RE = re.compile(r"[^\W_]+")

# Whoosh has one Norwegian (bokmål-based) stemmer and stop list; nynorsk is close enough that
# sharing them beats having no analysis at all.
LANGUAGE_ALIASES = {"nb": "no", "nn": "no", "nob": "no", "nno": "no", "no": "no", "nor": "no"}

# Compounds: Norwegian writes them as one word ("barnevernstjenesten"), so a query word of at
# least PREFIX_MIN_LENGTH letters also finds index terms it starts, at most
# PREFIX_MAX_EXPANSIONS of them, each scored at PREFIX_BOOST of an exact match.
PREFIX_MIN_LENGTH = 5
PREFIX_MAX_EXPANSIONS = 24
PREFIX_BOOST = 0.3
# Bounds the work a very common first part can cause before the best compounds are picked.
PREFIX_SCAN_LIMIT = 2000

# The linking s of compounds is written both ways ("barnevernstjenesten" and
# "barneverntjenesten"): a query word also matches the spelling with an s added or dropped
# where two parts of at least LINK_PART_MIN letters meet.
LINK_PART_MIN = 3
# First parts that end in an s of their own, which the stemmer drops as if it were an ending
# ("kurs" and "kur" both stem to "kur"): "kursdag" and "kurdag" are different words.
OWN_S_PARTS = frozenset({"kur", "kor", "hal", "pul", "san", "ver"})
# A phrase of several compounds written both ways is looked up in at most this many spellings.
MAX_SPELLINGS = 8

_VOWELS = frozenset("aeiouyæøå")
_STEM_CACHE_LIMIT = 300_000


def whoosh_language(code: str | None) -> str:
    """Return Whoosh's language code for an ISO code such as ``nb`` or ``nn``."""
    key = (code or "nb").strip().lower()[:3]
    return LANGUAGE_ALIASES.get(key, LANGUAGE_ALIASES.get(key[:2], "no"))


class _Stemmer:
    """Snowball stemmer with a cache and a final-double-consonant rule."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._stem = stemmer_for_language(language)
        self.cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        cached = self.cache.get(word)
        if cached is not None:
            return cached
        stem = self._stem(word)
        # Snowball keeps "ungdomm" (ungdommer) apart from "ungdom"; folding the double
        # consonant joins the inflected forms of many Norwegian nouns.
        if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
            stem = stem[:-1]
        if len(self.cache) >= _STEM_CACHE_LIMIT:
            self.cache.clear()
        self.cache[word] = stem
        return stem


_STEMMERS: dict[str, _Stemmer] = {}
_STOPWORDS: dict[str, frozenset[str]] = {}


def stemmer(language: str = "nb") -> _Stemmer:
    """Return the shared cached stemmer for a language."""
    lang = whoosh_language(language)
    if lang not in _STEMMERS:
        _STEMMERS[lang] = _Stemmer(lang)
    return _STEMMERS[lang]


def stopwords(language: str = "nb") -> frozenset[str]:
    """Return the stop words for a language."""
    lang = whoosh_language(language)
    if lang not in _STOPWORDS:
        _STOPWORDS[lang] = frozenset(stopwords_for_language(lang))
    return _STOPWORDS[lang]


def _normalise(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


def analyze(text: str, language: str = "nb", stem: bool = True) -> list[str]:
    """Return the index terms of a text in order (stop words dropped)."""
    stops = stopwords(language)
    words = WORD_RE.findall(_normalise(text).lower())
    # One-letter words are list markers and initials: noise in an index of reports.
    kept = [w for w in words if w not in stops and (len(w) > 1 or w.isdigit())]
    if not stem:
        return kept
    st = stemmer(language)
    cache = st.cache
    # The cache lookup is inlined because this loop runs once per word of every page.
    return [cache.get(w) or st(w) for w in kept]


def compound_expansions(
    stem: str, terms: Iterable[str], doc_frequency: Callable[[str], int]
) -> tuple[str, ...]:
    """Return index terms that extend ``stem`` (its compounds), the most widespread first.

    ``terms`` are the index terms starting with ``stem``, in lexicon order.
    """
    if len(stem) < PREFIX_MIN_LENGTH:
        return ()
    found = [t for t in islice(terms, PREFIX_SCAN_LIMIT) if t != stem and t.startswith(stem)]
    if len(found) > PREFIX_MAX_EXPANSIONS:
        # Keep the widespread compounds so a short first part cannot drag in rare words.
        found.sort(key=lambda t: (-doc_frequency(t), t))
        found = found[:PREFIX_MAX_EXPANSIONS]
    return tuple(found)


def linking_s_variants(stem: str) -> tuple[tuple[str, str], ...]:
    """Return ``(other spelling, first part)`` for each place a linking s could be added or dropped.

    Only candidates: the caller keeps a spelling when the index holds it and its first part is
    a word of its own ("forslag" and "forlag" stay apart: "for" is a stop word, never
    indexed). An s next to another s is never touched, so "kurssted" (kurs + sted) and
    "kursted" (kur + sted) stay apart, and first parts in OWN_S_PARTS keep their s.
    """
    n = len(stem)
    if n < 2 * LINK_PART_MIN or not stem.isalpha():
        return ()
    out: list[tuple[str, str]] = []
    for i in range(LINK_PART_MIN, n - LINK_PART_MIN + 1):
        if stem[i - 1] != "s" and stem[i] != "s" and stem[:i] not in OWN_S_PARTS:
            out.append((stem[:i] + "s" + stem[i:], stem[:i]))
    for i in range(LINK_PART_MIN, n - LINK_PART_MIN):
        if stem[i] == "s" and stem[i - 1] != "s" and stem[i + 1] != "s":
            if stem[:i] not in OWN_S_PARTS:
                out.append((stem[:i] + stem[i + 1 :], stem[:i]))
    return tuple(out)


def spelling_lookups(stems: Iterable[str]) -> set[str]:
    """Return every term `held_spellings` may ask about for these stems (spellings, heads)."""
    st = stemmer()
    wanted: set[str] = set()
    for stem in stems:
        for alt, head in linking_s_variants(stem):
            wanted.update((alt, head, st(head)))
    return wanted


def held_spellings(stem: str, held: Callable[[str], bool]) -> tuple[str, ...]:
    """Return the spellings of ``stem`` with its linking s added or dropped that count.

    A spelling counts when ``held`` (the searcher's visible vocabulary) has it and its first
    part too, so that the s sits where two words meet: "fokusgruppe" never becomes
    "fokugruppe", as "foku" is no word.
    """
    st = stemmer()
    return tuple(
        alt
        for alt, head in linking_s_variants(stem)
        if held(alt) and (held(head) or held(st(head)))
    )


class NorwegianAnalyzer(Analyzer):
    """Whoosh analyzer: words, lower case, Norwegian stop words and Snowball stems."""

    def __init__(self, language: str = "nb", stem: bool = True) -> None:
        self.language = whoosh_language(language)
        self.stem = stem

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, NorwegianAnalyzer)
            and other.language == self.language
            and other.stem == self.stem
        )

    def __hash__(self) -> int:
        return hash((self.language, self.stem))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        """Yield one reused Token per indexed word, as Whoosh expects."""
        value = _normalise(value)
        stops = stopwords(self.language)
        st = stemmer(self.language) if self.stem else None
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for m in WORD_RE.finditer(value):
            word = m.group().lower()
            if word in stops or (len(word) == 1 and not word.isdigit()):
                if removestops:
                    continue
                token.stopped = True
            else:
                token.stopped = False
            token.text = st(word) if st else word
            token.boost = 1.0
            if keeporiginal:
                token.original = m.group()
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + m.start()
                token.endchar = start_char + m.end()
            pos += 1
            yield token


class NorwegianText(fields.TEXT):
    """TEXT field with positions whose indexing skips Whoosh's per-token machinery."""

    def __init__(self, language: str = "nb", field_boost: float = 1.0) -> None:
        super().__init__(analyzer=NorwegianAnalyzer(language), phrase=True, field_boost=field_boost)
        self.language = whoosh_language(language)

    def index(self, value: str, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        """Yield ``(term bytes, frequency, weight, positions)`` like ``formats.Positions``."""
        # A list is taken as terms already analysed by the caller, who needed them anyway.
        terms = value if isinstance(value, list) else analyze(value, self.language)
        return self._index_terms(terms)

    def _index_terms(self, terms: list[str]) -> Iterator[tuple[bytes, int, float, bytes]]:
        poses: defaultdict[str, list[int]] = defaultdict(list)
        for i, term in enumerate(terms):
            poses[term].append(i)
        fb = self.format.field_boost
        single = _SINGLE_POSITION
        for term, plist in poses.items():
            n = len(plist)
            if n == 1:
                pos = plist[0]
                enc = single.get(pos)
                if enc is None:
                    enc = single[pos] = _encode_positions(plist)
            else:
                enc = _encode_positions(plist)
            yield term.encode("utf-8"), n, n * fb, enc


# Most terms occur once on a page, so their encoded position lists repeat endlessly.
_SINGLE_POSITION: dict[int, bytes] = {}


def _encode_positions(plist: list[int]) -> bytes:
    # Same bytes as whoosh.formats.Positions.encode: a uint count, then the deltas pickled
    # with protocol 2; built here because Whoosh's per-token path dominated indexing time.
    deltas = [plist[0]]
    deltas.extend(b - a for a, b in zip(plist, plist[1:], strict=False))
    return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)
