"""Norwegian analysis, query syntax, snippets and the tuned Whoosh writer and codec."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import formats, index
from whoosh.codec.whoosh3 import W3LeafMatcher

from circle.search.analysis import (
    PREFIX_MAX_EXPANSIONS,
    NorwegianAnalyzer,
    _encode_positions,
    analyze,
    compound_expansions,
    whoosh_language,
)
from circle.search.query import Clause, Term, parse_query, parse_year
from circle.search.snippets import Highlighter
from library.search.schema import FastSegmentWriter, _LeafMatcher, make_schema
from library.search.whoosh_backend import add_report
from tests.library.helpers import report, small_library


@pytest.mark.parametrize(
    ("words", "same"),
    [
        ("barnevern barnevernet", True),
        ("ungdom ungdommer ungdommen", True),
        ("overgangen overganger overgang", True),
        ("tjenesten tjenestene", True),
        ("samarbeid samarbeidet", True),
        ("bolig barnevern", False),
    ],
)
def test_inflections_share_a_stem(words: str, same: bool) -> None:
    stems = {analyze(w)[0] for w in words.split()}
    assert (len(stems) == 1) is same


def test_letters_aeoa_kept_and_case_folded() -> None:
    assert analyze("Sårbare ØKONOMI Tromsø", stem=False) == ["sårbare", "økonomi", "tromsø"]
    assert analyze("Grünerløkka", stem=False) == ["grünerløkka"]


def test_stop_words_and_single_letters_dropped() -> None:
    assert analyze("og i på det er en a b 7", stem=False) == ["7"]


def test_text_is_nfkc_normalised() -> None:
    assert analyze("ﬁnne ＮＡＶ", stem=False) == ["finne", "nav"]


@pytest.mark.parametrize("code", ["nb", "nn", "NO", "nob", "nno"])
def test_norwegian_codes_map_to_whoosh(code: str) -> None:
    assert whoosh_language(code) == "no"


def test_whoosh_analyzer_positions_and_chars() -> None:
    text = "Barnevernet og NAV samarbeider"
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in NorwegianAnalyzer()(text, positions=True, chars=True)
    ]
    assert tokens == [("barnevern", 0, 0, 11), ("nav", 1, 15, 18), ("samarbeid", 2, 19, 30)]


def test_compound_expansions_are_capped_and_widespread_first() -> None:
    terms = ["barnevern"] + [f"barnevern{i:03d}" for i in range(40)]
    df = {t: i for i, t in enumerate(terms)}.__getitem__
    found = compound_expansions("barnevern", terms, df)
    assert len(found) == PREFIX_MAX_EXPANSIONS
    assert "barnevern" not in found and found[0] == "barnevern039"
    assert compound_expansions("barn", ["barnehage", "barnevern"], df) == ()


@pytest.mark.parametrize("plist", [[0], [3], [0, 5, 9], [2, 2, 40, 1000]])
def test_position_encoding_matches_whoosh(plist: list[int]) -> None:
    assert _encode_positions(plist) == formats.Positions().encode(plist)


# ---------------------------------------------------------------------- syntax


def test_parse_words_phrases_exclusions_and_or() -> None:
    q = parse_query('barnevern "psykisk helse" -rus nav OR husbanken')
    assert q.clauses == (
        Clause((Term("barnevern"),)),
        Clause((Term("psykisk helse", quoted=True),)),
        Clause((Term("rus"),), negated=True),
        Clause((Term("nav"), Term("husbanken"))),
    )


def test_parse_fields_and_aliases() -> None:
    q = parse_query('tittel:"fra barnevern" author:nygård år:2017 http://x.no')
    assert [t for c in q.clauses for t in c.terms] == [
        Term("fra barnevern", "title", quoted=True),
        Term("nygård", "author"),
        Term("2017", "year"),
        Term("http://x.no"),
    ]


def test_parse_typographic_quotes_and_norwegian_operators() -> None:
    q = parse_query("«overgangen til voksenlivet» bolig ELLER skole IKKE rus")
    assert q.clauses[0].terms[0] == Term("overgangen til voksenlivet", quoted=True)
    assert q.clauses[1].terms == (Term("bolig"), Term("skole"))
    assert q.clauses[2].negated


def test_parse_is_bounded() -> None:
    assert len(parse_query("ord " * 500).clauses) <= 24


@pytest.mark.parametrize(
    ("value", "years"), [("2017", (2017, 2017)), ("2019-2015", (2015, 2019)), ("x", None)]
)
def test_parse_year(value: str, years: tuple[int, int] | None) -> None:
    assert parse_year(value) == years


# -------------------------------------------------------------------- snippets


def test_snippet_marks_inflections_and_compounds_and_escapes() -> None:
    middle = "Barnevernet & <NAV> samarbeider om barnevernstjenesten. "
    text = "Innledning. " * 40 + middle + "Slutt. " * 40
    html = Highlighter({"barnevern", "samarbeid"}, {"barnevern"}).snippet(text)
    assert "<mark>Barnevernet</mark> &amp; &lt;NAV&gt; <mark>samarbeider</mark>" in html
    assert "<mark>barnevernstjenesten</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 400


def test_snippet_without_match_is_plain_start() -> None:
    html = Highlighter({"husbank"}).snippet("Tekst <b>uten</b> treff.")
    assert html == "Tekst &lt;b&gt;uten&lt;/b&gt; treff."


# ------------------------------------------------------- tuned writer and codec


def _build(folder: Path, fast: bool) -> index.FileIndex:
    folder.mkdir()
    ix = index.create_in(str(folder), make_schema())
    writer = FastSegmentWriter(ix) if fast else ix.writer()
    for doc in small_library():
        add_report(writer, doc)
    long_text = " ".join(f"barnevern ord{i % 7}" for i in range(600))
    for rid in range(10, 110):
        add_report(writer, report(rid, "Lang", long_text, long_text))
    writer.commit()
    return ix


def test_fast_writer_writes_the_same_postings_as_whoosh(tmp_path: Path) -> None:
    plain = _build(tmp_path / "plain", fast=False).reader()
    fast = _build(tmp_path / "fast", fast=True).reader()
    assert fast.doc_count() == plain.doc_count()
    terms = list(plain.all_terms())
    assert terms == list(fast.all_terms())
    for fieldname, text in terms:
        a, b = plain.postings(fieldname, text), fast.postings(fieldname, text)
        assert list(a.items_as("weight")) == list(b.items_as("weight")), (fieldname, text)
        a, b = plain.postings(fieldname, text), fast.postings(fieldname, text)
        assert list(a.all_items()) == list(b.all_items())
    for docnum in range(plain.doc_count_all()):
        for fieldname in ("content", "rterms", "title"):
            assert plain.doc_field_length(docnum, fieldname) == fast.doc_field_length(
                docnum, fieldname
            )


def test_fast_skip_to_agrees_with_whoosh(tmp_path: Path) -> None:
    reader = _build(tmp_path / "ix", fast=True).reader()
    assert isinstance(reader.postings("content", "barnevern"), _LeafMatcher)
    all_ids = list(reader.postings("content", "barnevern").all_ids())
    assert len(all_ids) > 128  # more than one block
    rnd = random.Random(5)
    for _ in range(30):
        fast = reader.postings("content", "barnevern")
        slow = reader.postings("content", "barnevern")
        slow.__class__ = W3LeafMatcher  # the stock implementation on the same postings
        for target in sorted(rnd.sample(range(max(all_ids) + 5), 6)):
            if not slow.is_active():
                assert not fast.is_active()
                break
            slow.skip_to(target)
            fast.skip_to(target)
            assert slow.is_active() == fast.is_active()
            if slow.is_active():
                assert slow.id() == fast.id()
