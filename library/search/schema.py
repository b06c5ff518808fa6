"""Whoosh schema of the library index and a segment writer tuned for bulk page text."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from whoosh import fields, formats
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3LeafMatcher
from whoosh.matching import ReadTooFar
from whoosh.system import pack_uint
from whoosh.writing import PostingPool, SegmentWriter

from circle.search.analysis import NorwegianAnalyzer, NorwegianText, analyze

# Page documents carry rid, page, text and content; one "meta" document per report carries
# the report's metadata and its whole vocabulary (rterms), so that matching, totals and facets
# work per report without walking every page.
KIND_META = "meta"


class TermCounts(fields.FieldType):
    """Unpositioned, scorable field fed a ready ``{term: count}`` mapping."""

    def __init__(self, language: str = "nb") -> None:
        super().__init__(
            formats.Frequency(), NorwegianAnalyzer(language), scorable=True, stored=False
        )

    def index(
        self, value: Mapping[str, int] | str, **kwargs: Any
    ) -> Iterator[tuple[bytes, int, float, bytes]]:
        """Yield ``(term bytes, frequency, weight, encoded frequency)`` per term."""
        counts = Counter(analyze(value)) if isinstance(value, str) else value
        return ((t.encode("utf-8"), n, float(n), pack_uint(n)) for t, n in counts.items() if n)


def make_schema() -> fields.Schema:
    """Return the schema shared by page and meta documents."""
    return fields.Schema(
        rid=fields.ID(stored=True),
        kind=fields.ID(),
        page=fields.STORED(),
        text=fields.STORED(),
        content=NorwegianText(),
        rterms=TermCounts(),
        title=NorwegianText(),
        keywords=NorwegianText(),
        publisher=NorwegianText(),
        author=fields.TEXT(analyzer=NorwegianAnalyzer(stem=False), phrase=True),
        year=fields.ID(),
        meta=fields.STORED(),
    )


class _Lengths:
    """Field lengths of the segment being written, read once per field instead of per posting."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._cols: dict[str, list[int]] = {}

    def column(self, fieldname: str) -> list[int]:
        col = self._cols.get(fieldname)
        if col is None:
            dfl = self._reader.doc_field_length
            col = [dfl(d, fieldname, 0) or 0 for d in range(self._reader.doc_count_all())]
            self._cols[fieldname] = col
        return col


class _LeafMatcher(W3LeafMatcher):
    """W3 postings matcher whose skip_to bisects inside a block instead of stepping."""

    def skip_to(self, targetid: int) -> None:
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            self._skip_to_block(lambda: targetid > self._maxid)
            if not self.is_active():
                return
        if self._ids is None:
            self._read_ids()
        # After the block skip, targetid <= the block's last id, so i stays inside the block.
        self._i = bisect_left(self._ids, targetid, self._i)


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema: fields.Schema, lengths: Any, items: Iterable[Any]) -> None:
        if lengths is None:  # pragma: no cover - W3 always keeps length statistics
            super().add_postings(schema, lengths, items)
        else:
            _add_postings(self, schema, _Lengths(lengths), items)


class LibraryCodec(W3Codec):
    """Whoosh's W3 format, written and read with less per-posting Python overhead.

    Segments remember their codec, so indexes written with it are read with it too; the
    files are plain W3 files.
    """

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _FieldWriter(self, storage, segment)

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return _LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class _Pool(PostingPool):
    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        # Same bookkeeping as PostingPool.add without its per-posting assertions.
        self.currentsize += 130 + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


class FastSegmentWriter(SegmentWriter):
    """SegmentWriter using LibraryCodec and a posting pool without per-item assertions."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        # Uncompressed posting blocks: zlib took ~10% of indexing time and slowed reads, for
        # postings about 1.8 times smaller; disk is the cheaper resource here.
        kwargs.setdefault("codec", LibraryCodec(compression=0))
        super().__init__(ix, **kwargs)
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=kwargs.get("limitmb", 128))


def _add_postings(
    fw: W3FieldWriter,
    schema: fields.Schema,
    lengths: _Lengths,
    items: Iterable[tuple[str, bytes, int, float, bytes]],
) -> None:
    # Mirrors whoosh.codec.base.FieldWriter.add_postings plus W3PostingsWriter.add_posting;
    # the pool yields postings sorted by (field, term, docnum), so no order checks are needed.
    lastfn: str | None = None
    lasttext: bytes | None = None
    pw: Any = None
    lens: list[int] | None = None
    blocklimit = 0
    for fieldname, btext, docnum, weight, value in items:
        if fieldname != lastfn:
            if lasttext is not None:
                fw.finish_term()
            if lastfn is not None:
                fw.finish_field()
            fieldobj = schema[fieldname]
            fw.start_field(fieldname, fieldobj)
            lastfn, lasttext = fieldname, None
            pw = fw._postwriter
            blocklimit = pw._blocklimit
            lens = lengths.column(fieldname) if fieldobj.scorable else None
        if docnum == -1:  # Whoosh's marker for spelling words; this schema has none
            continue
        if btext != lasttext:
            if lasttext is not None:
                fw.finish_term()
            fw.start_term(btext)
            lasttext = btext
        if len(pw._ids) >= blocklimit:
            pw._write_block()
        pw._ids.append(docnum)
        pw._weights.append(weight)
        if weight > pw._maxweight:
            pw._maxweight = weight
        if value:
            pw._values.append(value)
        length = lens[docnum] if lens is not None else 0
        if length:
            if pw._minlength is None or length < pw._minlength:
                pw._minlength = length
            if length > pw._maxlength:
                pw._maxlength = length
    if lasttext is not None:
        fw.finish_term()
    if lastfn is not None:
        fw.finish_field()
