"""The site search on Whoosh: a second index folder beside the reports', the same analyzer."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from circle.hooks import SearchEntry
from circle.search.analysis import PREFIX_BOOST, NorwegianText
from circle.search.site import Alt, SitePlan, StoredEntry, entry_digest, split_key
from circle.search.spelling import SPELL_SCAN_LIMIT, edit_distance
from circle.search.storage import IndexStore

TITLE_BOOST = 2.0


def make_site_schema() -> fields.Schema:
    """Return the schema of site entries: key, kind, circle, analysed title and body."""
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kind=fields.ID(),
        circle=fields.ID(),
        title=NorwegianText(field_boost=TITLE_BOOST),
        body=NorwegianText(),
        stored=fields.STORED(),
    )


def _document(entry: SearchEntry) -> dict[str, object]:
    stored = {
        "kind": entry.kind,
        "circle_id": entry.circle_id,
        "title": entry.title,
        "body": entry.body,
        "url": entry.url,
        "date": entry.date.isoformat() if entry.date else None,
        "digest": entry_digest(entry),
    }
    return {
        "key": entry.key,
        "kind": entry.kind,
        "circle": str(entry.circle_id),
        "title": entry.title,
        "body": entry.body,
        "stored": json.dumps(stored, ensure_ascii=False),
    }


def _alt_query(alt: Alt) -> wq.Query:
    names = ("title",) if alt.title_only else ("title", "body")
    if len(alt.stems) > 1:
        return wq.Or([wq.Phrase(name, list(alt.stems)) for name in names])
    stem = alt.stems[0]
    parts: list[wq.Query] = [wq.Term(name, stem) for name in names]
    if alt.prefix:  # compounds by their first part, scored below the word itself
        parts += [wq.Prefix(name, stem, boost=PREFIX_BOOST) for name in names]
    return wq.Or(parts)


def whoosh_query(plan: SitePlan, circle_id: int) -> wq.Query:
    """Return the Whoosh query of a plan, limited to one circle."""
    must: list[wq.Query] = [wq.Term("circle", str(circle_id))]
    must += [wq.Or([_alt_query(a) for a in clause]) for clause in plan.positive]
    query: wq.Query = wq.And(must)
    if plan.negative:
        query = wq.AndNot(query, wq.Or([_alt_query(a) for c in plan.negative for a in c]))
    return query


class WhooshSiteBackend:
    """Site entries in a Whoosh index under ``root`` (a folder per build, as the reports')."""

    def __init__(self, root: Path, lock_timeout: float = 30.0) -> None:
        self.store = IndexStore(Path(root), lock_timeout)
        self._lock = threading.Lock()
        self._refs: tuple[tuple[str, int], dict[int, tuple[str, int, int]]] | None = None

    def _doc_refs(self, ix: FileIndex, searcher: Searcher) -> dict[int, tuple[str, int, int]]:
        """Return (kind, id, circle) of every live document number, read from the key and
        circle terms once per generation of the index (so a search never reads stored fields
        to filter)."""
        generation = (str(ix.storage.folder), ix.latest_generation())
        with self._lock:
            if self._refs is not None and self._refs[0] == generation:
                return self._refs[1]
        reader = searcher.reader()
        circles: dict[int, int] = {}
        for term in reader.lexicon("circle"):
            for docnum in reader.postings("circle", term).all_ids():
                circles[docnum] = int(term.decode("utf-8"))
        refs = {}
        for term in reader.lexicon("key"):
            kind, ref = split_key(term.decode("utf-8"))
            # Postings skip deleted documents, so a replaced entry's old words never count.
            for docnum in reader.postings("key", term).all_ids():
                refs[docnum] = (kind, ref, circles.get(docnum, 0))
        with self._lock:
            self._refs = (generation, refs)
        return refs

    @contextlib.contextmanager
    def _visible_docs(
        self, circle_id: int, visible: dict[str, frozenset[int]]
    ) -> Iterator[tuple[Searcher, dict[int, tuple[str, int, int]], set[int]] | None]:
        """Yield a searcher, the document refs and the circle's visible document numbers (None
        when there is no index or nothing visible)."""
        ix = self._open()
        if ix is None:
            yield None
            return
        with ix.searcher() as searcher:
            refs = self._doc_refs(ix, searcher)
            allowed = {
                d
                for d, (kind, ref, c) in refs.items()
                if c == circle_id and ref in visible.get(kind, ())
            }
            yield (searcher, refs, allowed) if allowed else None

    def _open(self) -> FileIndex | None:
        folder = self.store.current()
        return index.open_dir(str(folder)) if folder is not None else None

    def _writable(self) -> FileIndex:
        # Called with the write lock held: only one process creates the first index.
        ix = self._open()
        if ix is None:
            folder = self.store.new_folder()
            ix = index.create_in(str(folder), make_site_schema())
            self.store.point_to(folder)
        return ix

    def upsert(self, entries: Iterable[SearchEntry]) -> None:
        """Add or replace entries by key."""
        entries = list(entries)
        if not entries:
            return
        with self.store.write_lock():
            writer = self._writable().writer()
            for entry in entries:
                writer.update_document(**_document(entry))
            writer.commit()
            self._journal("upsert", lambda: {"entries": [_entry_data(e) for e in entries]})

    def delete(self, keys: Iterable[str]) -> None:
        """Remove entries by key."""
        keys = list(keys)
        if not keys:
            return
        with self.store.write_lock():
            ix = self._open()
            if ix is not None:
                writer = ix.writer()
                for key in keys:
                    writer.delete_by_term("key", key)
                writer.commit()
            self._journal("delete", lambda: {"keys": keys})

    def _journal(self, op: str, payload: Callable[[], dict[str, Any]]) -> None:
        # Recorded after the live index took the change, under the same lock, so a rebuild
        # replays exactly the changes that happened meanwhile, in order (as the reports' do).
        building = self.store.rebuild_folder()
        if building is not None:
            self.store.journal(building, op, payload())

    def rebuild(self, entries: Iterable[SearchEntry]) -> int:
        """Build a new folder with these entries and swap it in.

        Writes other processes make meanwhile go to the live index and to a journal that is
        replayed before the swap, so an upsert or delete during a rebuild is never lost.
        """
        folder = self.store.new_folder()
        try:
            with self.store.rebuilding(folder):
                ix = index.create_in(str(folder), make_site_schema())
                writer = ix.writer()
                count = 0
                for entry in entries:
                    writer.add_document(**_document(entry))
                    count += 1
                writer.commit()
                with self.store.write_lock():
                    count += _replay(ix, IndexStore.read_journal(folder))
                    self.store.point_to(folder)
                    self.store.end_rebuild(folder)
                self.store.remove_folders(keep={folder.name})
        except BaseException:
            if self.store.current() != folder:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        return count

    def digests(self) -> dict[str, str]:
        """Return each indexed key with its digest."""
        ix = self._open()
        if ix is None:
            return {}
        with ix.searcher() as searcher:
            return {
                fields_["key"]: json.loads(fields_["stored"])["digest"]
                for fields_ in searcher.all_stored_fields()
            }

    def match(
        self, plan: SitePlan, circle_id: int, visible: dict[str, frozenset[int]]
    ) -> list[tuple[str, float]]:
        """Return (key, score) of matching entries among the visible ones."""
        with self._visible_docs(circle_id, visible) as docs:
            if docs is None:
                return []
            searcher, refs, allowed = docs
            found = searcher.search(whoosh_query(plan, circle_id), limit=None, filter=allowed)
            return [
                (f"{refs[d][0]}:{refs[d][1]}", float(score or 0.0))
                for d, score in found.items()
                if d in refs
            ]

    def present_terms(
        self, terms: set[str], circle_id: int, visible: dict[str, frozenset[int]]
    ) -> set[str]:
        """Return those of ``terms`` that a title or text of a visible entry holds."""
        with self._visible_docs(circle_id, visible) as docs:
            if docs is None or not terms:
                return set()
            reader, allowed = docs[0].reader(), docs[2]
            return {t for t in terms if allowed & _docs_with(reader, t, first=allowed)}

    def near_terms(
        self, stem: str, maxdist: int, circle_id: int, visible: dict[str, frozenset[int]]
    ) -> list[tuple[str, int]]:
        """Return (term, visible entries holding it) of near terms in the visible vocabulary."""
        with self._visible_docs(circle_id, visible) as docs:
            if docs is None:
                return []
            reader, allowed = docs[0].reader(), docs[2]
            near: set[str] = set()
            for name in ("title", "body"):
                for raw in islice(reader.expand_prefix(name, stem[:2]), SPELL_SCAN_LIMIT):
                    term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    if term != stem and abs(len(term) - len(stem)) <= maxdist:
                        if edit_distance(stem, term, maxdist) <= maxdist:
                            near.add(term)
            counted = ((t, len(allowed & _docs_with(reader, t))) for t in sorted(near))
            return [(t, n) for t, n in counted if n]

    def load(self, keys: list[str]) -> dict[str, StoredEntry]:
        """Return the stored entries of these keys."""
        ix = self._open()
        if ix is None or not keys:
            return {}
        out = {}
        with ix.searcher() as searcher:
            for key in keys:
                found = searcher.document(key=key)
                if found is not None:
                    out[key] = _stored(key, json.loads(found["stored"]))
        return out


def _entry_data(entry: SearchEntry) -> dict[str, Any]:
    data = dataclasses.asdict(entry)
    data["date"] = entry.date.isoformat() if entry.date else None
    return data


def _replay(ix: FileIndex, ops: list[dict[str, Any]]) -> int:
    """Apply changes journalled during a rebuild (the last per key counts); return how many
    entries that added or removed."""
    final: dict[str, SearchEntry | None] = {}
    for op in ops:
        if op["op"] == "upsert":
            for data in op["entries"]:
                day = data.get("date")
                entry = SearchEntry(**{**data, "date": date.fromisoformat(day) if day else None})
                final.pop(entry.key, None)
                final[entry.key] = entry
        else:
            for key in op["keys"]:
                final.pop(key, None)
                final[key] = None
    if not final:
        return 0
    added = 0
    with ix.searcher() as searcher:
        had = {key for key in final if searcher.document(key=key) is not None}
    writer = ix.writer()
    try:
        for key, entry in final.items():
            writer.delete_by_term("key", key)
            if entry is not None:
                writer.add_document(**_document(entry))
            added += (entry is not None) - (key in had)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return added


def _docs_with(reader: IndexReader, term: str, first: set[int] | None = None) -> set[int]:
    """Return the documents whose title or text holds ``term`` (stop at one of ``first``)."""
    docs: set[int] = set()
    for name in ("title", "body"):
        if (name, term) not in reader:
            continue
        for docnum in reader.postings(name, term).all_ids():
            docs.add(docnum)
            if first is not None and docnum in first:
                return docs
    return docs


def _stored(key: str, data: dict[str, object]) -> StoredEntry:
    day = data.get("date")
    return StoredEntry(
        key=key,
        kind=str(data["kind"]),
        circle_id=int(data["circle_id"]),  # type: ignore[call-overload]
        title=str(data["title"]),
        body=str(data["body"]),
        url=str(data["url"]),
        date=date.fromisoformat(str(day)) if day else None,
    )
