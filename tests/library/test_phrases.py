"""Every page shown for a quoted phrase holds the phrase, and its snippet marks the phrase."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from circle.search.analysis import analyze
from circle.search.snippets import Highlighter
from library.search import SearchQuery, SearchResult
from library.search.whoosh_backend import WhooshBackend
from tests.library.backends import BACKENDS, new_backend
from tests.library.helpers import EVERY_ID, report

PAGES = {
    # B: only one of the words, many times (it would score well on words alone).
    1: "Helse og trivsel i skolen. God helse gir mestring, og helse er viktig. Helse, helse.",
    # C: both words, but apart.
    2: "Psykisk belastning over tid svekker god helse. Psykisk stress og dårlig helse.",
    # A: the phrase.
    3: "Tilbudet om psykisk helse for ungdom må styrkes i kommunene.",
    4: "Rus og psykiske helseplager hos unge voksne.",
    # A again, inflected.
    5: "Den psykiske helsen til ungdommene ble kartlagt.",
}


def _library() -> list:
    return [
        report(1, "Tiltak for unge", *PAGES.values()),
        report(
            2,
            "Psykisk helse i skolen",  # the phrase in the title only
            "Helse og skole hører sammen.",
            "Psykisk arbeidsmiljø for lærere.",
            "Rus blant elever er sjelden.",
        ),
        report(3, "Annet", "Psykisk og fysisk aktivitet. Helse er mer enn fravær av sykdom."),
    ]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Reports with pages that hold a phrase, only one of its words, or both apart."""
    b = new_backend(request.param, tmp_path_factory.mktemp("phrases"))
    for doc in _library():
        b.index_report(doc)
    return b


def search(b: WhooshBackend, text: str, **kw: object) -> SearchResult:
    return b.search(SearchQuery(text, EVERY_ID, **kw))  # type: ignore[arg-type]


def pages_of(result: SearchResult, rid: int) -> list[int]:
    return next([p.page for p in h.pages] for h in result.hits if h.report_id == rid)


