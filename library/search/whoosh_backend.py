"""Whoosh search backend: safe writes from many processes, atomic rebuilds, fast reads."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.index import EmptyIndexError, FileIndex

from circle.search.analysis import analyze, whoosh_language
from circle.search.storage import IndexStore
from library.search import Fingerprint, ReportDoc, SearchQuery, SearchResult, report_meta
from library.search.engine import IndexView
from library.search.schema import KIND_META, FastSegmentWriter, make_schema

log = logging.getLogger(__name__)


class WhooshBackend:
    """The library's search backend on a Whoosh index under ``root``.

    Writers from any number of processes take an flock'ed lock file in turn and commit without
    merging; ``rebuild`` and ``compact`` build a new folder and swap the ``current`` pointer,
    so readers always see a complete index.
    """

    def __init__(
        self,
        root: Path,
        lock_timeout: float = 30.0,
        *,
        limitmb: int = 256,
        batch_mb: float = 16.0,
    ) -> None:
        self.store = IndexStore(Path(root), lock_timeout)
        self.limitmb = limitmb
        # Rebuilds commit every batch_mb of text: bounded memory, a handful of segments.
        self.batch_bytes = int(batch_mb * 1_000_000)
        self._lock = threading.RLock()
        self._view: IndexView | None = None

    # ---------------------------------------------------------------- writes

    def index_report(self, doc: ReportDoc) -> None:
        """Add or replace a report and all its pages."""
        with self.store.write_lock():
            ix = self._writable_index()
            writer = FastSegmentWriter(ix, limitmb=self.limitmb)
            try:
                writer.delete_by_term("rid", str(doc.id))
                add_report(writer, doc)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(merge=False)
            self._journal("index", lambda: {"doc": dataclasses.asdict(doc)})

    def delete_report(self, report_id: int) -> None:
        """Remove a report and all its pages."""
        with self.store.write_lock():
            folder = self.store.current()
            if folder is not None:
                writer = FastSegmentWriter(index.open_dir(str(folder)), limitmb=self.limitmb)
                try:
                    writer.delete_by_term("rid", str(report_id))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit(merge=False)
            self._journal("delete", lambda: {"id": report_id})

    def _journal(self, op: str, payload: Callable[[], dict[str, Any]]) -> None:
        # Recorded after the live index took the change, under the same lock, so a rebuild
        # replays exactly the changes that happened, in order.
        building = self.store.rebuild_folder()
        if building is not None:
            self.store.journal(building, op, payload())

    def _writable_index(self) -> FileIndex:
        # Called with the write lock held, so only one process ever creates the first index.
        folder = self.store.current()
        if folder is not None:
            return index.open_dir(str(folder))
        folder = self.store.new_folder()
        ix = index.create_in(str(folder), make_schema())
        self.store.point_to(folder)
        return ix

    def rebuild(
        self, docs: Iterable[ReportDoc], progress: Callable[[int], None] | None = None
    ) -> None:
        """Build a fresh index from all reports in a new folder and swap it in atomically.

        Writes made by other processes meanwhile go to the live index and to a journal that
        is replayed before the swap. If anything fails, the new folder is dropped and the
        live index is untouched.
        """
        folder = self.store.new_folder()
        try:
            with self.store.rebuilding(folder):
                ix = index.create_in(str(folder), make_schema())
                self._bulk_add(ix, docs, progress)
                with self.store.write_lock():
                    _replay(ix, IndexStore.read_journal(folder), self.limitmb)
                    self.store.point_to(folder)
                    self.store.end_rebuild(folder)
                self.store.remove_folders(keep={folder.name})
        except BaseException:
            if self.store.current() != folder:
                shutil.rmtree(folder, ignore_errors=True)
            raise

    def _bulk_add(
        self, ix: FileIndex, docs: Iterable[ReportDoc], progress: Callable[[int], None] | None
    ) -> None:
        writer = None
        pending = 0
        seen: set[int] = set()
        try:
            for doc in docs:
                if doc.id in seen:
                    continue  # one writer cannot replace its own uncommitted documents
                seen.add(doc.id)
                if writer is None:
                    writer = FastSegmentWriter(ix, limitmb=self.limitmb)
                pending += add_report(writer, doc)
                if pending >= self.batch_bytes:
                    writer.commit(merge=False)
                    writer, pending = None, 0
                if progress is not None:
                    progress(len(seen))
            if writer is not None:
                writer.commit(merge=False)
                writer = None
        finally:
            if writer is not None:
                writer.cancel()

    def compact(self) -> None:
        """Rebuild the index from its own stored text, leaving one segment per batch.

        Incremental writes add one small segment each and never merge (merging in a
        request would block other writers); run this from a scheduled command instead.
        """
        folder = self.store.current()
        if folder is None:
            return
        # A private searcher: the shared one may be refreshed by other threads meanwhile.
        view = IndexView(index.open_dir(str(folder)).searcher())
        try:
            self.rebuild(_docs_from_view(view))
        finally:
            view.close()

    def segment_count(self) -> int:
        """Return how many segments the live index has (grows by one per write)."""
        view = self._current_view()
        return len(view.searcher.leaf_searchers()) if view else 0

    # ----------------------------------------------------------------- reads

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the reports matching a query, limited to ``query.visible_report_ids``."""
        return self._read(lambda v: v.search(query), SearchResult(0, [], {}, None))

    def related(
        self, report_id: int, visible_report_ids: frozenset[int], limit: int = 5
    ) -> list[int]:
        """Return ids of reports among ``visible_report_ids`` on similar topics."""
        return self._read(lambda v: v.related(report_id, visible_report_ids, limit), [])

    def report_ids(self) -> set[int]:
        """Return the ids of all indexed reports (for consistency checks)."""
        return self._read(lambda v: v.report_ids(), set())

    def fingerprints(self) -> dict[int, Fingerprint | None]:
        """Return each indexed report's fingerprint (None if indexed without one)."""
        return self._read(lambda v: v.fingerprints(), {})

    def close(self) -> None:
        """Close the open searcher."""
        with self._lock:
            if self._view is not None:
                self._view.close()
                self._view = None

    def _read(self, fn: Callable[[IndexView], Any], empty: Any) -> Any:
        with self._lock:
            for attempt in range(2):
                try:
                    view = self._current_view()
                    if view is None:
                        return empty
                    return fn(view)
                except (OSError, EmptyIndexError):
                    # A rebuild swapped the index and removed the folder under us: reopen.
                    if attempt:
                        raise
                    log.info("search index changed while reading; reopening")
                    self._drop_view()
        return empty  # pragma: no cover

    def _current_view(self) -> IndexView | None:
        with self._lock:
            stamp = self.store.pointer_stamp()
            view = self._view
            if view is not None and view.pid != os.getpid():
                # Forked worker: file positions are shared with the parent, never reuse them.
                self._view = view = None
            if view is not None and view.token == stamp:
                with contextlib.suppress(OSError):
                    if view.searcher.up_to_date():
                        return view
            # Reopen rather than Searcher.refresh(): whoosh-reloaded's reader reuse fails when
            # the old reader had a single segment, and the per-report caches start over anyway.
            self._drop_view()
            folder = self.store.current()
            if folder is None:
                return None
            self._view = IndexView(index.open_dir(str(folder)).searcher(), stamp)
            return self._view

    def _drop_view(self) -> None:
        if self._view is not None:
            with contextlib.suppress(Exception):
                self._view.close()
            self._view = None


