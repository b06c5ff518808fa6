"""Compounds written with and without the linking s are one word; false friends stay apart."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import re

import pytest

from circle.search.analysis import linking_s_variants
from library.search import SearchQuery, SearchResult
from library.search.whoosh_backend import WhooshBackend
from tests.library.backends import BACKENDS, new_backend
from tests.library.factories import add_report_directly, lib  # noqa: F401  (lib is a fixture)
from tests.library.helpers import EVERY_ID, report


def _library() -> list:
    return [
        report(1, "Tjenester i bydelen", "Barnevernstjenesten i bydelen samarbeider med NAV."),
        report(2, "Ansvar", "Barneverntjenesten har ansvar for tiltak etter barnevernloven."),
        report(3, "Ungdom", "Ungdomstiden er en sårbar fase for mange i barnevern."),
        report(4, "Støtte", "I ungdomtiden trenger mange ungdom støtte fra voksne."),
        report(5, "Utdanning", "Arbeidslivet krever utdanning, og arbeid gir mestring."),
        report(6, "Overganger", "Overgangen til arbeidlivet er krevende for mange."),
        report(7, "Kurs", "Kursstedet for de ansatte ligger i sentrum."),
        report(8, "Kyst", "Kurstedet ved kysten tar imot gjester hele året."),
        report(9, "Høring", "Forslaget ble sendt på høring i fjor."),
        report(10, "Utgivelse", "Forlaget gir ut rapporten i en ny serie."),
        report(11, "Metode", "En fokusgruppe med foreldre, med fokus på barnets beste."),
        report(12, "Skrivefeil", "En fokugruppe er ikke et ord, men den står her."),
        report(13, "Priser", "Prislisten viser hva en pris er i dag."),
        report(14, "Skrivefeil", "Prilisten er heller ikke et ord."),
        report(15, "Kurs", "Kursdagen for nyansatte; kurs i samtalemetodikk."),
        report(16, "Kur", "Kurdagen ved sanatoriet; kur mot gikt."),
    ]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A backend holding both spellings of some compounds, and some false friends."""
    b = new_backend(request.param, tmp_path_factory.mktemp("compounds"))
    for doc in _library():
        b.index_report(doc)
    return b


def search(b: WhooshBackend, text: str, **kw: object) -> SearchResult:
    return b.search(SearchQuery(text, EVERY_ID, **kw))  # type: ignore[arg-type]


def ids(result: SearchResult) -> set[int]:
    return {h.report_id for h in result.hits}


@pytest.mark.parametrize(
    ("queries", "expected"),
    [
        (("barnevernstjenesten", "barneverntjenesten", "barnevernstjeneste"), {1, 2}),
        (("ungdomstid", "ungdomtiden", "ungdomstiden"), {3, 4}),
        (("arbeidslivet", "arbeidliv", "arbeidsliv"), {5, 6}),
    ],
)
def test_both_spellings_find_both(
    backend: WhooshBackend, queries: tuple[str, ...], expected: set[int]
) -> None:
    for text in queries:
        result = search(backend, text)
        assert ids(result) == expected, text
        assert result.total == len(expected) and result.suggestion is None


def test_snippets_mark_either_spelling(backend: WhooshBackend) -> None:
    result = search(backend, "barnevernstjenesten")
    snippets = {h.report_id: h.pages[0].snippet for h in result.hits}
    assert "<mark>Barnevernstjenesten</mark>" in snippets[1]
    assert "<mark>Barneverntjenesten</mark>" in snippets[2]
    inside = search(backend, "ungdomstid", report_id=4)
    assert inside.total == 1 and "<mark>ungdomtiden</mark>" in inside.hits[0].pages[0].snippet


