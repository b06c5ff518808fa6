"""Index storage: concurrent writers, atomic rebuilds with a journal, crashes and compaction."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from circle.search.storage import IndexBusyError, IndexStore
from library.search import ReportDoc, SearchQuery
from library.search.whoosh_backend import WhooshBackend
from tests.library.helpers import (
    EVERY_ID,
    crash_during_rebuild,
    report,
    search_repeatedly,
    small_library,
    write_reports,
)

ALL = EVERY_ID


def total(b: WhooshBackend, text: str) -> int:
    return b.search(SearchQuery(text, ALL)).total


def folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.startswith("ix-"))


def test_rebuild_swaps_in_a_new_folder(tmp_path: Path) -> None:
    b = WhooshBackend(tmp_path)
    for doc in small_library():
        b.index_report(doc)
    before = folders(tmp_path)
    progress: list[int] = []
    b.rebuild(iter(small_library()[:3]), progress=progress.append)
    after = folders(tmp_path)
    assert len(after) == 1 and after != before  # new folder in, old folder removed
    assert progress == [1, 2, 3]
    assert b.report_ids() == {1, 2, 3}
    assert total(b, "barnevern") == 3


def test_failed_rebuild_leaves_the_old_index(tmp_path: Path) -> None:
    b = WhooshBackend(tmp_path)
    for doc in small_library():
        b.index_report(doc)
    before = folders(tmp_path)

    def broken() -> Iterator[ReportDoc]:
        yield report(50, "Ny", "Tekst om fosterhjem.")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        b.rebuild(broken())
    assert folders(tmp_path) == before
    assert not (tmp_path / "rebuilding").exists()
    assert b.report_ids() == {1, 2, 3, 4, 5, 6}
    assert total(b, "fosterhjem") == 0
    b.index_report(report(51, "Etterpå", "Skrevet etter feilen om fosterhjem."))
    assert total(b, "fosterhjem") == 1
    b.rebuild(iter(small_library()))  # and a later rebuild still works
    assert b.report_ids() == {1, 2, 3, 4, 5, 6}


def test_crash_mid_rebuild_leaves_a_usable_index(tmp_path: Path) -> None:
    b = WhooshBackend(tmp_path)
    for doc in small_library():
        b.index_report(doc)
    proc = multiprocessing.get_context("spawn").Process(
        target=crash_during_rebuild, args=(str(tmp_path),)
    )
    proc.start()
    proc.join(60)
    assert proc.exitcode == 3
    fresh = WhooshBackend(tmp_path)
    assert fresh.report_ids() == {1, 2, 3, 4, 5, 6}
    assert total(fresh, "fosterhjem") == 0
    fresh.index_report(report(60, "Etter krasjet", "Om fosterhjem."))  # no journal, no lock
    assert total(fresh, "fosterhjem") == 1
    fresh.rebuild(iter(small_library()))
    assert len(folders(tmp_path)) == 1  # the crashed rebuild's folder is cleaned up


def test_writes_during_a_rebuild_are_not_lost(tmp_path: Path) -> None:
    builder = WhooshBackend(tmp_path)
    other = WhooshBackend(tmp_path)  # another worker, with its own lock file handles
    for doc in small_library():
        builder.index_report(doc)

    def docs() -> Iterator[ReportDoc]:
        library = small_library()
        yield library[0]
        other.index_report(report(70, "Lastet opp under bygging", "Om fosterhjem og bolig."))
        other.delete_report(1)
        other.index_report(report(2, "Endret under bygging", "Nå om institusjon."))
        yield from library[1:]

    builder.rebuild(docs())
    assert not (tmp_path / "rebuilding").exists()
    assert not list(tmp_path.glob("ix-*/journal.jsonl"))
    assert other.report_ids() == {2, 3, 4, 5, 6, 70}
    assert total(other, "fosterhjem") == 1
    assert total(other, "institusjon") == 1
    assert total(other, "husbanken") == 0  # report 2's old text is gone


def test_rebuild_from_nothing_gives_an_empty_index(tmp_path: Path) -> None:
    b = WhooshBackend(tmp_path)
    b.index_report(report(1, "Gammel", "Om fosterhjem."))
    b.rebuild(iter([]))
    assert b.report_ids() == set()
    assert total(b, "fosterhjem") == 0
    b.index_report(report(2, "Ny", "Om fosterhjem."))
    assert total(b, "fosterhjem") == 1


def test_readers_pick_up_a_swapped_index(tmp_path: Path) -> None:
    reader = WhooshBackend(tmp_path)
    writer = WhooshBackend(tmp_path)
    writer.index_report(report(1, "Gammel", "Om fosterhjem."))
    assert total(reader, "fosterhjem") == 1
    writer.rebuild(iter([report(2, "Ny", "Om institusjon.")]))
    assert total(reader, "fosterhjem") == 0
    assert total(reader, "institusjon") == 1
    writer.index_report(report(3, "Nyere", "Om institusjon igjen."))
    assert total(reader, "institusjon") == 2


def test_second_rebuild_at_once_is_refused(tmp_path: Path) -> None:
    first = WhooshBackend(tmp_path)
    second = WhooshBackend(tmp_path)
    errors: list[Exception] = []

    def docs() -> Iterator[ReportDoc]:
        try:
            second.rebuild(iter([report(9, "X", "Y")]))
        except IndexBusyError as exc:
            errors.append(exc)
        yield report(1, "A", "Om bolig.")

    first.rebuild(docs())
    assert len(errors) == 1
    assert first.report_ids() == {1}
    assert len(folders(tmp_path)) == 1


def test_write_lock_times_out_clearly(tmp_path: Path) -> None:
    b = WhooshBackend(tmp_path, lock_timeout=0.2)
    with IndexStore(tmp_path).write_lock(), pytest.raises(IndexBusyError, match="0.2 s"):
        b.index_report(report(1, "A", "B"))


def test_compact_merges_segments_and_keeps_everything(tmp_path: Path) -> None:
    b = WhooshBackend(tmp_path)
    for doc in small_library():
        b.index_report(doc)
    b.delete_report(4)
    assert b.segment_count() == 6
    before = {t: total(b, t) for t in ("barnevern", "bolig", '"psykisk helse"', "year:2017")}
    b.compact()
    assert b.segment_count() == 1
    assert b.report_ids() == {1, 2, 3, 5, 6}
    assert {t: total(b, t) for t in before} == before
    hit = b.search(SearchQuery("ettervern", ALL)).hits[0]
    assert hit.report_id == 1 and hit.pages[0].page == 2


@pytest.mark.slow
def test_concurrent_writers_from_several_processes(tmp_path: Path) -> None:
    root = str(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    jobs = [
        (list(range(1, 9)), [3]),
        (list(range(11, 19)), [15, 16]),
        (list(range(21, 29)), []),
        (list(range(31, 39)), [31]),
    ]
    with ctx.Pool(5) as pool:
        reader = pool.apply_async(search_repeatedly, (root, 40))
        results = [pool.apply_async(write_reports, (root, ids, gone)) for ids, gone in jobs]
        assert [r.get(timeout=120) for r in results] == [8, 8, 8, 8]
        reader.get(timeout=120)  # searching meanwhile raised nothing
    expected = {i for ids, _ in jobs for i in ids} - {3, 15, 16, 31}
    b = WhooshBackend(tmp_path)
    assert b.report_ids() == expected
    assert b.search(SearchQuery("bolig ettervern", ALL)).total == len(expected)
