"""One open generation of the Whoosh index with the per-report data searches need."""

from __future__ import annotations

import logging
import os
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from circle.search.query import parse_year
from library.search import FACET_FIELDS, Fingerprint
from library.search.schema import KIND_META

log = logging.getLogger(__name__)


@dataclass
class ReportInfo:
    """What one search process keeps in memory about an indexed report.

    The report's circle is left out on purpose: who may see a report is decided by the
    visible report ids the database gives each search, never by the index's copy.
    """

    rid: int
    meta_doc: int
    year: int | None
    publisher: str
    document_type: str
    language: str
    themes: tuple[str, ...]
    pages: range = range(0)


class IndexData:
    """An open searcher, its reports' metadata and page ranges, and cached field lengths.

    Valid for one index generation; a new one is made when the index changes.
    """

    def __init__(self, searcher: Searcher, token: Any = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.token = token
        self.pid = os.getpid()
        self.context = searcher.context()
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.reports: dict[int, ReportInfo] = {}
        self.meta_rid: dict[int, int] = {}
        self._load_reports()
        self.n_meta = max(len(self.reports), 1)
        self.n_pages = max(searcher.doc_count() - len(self.reports), 1)
        self._meta_len: dict[str, dict[int, int]] = {}
        self._avg_len: dict[str, float] = {}
        self._page_len: dict[int, int] = {}
        self._page_len_loaded: set[int] = set()
        self._by_start = sorted(
            (r for r in self.reports.values() if len(r.pages)), key=lambda r: r.pages.start
        )

    def _load_reports(self) -> None:
        for docnum in self._ids("kind", KIND_META):
            stored = self.searcher.stored_fields(docnum)
            meta = stored.get("meta") or {}
            rid = int(stored["rid"])
            self.meta_rid[docnum] = rid
            self.reports[rid] = ReportInfo(
                rid=rid,
                meta_doc=docnum,
                year=meta.get("year"),
                publisher=meta.get("publisher") or "",
                document_type=meta.get("document_type") or "",
                language=meta.get("language") or "",
                themes=tuple(meta.get("themes") or ()),
            )
        for info in self.reports.values():
            ids = self._page_ids(info)
            if ids:
                lo, hi, count = ids
                # One writer adds all pages of a report in a row and merges keep that order,
                # so a report's pages are one run of document numbers.
                if hi - lo + 1 == count:
                    info.pages = range(lo, hi + 1)
                else:
                    # Never guess a range that could hold another report's pages; the report
                    # stays findable by its metadata until a rebuild restores the order.
                    log.error("pages of report %s are not contiguous; rebuild the index", info.rid)

    def _page_ids(self, info: ReportInfo) -> tuple[int, int, int] | None:
        """Return (first, last, count) of a report's page documents, or None without pages."""
        text = str(info.rid)
        for reader, offset in self.leaves:
            if ("rid", text) not in reader:
                continue
            if not reader.has_deletions():
                # Without deletions the term's statistics say it all: no posting walk needed.
                ti = reader.term_info("rid", text)
                first, last, count = ti.min_id() + offset, ti.max_id() + offset, ti.doc_frequency()
                if first <= info.meta_doc <= last:
                    count -= 1
                    if info.meta_doc == last:
                        last -= 1
                    elif info.meta_doc == first:
                        first += 1
                if count > 0:
                    return first, last, count
                continue
            ids = [d + offset for d in reader.postings("rid", text).all_ids()]
            ids = [d for d in ids if d != info.meta_doc]
            if ids:
                return min(ids), max(ids), len(ids)
        return None

    def _ids(self, fieldname: str, text: str) -> list[int]:
        try:
            return list(self.reader.postings(fieldname, text).all_ids())
        except TermNotFound:
            return []

    def postings(
        self, fieldname: str, text: str, ranges: list[tuple[int, int]] | None = None
    ) -> list[tuple[int, float]]:
        """Return ``(docnum, frequency)`` of a term, optionally only inside docnum ranges."""
        out: list[tuple[int, float]] = []
        for reader, offset in self.leaves:
            try:
                m = reader.postings(fieldname, text)
            except TermNotFound:
                continue
            if ranges is None:
                while m.is_active():
                    out.append((m.id() + offset, m.weight()))
                    m.next()
                continue
            size = reader.doc_count_all()
            for lo, hi in ranges:
                lo, hi = lo - offset, hi - offset
                if hi < 0 or lo >= size:
                    continue
                if not m.is_active():
                    break
                if m.id() < lo:
                    m.skip_to(lo)
                while m.is_active() and m.id() <= hi:
                    out.append((m.id() + offset, m.weight()))
                    m.next()
        return out

    def _meta_rids(self, fieldname: str, text: str) -> set[int]:
        get = self.meta_rid.get
        return {r for r in (get(d) for d, _ in self.postings(fieldname, text)) if r is not None}

    def _meta_length(self, fieldname: str) -> tuple[dict[int, int], float]:
        lengths = self._meta_len.get(fieldname)
        if lengths is None:
            # W3 segments answer None, not the default, for a document without the field.
            dfl = self.reader.doc_field_length
            docs = [i.meta_doc for i in self.reports.values()]
            lengths = {d: dfl(d, fieldname, 0) or 0 for d in docs}
            self._meta_len[fieldname] = lengths
            self._avg_len[fieldname] = max(sum(lengths.values()) / self.n_meta, 1.0)
        return lengths, self._avg_len[fieldname]

    def _page_lengths(self, infos: Iterable[ReportInfo]) -> tuple[dict[int, int], float]:
        dfl = self.reader.doc_field_length
        for info in infos:
            if info.rid not in self._page_len_loaded:
                for d in info.pages:
                    self._page_len[d] = dfl(d, "content", 0) or 0
                self._page_len_loaded.add(info.rid)
        if "content" not in self._avg_len:
            total = self.reader.field_length("content")
            self._avg_len["content"] = max(total / self.n_pages, 1.0)
        return self._page_len, self._avg_len["content"]

    def report_ids(self) -> set[int]:
        """Return the ids of all reports in this generation."""
        return set(self.reports)

    def close(self) -> None:
        """Close the searcher if this process opened it."""
        if self.pid == os.getpid():
            self.searcher.close()

    def visible(self, report_ids: frozenset[int]) -> set[int]:
        """Return the indexed reports among ``report_ids`` (the database's visible reports).

        The index's own copy of each report's circle is not consulted: it may be stale.
        """
        reports = self.reports
        if len(report_ids) < len(reports):
            return {r for r in report_ids if r in reports}
        return {r for r in reports if r in report_ids}

    def allowed(self, visible: set[int], filters: dict[str, str]) -> set[int]:
        """Return the visible reports that pass the facet filters."""
        checks = filter_checks(filters)
        if not checks:
            return set(visible)
        reports = self.reports
        return {r for r in visible if all(check(reports[r]) for check in checks)}

    def scope(self, visible: set[int]) -> frozenset[int] | None:
        """Return ``visible`` for vocabulary lookups, or None when every report is visible."""
        return None if len(visible) == len(self.reports) else frozenset(visible)

    def has_term(self, fieldname: str, text: str, scope: frozenset[int] | None) -> bool:
        """Return whether a report in ``scope`` (None: any report) holds the term in a meta field."""
        if scope is None:
            return (fieldname, text) in self.reader
        get = self.meta_rid.get
        for reader, offset in self.leaves:
            try:
                m = reader.postings(fieldname, text)
            except TermNotFound:
                continue
            while m.is_active():
                if get(m.id() + offset) in scope:
                    return True
                m.next()
        return False

    def term_reports(self, fieldname: str, text: str, scope: frozenset[int] | None) -> int:
        """Return how many reports in ``scope`` (None: all) hold the term in a meta field."""
        if scope is None:
            return self.reader.doc_frequency(fieldname, text)
        return len(self._meta_rids(fieldname, text) & scope)

    def terms_with_prefix(self, fieldname: str, prefix: str) -> Iterator[str]:
        """Yield the index terms of a field that start with ``prefix``."""
        for raw in self.reader.expand_prefix(fieldname, prefix):
            yield raw.decode("utf-8") if isinstance(raw, bytes) else raw

    def phrase_docs(
        self,
        fieldname: str,
        stems: tuple[str, ...],
        ranges: list[tuple[int, int]],
        first_only: bool = False,
    ) -> list[int]:
        """Return documents inside ``ranges`` whose field holds the phrase (one per range if asked).

        Walks the phrase's term postings in step and compares positions directly, which costs
        far less than Whoosh's span machinery on long posting lists.
        """
        out: list[int] = []
        for reader, offset in self.leaves:
            try:
                ms = [reader.postings(fieldname, s) for s in stems]
            except TermNotFound:
                continue
            size = reader.doc_count_all()
            for lo, hi in ranges:
                lo, hi = lo - offset, hi - offset
                if hi < 0 or lo >= size:
                    continue
                target = lo
                while target <= hi:
                    d = _leapfrog(ms, target)
                    if d is None:
                        break
                    if d > hi:
                        break
                    if _adjacent([m.value_as("positions") for m in ms]):
                        out.append(d + offset)
                        if first_only:
                            break
                    target = d + 1
                if any(not m.is_active() for m in ms):
                    break
        return out

    def facets(self, rids: Iterable[int]) -> dict[str, list[tuple[str, int]]]:
        """Return report counts per facet value among ``rids``."""
        return facet_counts(self.reports[rid] for rid in rids)

    def fingerprints(self) -> dict[int, Fingerprint | None]:
        """Return the fingerprint stored with each report (None for older entries)."""
        out: dict[int, Fingerprint | None] = {}
        for rid in self.reports:
            meta = self.stored_meta(rid)
            fp = meta.get("fingerprint")
            out[rid] = (
                Fingerprint(meta.get("circle_id"), fp["metadata"], tuple(fp["pages"]))
                if isinstance(fp, dict)
                else None
            )
        return out

    def stored_meta(self, rid: int) -> dict[str, Any]:
        """Return the stored metadata of a report."""
        return self.searcher.stored_fields(self.reports[rid].meta_doc).get("meta") or {}

    def page_text(self, docnum: int) -> tuple[int, str]:
        """Return the page number and text of a page document."""
        stored = self.searcher.stored_fields(docnum)
        raw = stored.get("text") or b""
        return int(stored.get("page") or 0), zlib.decompress(raw).decode("utf-8") if raw else ""


def facet_counts(infos: Iterable[ReportInfo]) -> dict[str, list[tuple[str, int]]]:
    """Return report counts per facet value: years newest first, the rest most common first."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    for info in infos:
        if info.year:
            counters["year"][str(info.year)] += 1
        if info.publisher:
            counters["publisher"][info.publisher] += 1
        if info.document_type:
            counters["document_type"][info.document_type] += 1
        for theme in set(info.themes):
            counters["theme"][theme] += 1
        if info.language:
            counters["language"][info.language] += 1
    out = {}
    for name, counter in counters.items():
        if name == "year":
            out[name] = sorted(counter.items(), key=lambda kv: kv[0], reverse=True)
        else:
            out[name] = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return out


def filter_checks(filters: dict[str, str]) -> list[Any]:
    checks = []
    for key, raw in (filters or {}).items():
        value = (raw or "").strip()
        if not value:
            continue
        if key == "year":
            years = parse_year(value) or (0, -1)
            checks.append(lambda i, y=years: i.year is not None and y[0] <= i.year <= y[1])
        elif key == "publisher":
            checks.append(lambda i, v=value: i.publisher == v)
        elif key == "document_type":
            checks.append(lambda i, v=value: i.document_type == v)
        elif key == "theme":
            checks.append(lambda i, v=value: v in i.themes)
        elif key == "language":
            checks.append(lambda i, v=value: i.language == v)
        else:
            raise ValueError(f"unknown search filter: {key!r}")
    return checks


def _leapfrog(ms: list[Any], target: int) -> int | None:
    """Move all matchers to the first document >= target that they all contain."""
    while True:
        top = target
        for m in ms:
            if not m.is_active():
                return None
            if m.id() < top:
                m.skip_to(top)
                if not m.is_active():
                    return None
            top = max(top, m.id())
        if all(m.id() == top for m in ms):
            return top
        target = top


def _adjacent(positions: list[list[int]]) -> bool:
    """Return whether the words occur one after another somewhere."""
    first, rest = positions[0], [set(p) for p in positions[1:]]
    return any(all(p + i in later for i, later in enumerate(rest, 1)) for p in first)
