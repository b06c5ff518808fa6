"""The site search on Whoosh: a second index folder beside the reports', the same analyzer."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from whoosh import fields, index
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from circle.hooks import SearchEntry
from circle.search.analysis import PREFIX_BOOST, NorwegianText
from circle.search.site import Alt, SitePlan, StoredEntry, entry_digest, split_key
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
    if len(alt) > 1:
        return wq.Or([wq.Phrase("title", list(alt)), wq.Phrase("body", list(alt))])
    stem = alt[0]
    parts: list[wq.Query] = [wq.Term("title", stem), wq.Term("body", stem)]
    if SitePlan.prefix(stem):  # compounds by their first part, scored below the word itself
        parts += [
            wq.Prefix("title", stem, boost=PREFIX_BOOST),
            wq.Prefix("body", stem, boost=PREFIX_BOOST),
        ]
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
        self._refs: tuple[tuple[str, int], dict[int, tuple[str, int]]] | None = None

    def _doc_refs(self, ix: FileIndex, searcher: Searcher) -> dict[int, tuple[str, int]]:
        """Return (kind, id) of every document number, read from the key terms once per
        generation of the index (so a search never reads stored fields to filter)."""
        generation = (str(ix.storage.folder), ix.latest_generation())
        with self._lock:
            if self._refs is not None and self._refs[0] == generation:
                return self._refs[1]
        reader = searcher.reader()
        refs = {}
        for term in reader.lexicon("key"):
            ref = split_key(term.decode("utf-8"))
            for docnum in reader.postings("key", term).all_ids():
                refs[docnum] = ref
        with self._lock:
            self._refs = (generation, refs)
        return refs

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

    def delete(self, keys: Iterable[str]) -> None:
        """Remove entries by key."""
        keys = list(keys)
        if not keys:
            return
        with self.store.write_lock():
            ix = self._open()
            if ix is None:
                return
            writer = ix.writer()
            for key in keys:
                writer.delete_by_term("key", key)
            writer.commit()

    def rebuild(self, entries: Iterable[SearchEntry]) -> int:
        """Build a new folder with these entries and swap it in."""
        folder = self.store.new_folder()
        try:
            ix = index.create_in(str(folder), make_site_schema())
            writer = ix.writer()
            count = 0
            for entry in entries:
                writer.add_document(**_document(entry))
                count += 1
            writer.commit()
            with self.store.write_lock():
                self.store.point_to(folder)
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
        ix = self._open()
        if ix is None:
            return []
        with ix.searcher() as searcher:
            refs = self._doc_refs(ix, searcher)
            allowed = {d for d, (kind, ref) in refs.items() if ref in visible.get(kind, ())}
            if not allowed:
                return []
            found = searcher.search(whoosh_query(plan, circle_id), limit=None, filter=allowed)
            return [
                (f"{refs[d][0]}:{refs[d][1]}", float(score or 0.0))
                for d, score in found.items()
                if d in refs
            ]

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