def _same_word(a: str, b: str) -> bool:
    """Return whether two stems are equal, or one is the other with a linking s."""
    if a == b:
        return True
    long, short = (a, b) if len(a) > len(b) else (b, a)
    return len(long) == len(short) + 1 and any(
        long[i] == "s" and long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


def holds(text: str, phrase: str) -> bool:
    """Return whether the text has the phrase's words in a row (stop words between are skipped)."""
    words, wanted = analyze(text), analyze(phrase)
    n = len(wanted)
    return any(
        all(_same_word(w, x) for w, x in zip(words[i : i + n], wanted, strict=True))
        for i in range(len(words) - n + 1)
    )


def test_only_pages_holding_the_phrase_are_shown(backend: WhooshBackend) -> None:
    result = search(backend, '"psykisk helse"', pages_per_report=5)
    assert {h.report_id for h in result.hits} == {1, 2}  # report 2 by its title; not 3
    assert sorted(pages_of(result, 1)) == [3, 5]
    assert pages_of(result, 2) == []  # no page of it holds the phrase
    snippets = {p.page: p.snippet for h in result.hits if h.report_id == 1 for p in h.pages}
    assert "<mark>psykisk helse</mark>" in snippets[3]
    assert "<mark>psykiske helsen</mark>" in snippets[5]
    assert all(s.count("<mark>") == 1 for s in snippets.values())


def test_search_inside_a_report_shows_only_phrase_pages(backend: WhooshBackend) -> None:
    inside = search(backend, '"psykisk helse"', report_id=1)
    assert inside.total == 2
    assert sorted(p.page for p in inside.hits[0].pages) == [3, 5]
    assert search(backend, '"psykisk helse"', report_id=3).total == 0
    assert search(backend, '"psykisk trivsel"', report_id=1).total == 0


def test_phrase_with_other_words(backend: WhooshBackend) -> None:
    both = search(backend, '"psykisk helse" rus', pages_per_report=5)
    assert {h.report_id for h in both.hits} == {1, 2}
    # Report 1 holds the phrase on pages 3 and 5: only those, though "rus" is on page 4.
    assert sorted(pages_of(both, 1)) == [3, 5]
    # Report 2 holds it only in its title: its "rus" page, with no lone phrase word marked.
    page = next(h for h in both.hits if h.report_id == 2).pages
    assert [p.page for p in page] == [3] and page[
        0
    ].snippet == "<mark>Rus</mark> blant elever er sjelden."
    either = search(backend, '"psykisk helse" OR trivsel', pages_per_report=5)
    assert sorted(pages_of(either, 1)) == [1, 3, 5]
    assert search(backend, '"psykisk helse" -rus').total == 0
    # Stop words between the words do not break a phrase ("helse for", "helsen til").
    assert sorted(pages_of(search(backend, '"helse for ungdom"'), 1)) == [3, 5]


def test_highlighter_marks_phrases_whole_and_words_alone() -> None:
    hl = Highlighter({"rus"}, phrases=[("psykisk", "hels")])
    text = "Psykisk stress. Rus og psykisk\nhelse; helse alene."
    assert (
        hl.snippet(text)
        == "Psykisk stress. <mark>Rus</mark> og <mark>psykisk helse</mark>; helse alene."
    )
    assert Highlighter({"hels"}).snippet("God helse.") == "God <mark>helse</mark>."
    longest = Highlighter((), phrases=[("overgang", "voksenliv"), ("overgang", "voksenliv", "bol")])
    html = longest.snippet("Overgangen til voksenlivet og bolig. Overgang, voksenliv.")
    assert html == (
        "<mark>Overgangen til voksenlivet og bolig</mark>. <mark>Overgang, voksenliv</mark>."
    )
    assert Highlighter((), phrases=[("psykisk", "hels")]).snippet("Helse psykisk.") == (
        "Helse psykisk."
    )


SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED_PHRASES = [
    '"overgangen til voksenlivet"',
    '"utsatte barn og unge"',
    '"psykisk helse"',
    '"tverrfaglig samarbeid"',
    '"barnevernstjenesten og NAV"',
    '"oppfølging av unge"',
    '"unge voksne"',
    '"egen bolig"',
]


@pytest.fixture(scope="module", params=BACKENDS)
def seeds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The seed reports and their page texts, as the index was given them."""
    if not (SEEDS / "metadata.json").exists():
        pytest.skip(f"shared seed reports not found at {SEEDS}")
    from circle.documents.cleanup import normalise_pages
    from circle.documents.text import paginate_plain_text
    from tests.library.test_seed_queries import index_seeds

    texts = {
        int(p.name[:3]): normalise_pages(paginate_plain_text(p.read_text(encoding="utf-8")))
        for p in sorted(SEEDS.glob("*.txt"))
    }
    return index_seeds(tmp_path_factory.mktemp("seed-phrases"), request.param), texts


@pytest.mark.slow
@pytest.mark.parametrize("phrase", SEED_PHRASES)
def test_seed_pages_shown_for_a_phrase_hold_it(seeds, phrase: str) -> None:  # noqa: ANN001
    backend, texts = seeds
    result = backend.search(SearchQuery(phrase, EVERY_ID, pages_per_report=5))
    assert result.total >= 1, phrase
    words = phrase.strip('"').split()
    mark = re.compile(r"<mark>([^<]+)</mark>")
    for hit in result.hits:
        for page in hit.pages:
            assert holds(texts[hit.report_id][page.page - 1], phrase), (hit.report_id, page.page)
            marked = mark.findall(page.snippet)
            assert marked and all(holds(m, phrase) for m in marked), page.snippet
        inside = backend.search(SearchQuery(phrase, EVERY_ID, report_id=hit.report_id, per_page=50))
        for page in inside.hits[0].pages if inside.hits else []:
            assert holds(texts[hit.report_id][page.page - 1], phrase), (hit.report_id, page.page)
    assert len(words) > 1


def test_phrase_pages_and_marks_agree_with_stock_whoosh_phrases(tmp_path: Path) -> None:
    """On random pages, the pages shown, Whoosh's own Phrase query and the marks agree."""
    import random

    from whoosh import index
    from whoosh import query as wq

    rnd = random.Random(7)
    vocabulary = ["psykisk", "helse", "helsen", "og", "for", "i", "rus", "barn", "unge", "a"]
    pages = [" ".join(rnd.choice(vocabulary) for _ in range(rnd.randint(3, 12))) for _ in range(60)]
    b = WhooshBackend(tmp_path / "ix")
    b.index_report(report(1, "Tilfeldig", *pages))
    ix = index.open_dir(str(b.store.current()))
    for phrase in ("psykisk helse", "helse psykisk", "unge og rus", "barn barn"):
        stems = analyze(phrase)
        with ix.searcher() as searcher:
            hits = searcher.search(wq.Phrase("content", stems), limit=None)
            stock = {h["page"] for h in hits}
        assert stock, phrase
        inside = search(b, f'"{phrase}"', report_id=1, per_page=100)
        shown = {p.page for h in inside.hits for p in h.pages}
        assert shown == stock, phrase
        listed = search(b, f'"{phrase}"', pages_per_report=20)
        assert {p.page for h in listed.hits for p in h.pages} <= stock
        hl = Highlighter((), phrases=[tuple(stems)])
        marked = {n for n, text in enumerate(pages, 1) if hl.spans(text)}
        assert marked == stock, phrase
