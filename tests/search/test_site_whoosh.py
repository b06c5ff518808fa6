"""The site index on Whoosh: writes from another process during `flask search reindex`
survive the swap (the journal the reports' index uses), and replaced text never counts."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from whoosh import index

from circle.hooks import SearchEntry
from circle.search.site import VisibleSearch
from circle.search.site_whoosh import WhooshSiteBackend, _document

ALL = {"post": frozenset(range(1, 100))}


def _entry(ref: int, body: str) -> SearchEntry:
    return SearchEntry.of("post", ref, 1, "Innlegg", body, f"/c/x/post/{ref}", date(2026, 3, 2))


def _found(backend: WhooshSiteBackend, text: str) -> set[str]:
    search = VisibleSearch(backend, 1, ALL)
    return {key for key, _kind, _score in search.matches(search.plan(text))}


def write_meanwhile(root: str) -> None:
    """Another worker's search.index jobs: an upsert of a new and a changed entry, a delete."""
    other = WhooshSiteBackend(Path(root))
    other.upsert([_entry(70, "Lagt til under byggingen, om hybelen.")])
    other.upsert([_entry(2, "Endret under byggingen, nå om institusjonen.")])
    other.delete(["post:1"])


def test_writes_from_another_process_during_a_rebuild_survive_the_swap(tmp_path: Path) -> None:
    root = tmp_path / "site"
    builder = WhooshSiteBackend(root)
    old = [_entry(1, "Om ettervernet."), _entry(2, "Om bostøtten."), _entry(3, "Om skolen.")]
    builder.rebuild(old)
    paused: list[bool] = []

    def entries() -> Iterator[SearchEntry]:
        # The rebuild read the database before the other worker's jobs ran: old text.
        yield old[0]
        yield old[1]
        proc = multiprocessing.get_context("spawn").Process(
            target=write_meanwhile, args=(str(root),)
        )
        proc.start()
        proc.join(120)
        assert proc.exitcode == 0
        # The live index took the writes at once; the folder being built has not yet.
        paused.append(_found(builder, "hybel") == {"post:70"})
        yield old[2]

    assert builder.rebuild(entries()) == 3
    assert paused == [True]
    assert not (root / "rebuilding").exists()
    assert not list(root.glob("ix-*/journal.jsonl"))
    assert len([p for p in root.iterdir() if p.name.startswith("ix-")]) == 1
    assert _found(builder, "hybel") == {"post:70"}  # the upsert survived the swap
    assert _found(builder, "institusjon") == {"post:2"}
    assert _found(builder, "bostøtte") == set()  # the changed entry's old text is gone
    assert _found(builder, "ettervern") == set()  # deleted during the rebuild, stays deleted
    assert _found(builder, "skole") == {"post:3"}
    assert set(builder.digests()) == {"post:2", "post:3", "post:70"}


def test_a_rebuild_without_concurrent_writes_leaves_no_journal(tmp_path: Path) -> None:
    builder = WhooshSiteBackend(tmp_path)
    builder.upsert([_entry(1, "Om ettervernet.")])  # no rebuild running: nothing journalled
    assert not list(tmp_path.glob("ix-*/journal.jsonl"))
    assert builder.rebuild([_entry(2, "Om skolen.")]) == 1
    assert _found(builder, "ettervern") == set() and _found(builder, "skole") == {"post:2"}


def test_replaced_text_left_in_an_unmerged_segment_never_counts(tmp_path: Path) -> None:
    backend = WhooshSiteBackend(tmp_path)
    backend.rebuild([_entry(1, "Om ungdommene."), _entry(2, "Om ettervernet.")])
    # A large index does not merge on every write: the old document stays, marked deleted.
    ix = index.open_dir(str(backend.store.current()))
    writer = ix.writer()
    writer.update_document(**_document(_entry(1, "Nå om hybelen.")))
    writer.commit(merge=False)
    search = VisibleSearch(backend, 1, ALL)
    assert search.vocabulary({"ungdom", "hybel"}) == {"hybel"}
    assert search.suggest("ungdommne", 0) is None
    assert search.suggest("hybeln", 0) == "hybelen"
