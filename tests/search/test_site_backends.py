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