# ------------------------------------------------------------------ helpers


def add_report(writer: Any, doc: ReportDoc) -> int:
    """Add the page and meta documents of a report to a writer; return the text bytes added."""
    rid = str(doc.id)
    counts: Counter[str] = Counter()
    size = 0
    for number, text in enumerate(doc.pages, 1):
        if not text or not text.strip():
            continue  # keep numbering: page n stays page n even after empty pages
        raw = text.encode("utf-8")
        size += len(raw)
        terms = analyze(text)
        counts.update(terms)
        # Level 1 halves the stored text at a fraction of the cost of higher levels.
        writer.add_document(rid=rid, page=number, text=zlib.compress(raw, 1), content=terms)
    title = " ".join(p for p in (doc.title, doc.subtitle) if p)
    meta = report_meta(doc, counts) | {"analysis": whoosh_language(doc.language)}
    fields: dict[str, Any] = {
        "rid": rid,
        "kind": KIND_META,
        "rterms": counts,
        "title": title,
        "keywords": " ; ".join([*doc.keywords, *doc.themes]),
        "publisher": doc.publisher,
        "author": " ; ".join(doc.authors),
        "meta": meta,
    }
    if doc.year:
        fields["year"] = str(doc.year)
    writer.add_document(**{k: v for k, v in fields.items() if v not in ("", None)})
    return size


def _replay(ix: FileIndex, ops: list[dict[str, Any]], limitmb: int) -> None:
    """Apply changes journalled during a rebuild; only the last change per report counts."""
    if not ops:
        return
    final: dict[int, dict[str, Any]] = {}
    for op in ops:
        rid = op["doc"]["id"] if op["op"] == "index" else op["id"]
        final.pop(rid, None)
        final[rid] = op
    writer = FastSegmentWriter(ix, limitmb=limitmb)
    try:
        for rid, op in final.items():
            writer.delete_by_term("rid", str(rid))
            if op["op"] == "index":
                add_report(writer, ReportDoc(**op["doc"]))
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)


def _docs_from_view(view: IndexView) -> Iterator[ReportDoc]:
    """Yield every report of an open index, rebuilt from its stored fields."""
    for info in sorted(view.reports.values(), key=lambda i: i.rid):
        meta = view.stored_meta(info.rid)
        pages: dict[int, str] = dict(view.page_text(docnum) for docnum in info.pages)
        count = max(meta.get("page_count") or 0, max(pages, default=0))
        yield ReportDoc(
            id=info.rid,
            title=meta.get("title") or "",
            pages=[pages.get(n, "") for n in range(1, count + 1)],
            subtitle=meta.get("subtitle") or "",
            authors=list(meta.get("authors") or []),
            year=meta.get("year"),
            publisher=meta.get("publisher") or "",
            document_type=meta.get("document_type") or "",
            language=meta.get("language") or "nb",
            themes=list(meta.get("themes") or []),
            keywords=list(meta.get("keywords") or []),
            circle_id=meta.get("circle_id"),
        )