def test_spellings_hold_in_phrases_exclusions_and_fields(backend: WhooshBackend) -> None:
    assert ids(search(backend, '"barneverntjenesten i bydelen"')) == {1}
    assert ids(search(backend, '"barnevernstjenesten har ansvar"')) == {2}
    assert ids(search(backend, "ansvar -barnevernstjenesten")) == set()
    assert ids(search(backend, "fase OR trenger OR krevende -ungdomtid")) == {5, 6}
    assert ids(search(backend, "fase OR trenger OR krevende")) == {3, 4, 5, 6}
    inside = search(backend, '"barnevernstjenesten har ansvar"', report_id=2)
    assert inside.total == 1
    assert "<mark>Barneverntjenesten har ansvar</mark>" in inside.hits[0].pages[0].snippet


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An s next to another s is never a linking s: kurs + sted, kur + sted.
        ("kursstedet", {7}),
        ("kurstedet", {8}),
        # The first part is a stop word, never indexed: forslag and forlag stay apart.
        ("forslaget", {9}),
        ("forlaget", {10}),
        # Without the s the first part is no word (foku, pri): the s is no linking s.
        ("fokusgruppe", {11}),
        ("fokugruppe", {12}),
        ("prislisten", {13}),
        ("prilisten", {14}),
        # "kurs" ends in an s of its own, though the stemmer makes it "kur".
        ("kursdagen", {15}),
        ("kurdagen", {16}),
    ],
)
def test_false_friends_stay_apart(backend: WhooshBackend, text: str, expected: set[int]) -> None:
    assert ids(search(backend, text)) == expected


def test_variants_are_candidates_only_where_parts_meet() -> None:
    spellings = dict(linking_s_variants("barnevernstjenest"))
    assert spellings["barneverntjenest"] == "barnevern"
    assert "barnevernsstjenest" not in spellings  # never an s beside an s
    assert all(len(head) >= 3 and len(alt) - len(head) >= 3 for alt, head in spellings.items())
    assert linking_s_variants("kurssted") == ()
    assert linking_s_variants("bolig") == ()  # too short to be two words
    assert linking_s_variants("0-24") == ()


def test_spelling_from_hidden_reports_only_is_not_used(fresh_backend) -> None:  # noqa: ANN001
    """A spelling or first part only a report the member cannot see holds does not count."""
    b = fresh_backend()
    b.index_report(report(1, "Synlig", "Barneverntjenesten i kommunen har tiltak."))
    b.index_report(report(2, "Skjult", "Barnevernstjenesten og barnevern i bydelen."))
    assert ids(b.search(SearchQuery("barnevernstjenesten", frozenset({1, 2})))) == {1, 2}
    # Without report 2, "barnevern" (the first part) is no word of any visible report.
    assert b.search(SearchQuery("barnevernstjenesten", frozenset({1}))).total == 0
    assert ids(b.search(SearchQuery("barneverntjenesten", frozenset({1})))) == {1}


def test_seed_reports_count_both_spellings_alike() -> None:
    """On the seed reports, both spellings find the same reports and mark either form."""
    from tests.library.test_seed_queries import SEEDS, index_seeds

    if not (SEEDS / "metadata.json").exists():
        pytest.skip(f"shared seed reports not found at {SEEDS}")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        b = index_seeds(Path(tmp) / "index")
        with_s = b.search(SearchQuery("barnevernstjenesten", EVERY_ID))
        without = b.search(SearchQuery("barneverntjenesten", EVERY_ID))
        assert with_s.total == without.total >= 2
        assert ids(with_s) == ids(without)
        marks = " ".join(p.snippet for h in with_s.hits for p in h.pages)
        assert re.search(r"<mark>barneverntjenesten\w*</mark>", marks, re.IGNORECASE)
        assert re.search(r"<mark>barnevernstjenesten\w*</mark>", marks, re.IGNORECASE)
        b.close()


def test_search_inside_agrees_with_the_library_search(app, client, login, lib) -> None:  # noqa: ANN001, F811
    """A report found through the other spelling shows the same page when searched inside."""
    own = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        name="a.txt",
        text="Barneverntjenesten har ansvar for tiltak.",
    )
    add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        name="b.txt",
        text="Om barnevern i kommunene.",
    )
    login(lib.members["participant"])
    found = client.get("/c/egen/library?q=barnevernstjenesten").get_data(as_text=True)
    assert "1 rapport funnet" in found and "<mark>Barneverntjenesten</mark>" in found
    inside = client.get(f"/c/egen/library/reports/{own}?q=barnevernstjenesten")
    html = inside.get_data(as_text=True)
    assert "1 side passer" in html and "<mark>Barneverntjenesten</mark>" in html
