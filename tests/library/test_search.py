"""The search interface on the Whoosh backend: syntax, ranking, facets and visibility."""

from __future__ import annotations

import pytest

from library.search import SearchBackend, SearchQuery, SearchResult
from library.search.whoosh_backend import WhooshBackend
from tests.library.backends import BACKENDS, new_backend
from tests.library.helpers import report, seen_with, small_library

# Circles of the searching member; the reports they see are worked out as the database would.
PUBLIC = frozenset()
EVERYTHING = frozenset({7, 8})


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A backend holding the small library (two reports only visible to circles 7 and 8)."""
    b = new_backend(request.param, tmp_path_factory.mktemp("search"))
    for doc in small_library():
        b.index_report(doc)
    return b


def search(b: WhooshBackend, text: str, circles: frozenset[int] = EVERYTHING, **kw: object):
    return b.search(SearchQuery(text, seen_with(circles), **kw))  # type: ignore[arg-type]


def ids(result: SearchResult) -> list[int]:
    return [h.report_id for h in result.hits]


def test_backend_implements_the_protocol(backend: WhooshBackend) -> None:
    assert isinstance(backend, SearchBackend)
    assert backend.report_ids() == {1, 2, 3, 4, 5, 6}


def test_all_words_must_match(backend: WhooshBackend) -> None:
    assert set(ids(search(backend, "bolig husbanken"))) == {2}
    assert set(ids(search(backend, "bolig barnevern"))) == {2, 5}


def test_inflected_forms_match(backend: WhooshBackend) -> None:
    assert 1 in ids(search(backend, "ungdom"))  # the page says "ungdommer"
    assert 1 in ids(search(backend, "overgang voksenliv"))
    assert 3 in ids(search(backend, "velferdssektor"))


def test_compound_found_by_first_part_but_ranked_below_exact(backend: WhooshBackend) -> None:
    result = search(backend, "samarbeid")
    # 1 says "samarbeide" and "samarbeidsavtale"; 4 only "samarbeider"; 6 "samarbeid".
    assert {1, 4, 6} <= set(ids(result))
    barnevern = search(backend, "barnevern")
    # Report 2 has only "barnevernsbakgrunn": found, but after the exact matches.
    assert ids(barnevern)[-1] == 2
    assert set(ids(barnevern)) == {1, 2, 3, 5, 6}
    page = barnevern.hits[-1].pages[0]
    assert "<mark>barnevernsbakgrunn</mark>" in page.snippet


def test_short_words_are_not_expanded(backend: WhooshBackend) -> None:
    # "barn" is too short to stand for compounds like "barnehage" or "barnevern".
    assert ids(search(backend, "barn")) == [3]


def test_phrase_needs_words_in_order(backend: WhooshBackend) -> None:
    assert ids(search(backend, '"overgangen til voksenlivet"')) == [1]
    assert ids(search(backend, '"voksenlivet overgangen"')) == []
    hit = search(backend, '"psykisk helse" rus').hits[0]
    assert hit.report_id == 3
    assert "<mark>psykisk helse</mark>" in hit.pages[0].snippet


def test_exclude(backend: WhooshBackend) -> None:
    assert set(ids(search(backend, "bolig -husbanken"))) == {5}
    assert ids(search(backend, "-bolig")) == []


def test_or(backend: WhooshBackend) -> None:
    assert set(ids(search(backend, "husbanken OR barnehagen"))) == {2, 4}
    assert set(ids(search(backend, "unge husbanken OR tromsø"))) == {2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:boligsosialt", {2}),
        ('tittel:"fra barnevern"', {1}),
        ("author:nygård", {1}),
        ("forfatter:brøndbo", {3}),
        ("publisher:rkbu", {3, 6}),
        ("year:2017", {2, 3}),
        ("year:2018-2019", {1, 6}),
        ("år:2017 samhandling", {3}),
        ("title:barnevern OR year:2020", {1, 4}),
    ],
)
def test_field_queries(backend: WhooshBackend, text: str, expected: set[int]) -> None:
    assert set(ids(search(backend, text))) == expected


def test_facets_count_reports(backend: WhooshBackend) -> None:
    facets = search(backend, "unge").facets  # reports 2 and 3
    assert facets["year"] == [("2017", 2)]
    assert facets["publisher"] == [("RKBU Nord", 1), ("VID vitenskapelige høgskole", 1)]
    assert dict(facets["theme"]) == {"samhandling": 1, "bolig": 1, "skole": 1}
    assert dict(facets["document_type"]) == {"rapport": 1, "kunnskapsoppsummering": 1}
    assert facets["language"] == [("nb", 2)]
    years = search(backend, "barnevern OR barnehagen").facets["year"]
    assert years == [("2021", 1), ("2020", 1), ("2019", 1), ("2018", 1), ("2017", 2)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"year": "2017"}, {2, 3}),
        ({"publisher": "RKBU Nord"}, {3, 6}),
        ({"document_type": "rapport"}, {2, 6}),
        ({"theme": "samhandling"}, {1, 3, 6}),
        ({"language": "nn"}, set()),
        ({"theme": "samhandling", "year": "2019"}, {6}),
    ],
)
def test_filters(backend: WhooshBackend, filters: dict[str, str], expected: set[int]) -> None:
    result = search(backend, "barnevern OR samhandling", filters=filters)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_unknown_filter_rejected(backend: WhooshBackend) -> None:
    with pytest.raises(ValueError, match="unknown search filter"):
        search(backend, "bolig", filters={"circle": "7"})


def test_sort_newest(backend: WhooshBackend) -> None:
    result = search(backend, "barnevern", sort="newest")
    assert ids(result) == [5, 6, 1, 3, 2]
    relevance = search(backend, "barnevern")
    assert relevance.hits[0].score >= relevance.hits[-1].score


def test_pagination(backend: WhooshBackend) -> None:
    first = search(backend, "barnevern", per_page=2)
    second = search(backend, "barnevern", per_page=2, page=2)
    third = search(backend, "barnevern", per_page=2, page=3)
    assert first.total == second.total == third.total == 5
    assert len(first.hits) == len(second.hits) == 2 and len(third.hits) == 1
    seen = ids(first) + ids(second) + ids(third)
    assert sorted(seen) == [1, 2, 3, 5, 6]
    assert search(backend, "barnevern", page=9).hits == []


def test_pages_best_first_with_numbers_and_marks(backend: WhooshBackend) -> None:
    hit = search(backend, "ettervern oppfølging").hits[0]
    assert hit.report_id == 1
    assert hit.pages[0].page == 2
    assert "<mark>Ettervern</mark>" in hit.pages[0].snippet
    assert "<mark>oppfølging</mark>" in hit.pages[0].snippet
    assert len(search(backend, "barnevern", pages_per_report=0).hits[0].pages) == 0


def test_search_inside_one_report(backend: WhooshBackend) -> None:
    result = search(backend, "samarbeid", report_id=1)
    assert result.total == 2  # pages 1 and 3 ("samarbeide", "samarbeidsavtale")
    assert [p.page for p in result.hits[0].pages] == [1, 3]
    assert search(backend, "samarbeid", report_id=1, per_page=1, page=2).hits[0].pages[0].page
    assert search(backend, "samarbeid -kommunene", report_id=1).total == 1
    assert search(backend, "husbanken", report_id=1).total == 0


def test_related_reports(backend: WhooshBackend) -> None:
    related = backend.related(2, seen_with(EVERYTHING))
    assert related and related[0] == 5  # both about bolig and barnevern
    assert 4 not in related[:1]
    assert 5 not in backend.related(2, seen_with(PUBLIC))
    assert backend.related(5, seen_with(PUBLIC)) == []  # the source itself is not visible


def test_spelling_suggestion(backend: WhooshBackend) -> None:
    result = search(backend, "husbankn")
    assert result.total == 0
    assert result.suggestion == "husbanken"
    fixed = search(backend, result.suggestion)
    assert ids(fixed) == [2]
    assert search(backend, "husbanken").suggestion is None


def test_off_topic_query_returns_nothing(backend: WhooshBackend) -> None:
    for text in ("kvantefysikk", "fotball og musikk", "rakettmotor drivstoff"):
        result = search(backend, text)
        assert result.total == 0 and result.hits == []
        assert result.suggestion is None


def test_stop_words_only_returns_nothing(backend: WhooshBackend) -> None:
    assert search(backend, "og i på").total == 0


def test_empty_query_lists_visible_reports_newest_first(backend: WhooshBackend) -> None:
    result = search(backend, "", PUBLIC)
    assert ids(result) == [4, 1, 3, 2]
    assert result.total == 4


def test_snippets_escape_html(fresh_backend) -> None:
    b = fresh_backend()
    b.index_report(report(9, "Test", 'Før <script>alert("x")</script> & barnevern <b>etter</b>'))
    snippet = search(b, "barnevern", PUBLIC).hits[0].pages[0].snippet
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert "<mark>barnevern</mark>" in snippet


def test_empty_pages_keep_page_numbers(fresh_backend) -> None:
    b = fresh_backend()
    b.index_report(report(1, "Skannet og tekst", "", "  ", "Tredje side om ettervern."))
    hit = search(b, "ettervern", PUBLIC).hits[0]
    assert [p.page for p in hit.pages] == [3]


def test_report_without_text_found_by_title(fresh_backend) -> None:
    b = fresh_backend()
    b.index_report(report(1, "Skannet rapport om ettervern", "", ""))
    result = search(b, "ettervern", PUBLIC)
    assert ids(result) == [1] and result.hits[0].pages == []


def test_reports_missing_metadata_fields_score_after_rebuild(fresh_backend) -> None:
    # Whoosh answers None for the length of a field a document lacks in a shared segment.
    b = fresh_backend()
    full = report(1, "Bolig", "Om ettervern.", keywords=["bolig"], authors=["Kari"])
    b.rebuild(iter([full, report(2, "Samarbeid", "Tekst om samarbeid.")]))
    for text in ("bolig", "kari", "publisher:vid", "samarbeid"):
        search(b, text)
    assert ids(search(b, "bolig", PUBLIC)) == [1]
    assert ids(search(b, "samarbeid", PUBLIC)) == [2]


def test_empty_index_answers_nothing(fresh_backend) -> None:
    b = fresh_backend()
    assert search(b, "bolig").total == 0
    assert b.report_ids() == set()
    assert b.related(1, seen_with(EVERYTHING)) == []


# --------------------------------------------------------------------- visibility


def test_invisible_reports_never_appear(backend: WhooshBackend) -> None:
    for text in ("bolig", "barnevern", "grünerløkka", "kartlegging", "tromsø", ""):
        result = search(backend, text, PUBLIC)
        assert not {5, 6} & set(ids(result))
        counted = sum(n for _, n in result.facets.get("year", []))
        assert counted == result.total
        assert "2021" not in dict(result.facets.get("year", []))
        assert "Bydel Grünerløkka" not in dict(result.facets.get("publisher", []))


def test_visibility_per_circle(backend: WhooshBackend) -> None:
    assert ids(search(backend, "kartlegging", frozenset({7}))) == [5]
    assert ids(search(backend, "kartlegging", frozenset({8}))) == []
    assert search(backend, "tromsø", frozenset({8})).total == 1


def test_totals_and_facets_ignore_invisible(backend: WhooshBackend) -> None:
    public = search(backend, "barnevern", PUBLIC)
    everyone = search(backend, "barnevern", EVERYTHING)
    assert public.total == 3 and everyone.total == 5
    assert dict(public.facets["theme"]).get("bolig") == 1  # report 5 not counted


def test_invisible_report_cannot_be_searched_inside(backend: WhooshBackend) -> None:
    result = search(backend, "bydelen", PUBLIC, report_id=5)
    assert result.total == 0 and result.hits == []
    assert not any(result.facets.values())


def test_suggestion_never_reveals_invisible_words(backend: WhooshBackend) -> None:
    # "kvalitetsindikatorer" only occurs in report 5 (circle 7).
    assert search(backend, "kvalitetsinddikatorer", PUBLIC).suggestion is None
    assert search(backend, "kvalitetsinddikatorer", frozenset({7})).suggestion == (
        "kvalitetsindikatorer"
    )


# ------------------------------------------------------------------------ updates


def test_delete_removes_every_page(fresh_backend) -> None:
    b = fresh_backend()
    for doc in small_library():
        b.index_report(doc)
    b.delete_report(1)
    assert 1 not in b.report_ids()
    assert search(b, "ettervern").total == 0
    assert search(b, "samarbeidsavtale").total == 0
    assert search(b, "voksentjeneste", report_id=1).total == 0
    b.delete_report(1)  # deleting twice is harmless
    b.delete_report(999)


def test_reindexing_replaces_old_pages(fresh_backend) -> None:
    b = fresh_backend()
    b.index_report(report(1, "Utkast", "Første utgave om fosterhjem."))
    b.index_report(report(1, "Endelig", "Andre utgave om institusjon."))
    assert search(b, "fosterhjem", PUBLIC).total == 0
    assert ids(search(b, "institusjon", PUBLIC)) == [1]
    assert b.report_ids() == {1}
