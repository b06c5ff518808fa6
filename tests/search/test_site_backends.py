"""The contract both site-search backends keep: the same words found the same way (stems,
compounds by first part, phrases, exclusions), only among the visible ids of one circle,
writes by key that are safe to repeat, and a rebuild that replaces everything. Whoosh runs in
every pass; PostgreSQL where TEST_DATABASE_URL names one (the PostgreSQL pass)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from circle.hooks import SearchEntry
from circle.search.site import compile_plan, entry_digest
from tests.library.backends import BACKENDS, pg_schema_engine


def _backend(kind: str, folder: Path):  # noqa: ANN202
    if kind == "whoosh":
        from circle.search.site_whoosh import WhooshSiteBackend

        return WhooshSiteBackend(folder / "site")
    from circle.search.site_pg import PostgresSiteBackend, search_entry

    return PostgresSiteBackend(pg_schema_engine([search_entry]))


def _entry(kind: str, ref: int, body: str, circle: int = 1, title: str = "Tittel") -> SearchEntry:
    return SearchEntry.of(kind, ref, circle, title, body, f"/c/x/{kind}/{ref}", date(2026, 3, 2))


ENTRIES = [
    _entry("post", 1, "Barnevernstjenesten og NAV samarbeider om ettervern."),
    _entry("post", 2, "Ungdommene flytter i egen bolig etter overgangen."),
    _entry("minutes", 3, "Sirkelen vedtok en felles mal for overføringsmøter.", title="Møte 4"),
    _entry("minutes", 4, "Et annet vedtak om bolig og ettervern."),
    _entry("post", 5, "Ettervern i en annen sirkel.", circle=2),
]
ALL = {"post": frozenset({1, 2, 5}), "minutes": frozenset({3, 4})}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path):  # noqa: ANN201
    made = _backend(request.param, tmp_path)
    made.rebuild(ENTRIES)
    return made


def _found(backend, text: str, visible=ALL, circle: int = 1) -> set[str]:  # noqa: ANN001
    return {key for key, _score in backend.match(compile_plan(text), circle, visible)}


def test_words_are_found_by_stem_and_compounds_by_first_part(backend) -> None:  # noqa: ANN001
    assert _found(backend, "ungdom") == {"post:2"}
    assert _found(backend, "barnevern") == {"post:1"}  # barnevernstjenesten
    assert _found(backend, "vedtak") == {"minutes:4"}
    assert _found(backend, "vedtok") == {"minutes:3"}
    assert _found(backend, "møte") == {"minutes:3"}  # in the title


def test_phrases_exclusions_and_alternatives(backend) -> None:  # noqa: ANN001
    assert _found(backend, '"egen bolig"') == {"post:2"}
    assert _found(backend, '"bolig egen"') == set()
    assert _found(backend, "ettervern -bolig") == {"post:1"}
    assert _found(backend, "ungdommene OR overføringsmøter") == {"post:2", "minutes:3"}
    assert _found(backend, '"egen bolig') == {"post:2"}  # an unbalanced quote


def test_only_visible_ids_of_the_circle_are_matched(backend) -> None:  # noqa: ANN001
    assert _found(backend, "ettervern") == {"post:1", "minutes:4"}
    assert _found(backend, "ettervern", {"post": frozenset({1})}) == {"post:1"}
    assert _found(backend, "ettervern", {"minutes": frozenset({1})}) == set()
    assert _found(backend, "ettervern", {}) == set()
    assert _found(backend, "ettervern", circle=2) == {"post:5"}


def test_writes_by_key_are_safe_to_repeat(backend) -> None:  # noqa: ANN001
    changed = _entry("post", 2, "Nå handler innlegget om hybel.")
    backend.upsert([changed])
    backend.upsert([changed])
    assert _found(backend, "hybel") == {"post:2"}
    assert _found(backend, "ungdom") == set()
    backend.delete(["post:2", "post:99"])
    backend.delete(["post:2"])
    assert _found(backend, "hybel") == set()
    digests = backend.digests()
    assert "post:2" not in digests and digests["post:1"] == entry_digest(ENTRIES[0])


def test_load_returns_what_was_stored_and_rebuild_replaces_all(backend) -> None:  # noqa: ANN001
    stored = backend.load(["minutes:3", "post:404"])
    assert list(stored) == ["minutes:3"]
    entry = stored["minutes:3"]
    assert (entry.kind, entry.title, entry.url, entry.date) == (
        "minutes",
        "Møte 4",
        "/c/x/minutes/3",
        date(2026, 3, 2),
    )
    assert backend.rebuild([ENTRIES[1]]) == 1
    assert set(backend.digests()) == {"post:2"}


def _searched(backend, visible=ALL, circle: int = 1):  # noqa: ANN001, ANN202
    from circle.search.site import VisibleSearch

    return VisibleSearch(backend, circle, visible)


def _planned(backend, text: str, visible=ALL, circle: int = 1) -> set[str]:  # noqa: ANN001
    search = _searched(backend, visible, circle)
    return {key for key, _kind, _score in search.matches(search.plan(text))}


def test_a_linking_s_is_added_or_dropped_where_visible_words_meet(backend) -> None:  # noqa: ANN001
    backend.upsert(
        [
            _entry("post", 6, "Barnevernet i kommunen."),
            _entry("post", 7, "Barneverntjenesten svarer."),
            _entry("post", 8, "Forlaget gir ut boka."),
        ]
    )
    seen = {"post": frozenset({1, 6, 7, 8})}
    # post 1 writes "barnevernstjenesten", post 7 "barneverntjenesten"; "barnevern" is a word
    assert _planned(backend, "barneverntjenesten", seen) == {"post:1", "post:7"}
    assert _planned(backend, "barnevernstjeneste", seen) == {"post:1", "post:7"}
    # without the spellings (no vocabulary) each spelling finds only itself
    assert _found(backend, "barneverntjenesten", seen) == {"post:7"}
    # the first part must be a word a visible entry holds: post 6 hidden, no other spelling
    assert _planned(backend, "barneverntjenesten", {"post": frozenset({1, 7})}) == {"post:7"}
    # "for" is a stop word, never indexed: "forslag" does not become "forlag"
    assert _planned(backend, "forslag", seen) == set()
    assert _planned(backend, "-barneverntjenesten ettervern", seen) == set()


def test_title_field_matches_titles_only(backend) -> None:  # noqa: ANN001
    assert _planned(backend, "møte") == {"minutes:3"}
    assert _planned(backend, "title:møte") == {"minutes:3"}
    assert _planned(backend, "tittel:møter") == {"minutes:3"}
    assert _planned(backend, 'title:"møte 4"') == {"minutes:3"}
    assert _planned(backend, "title:ettervern") == set()  # only in the texts
    assert _planned(backend, "ettervern -title:tittel") == set()
    assert _planned(backend, "ettervern -title:møte") == {"post:1", "minutes:4"}
    assert _planned(backend, "title:ettervern OR ungdommene") == {"post:2"}


def test_unknown_fields_are_searched_as_typed(backend) -> None:  # noqa: ANN001
    backend.upsert([_entry("post", 9, "Vi møtes kl 14 i salen.")])
    seen = {"post": frozenset({9})}
    assert _planned(backend, "kl:14", seen) == {"post:9"}  # "kl 14", as the report search
    # fields the site's entries lack are not fields here: the text as typed, not its value
    assert _planned(backend, "forfatter:ettervern") == set()
    assert _planned(backend, "år:2026") == set()


def test_suggestions_come_from_visible_entries_of_the_circle_only(backend) -> None:  # noqa: ANN001
    assert _searched(backend).suggest("etervern", 0) == "ettervern"
    assert _searched(backend).suggest("etervern bolig", 0) == "ettervern bolig"
    assert _searched(backend, {"minutes": frozenset({4})}).suggest("etervern", 0) == "ettervern"
    # post 5 is in circle 2: its words are not offered in circle 1, even when its id is listed
    assert _searched(backend, {"post": frozenset({5})}).suggest("etervern", 0) is None
    assert _searched(backend, {"post": frozenset({5})}, circle=2).suggest("etervern", 0) == (
        "ettervern"
    )
    assert _searched(backend, {"post": frozenset({2})}).suggest("etervern", 0) is None
    assert _searched(backend, {}).suggest("etervern", 0) is None
    # the backends' own vocabulary look-ups see visible entries of the circle only
    assert dict(backend.near_terms("etervern", 2, 1, ALL))["ettervern"] == 2
    assert dict(backend.near_terms("etervern", 2, 1, {"post": frozenset({1, 5})})) == {
        "ettervern": 1
    }
    assert "ettervern" not in dict(backend.near_terms("etervern", 2, 1, {"post": frozenset({2})}))
    assert backend.present_terms({"ettervern", "ungdom"}, 1, {"post": frozenset({2, 5})}) == {
        "ungdom"
    }
    assert backend.present_terms({"ettervern"}, 2, {"post": frozenset({1})}) == set()
    # a quoted word, a field and a word that finds enough are left alone
    assert _searched(backend).suggest('"etervern"', 0) is None
    assert _searched(backend).suggest("ettervern", 2) is None


def test_a_word_gone_from_an_entry_is_not_suggested(backend) -> None:  # noqa: ANN001
    assert _searched(backend).suggest("ungdommne", 0) == "ungdommene"
    backend.upsert([_entry("post", 2, "Nå handler innlegget om hybel.")])
    assert _searched(backend).suggest("ungdommne", 0) is None
    backend.delete(["post:1"])
    assert _searched(backend, {"post": frozenset({1})}).suggest("etervern", 0) is None


def test_postgres_writes_during_a_rebuild_wait_for_it_and_survive(tmp_path: Path) -> None:
    import threading
    import time

    from sqlalchemy import text

    from circle.search.site_pg import PostgresSiteBackend

    backend = _backend("postgresql", tmp_path)  # skips without PostgreSQL
    backend.rebuild(ENTRIES)
    other = PostgresSiteBackend(backend.engine)  # a worker's job, on its own connection
    changed = _entry("post", 2, "Endret under byggingen, om hybelen.")
    writers: list[threading.Thread] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            other.upsert([changed])
            other.delete(["minutes:3"])
        except BaseException as exc:
            errors.append(exc)
            raise

    # Any session waiting for a lock on this test's own table (its schema comes first on the
    # search path), whatever the text of its statement.
    waiting = text(
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = to_regclass('search_entry')"
    )

    def entries():  # noqa: ANN202
        yield from ENTRIES[:3]  # read before the job ran: post 2's old text, minutes 3
        writer = threading.Thread(target=write)
        writer.start()
        writers.append(writer)
        deadline = time.monotonic() + 30
        with backend.engine.connect() as conn:  # until the job waits for the rebuild's lock
            while not conn.scalar(waiting):
                assert not errors, f"the job failed: {errors[0]!r}"
                assert writer.is_alive(), "the job finished without waiting for the rebuild"
                assert time.monotonic() < deadline, "the job never waited for the rebuild"
                time.sleep(0.01)
        yield from ENTRIES[3:]

    assert backend.rebuild(entries()) == len(ENTRIES)
    writers[0].join(30)
    assert not writers[0].is_alive()
    assert _found(backend, "hybel") == {"post:2"}
    assert _found(backend, "ungdom") == set()
    assert "minutes:3" not in backend.digests()
