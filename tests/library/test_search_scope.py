"""The engine counts only the reports the caller (the database) says are visible."""

from __future__ import annotations

import pytest

from circle.search.analysis import PREFIX_MAX_EXPANSIONS
from library.search import SearchBackend, SearchQuery, fingerprint
from library.search.whoosh_backend import WhooshBackend
from tests.library.helpers import report


@pytest.fixture
def stale(fresh_backend) -> SearchBackend:  # noqa: ANN001
    """An index whose copy of visibility is wrong both ways.

    Report 1 is indexed as shared but the database keeps it to a circle; report 2 is indexed
    as kept to circle 5 but the database shares it.
    """
    b = fresh_backend()
    b.index_report(
        report(
            1,
            "Intern kartlegging",
            "Kvasirbyen har egne boligtiltak: boligkontoret og boligrådgiveren.",
            publisher="Lukket AS",
            year=2009,
            themes=["bolig"],
        )
    )
    b.index_report(
        report(
            2,
            "Delt rapport",
            "Tiltak for unge i kvasirbyene: bolig og ettervern.",
            publisher="Felles",
            year=2020,
            circle_id=5,
        )
    )
    b.index_report(report(3, "Annen delt rapport", "Bolig og ettervern for unge voksne."))
    return b


def test_visible_ids_decide_not_the_index_copy(stale: WhooshBackend) -> None:
    seen = frozenset({2, 3})  # what the database answers for an outsider
    for text in ("bolig", "kvasirbyen", "boligkontoret", "lukket", ""):
        result = stale.search(SearchQuery(text, seen))
        assert 1 not in {h.report_id for h in result.hits}, text
        assert "Lukket AS" not in dict(result.facets["publisher"]), text
        assert "2009" not in dict(result.facets["year"]), text
    assert stale.search(SearchQuery("", seen)).total == 2
    assert stale.search(SearchQuery("bolig", seen)).total == 2  # report 2 despite circle 5
    assert stale.search(SearchQuery("boligkontoret", seen, report_id=1)).total == 0
    assert stale.related(3, seen) == [2]
    assert stale.related(1, seen) == []
    assert stale.search(SearchQuery("bolig", frozenset())).total == 0
    # Ids the index does not hold are simply not there.
    assert stale.search(SearchQuery("", frozenset({3, 99}))).total == 1


def test_spelling_suggestion_and_its_surface_come_from_visible_reports(
    stale: WhooshBackend,
) -> None:
    # Report 1 says "Kvasirbyen", report 2 "kvasirbyene": both stem to "kvasirby".
    outsider = stale.search(SearchQuery("kvasirbyn", frozenset({2, 3})))
    assert outsider.suggestion == "kvasirbyene"
    insider = stale.search(SearchQuery("kvasirbyn", frozenset({1, 3})))
    assert insider.suggestion == "kvasirbyen"
    assert stale.search(SearchQuery("boligkontort", frozenset({2, 3}))).suggestion is None
    assert stale.search(SearchQuery("boligkontort", frozenset({1}))).suggestion == "boligkontoret"


def test_hidden_compounds_take_no_place_among_the_expansions(fresh_backend) -> None:
    """A first part expands only to compounds visible reports hold."""
    b = fresh_backend()
    hidden = " ".join(f"barnevern{chr(97 + i // 26)}{chr(97 + i % 26)}tiltak" for i in range(40))
    for rid in (1, 2, 3):
        b.index_report(report(rid, "Skjult", hidden))
    b.index_report(report(4, "Synlig", "Om barnevernsarbeidet i kommunen."))
    visible = b.search(SearchQuery("barnevern", frozenset({4})))
    assert visible.total == 1
    assert "<mark>barnevernsarbeidet</mark>" in visible.hits[0].pages[0].snippet
    # With every report visible the widespread compounds win the places, as before.
    assert PREFIX_MAX_EXPANSIONS < 40
    assert b.search(SearchQuery("barnevern", frozenset({1, 2, 3, 4}))).total == 3


def test_fingerprints_follow_what_was_indexed(stale: WhooshBackend) -> None:
    fps = stale.fingerprints()
    assert set(fps) == {1, 2, 3}
    assert fps[1].circle_id is None and fps[2].circle_id == 5
    doc = report(3, "Annen delt rapport", "Bolig og ettervern for unge voksne.")
    assert fps[3] == fingerprint(doc)
    changed = report(3, "Annen delt rapport", "Bolig og ettervern for unge.")
    assert fingerprint(changed).pages != fps[3].pages
    assert fingerprint(changed).metadata == fps[3].metadata
    stale.compact()  # a compaction rebuilds from the stored text: same fingerprints
    assert stale.fingerprints() == fps
