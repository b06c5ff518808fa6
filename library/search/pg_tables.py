"""Tables of the PostgreSQL search backend: report rows, page rows and the vocabulary."""

from __future__ import annotations

from sqlalchemy import DDL, Column, Index, Integer, Table, Text, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator

from circle.extensions import db
from circle.identity import exempt
from circle.search.pgtext import TSVector

_COPY = exempt("a copy of report text and metadata the guard scanned when they were saved")


class JSONDoc(TypeDecorator):
    """JSONB on PostgreSQL, JSON text elsewhere."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):  # noqa: ANN001, ANN201
        """Return JSONB on PostgreSQL."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSONB())
        return dialect.type_descriptor(db.JSON())


# One row per indexed report: facets, metadata and the term vectors of its title, keywords,
# publisher and authors (with positions, for phrases). Which words its pages hold, and how
# often, is in search_term.
search_report = Table(
    "search_report",
    db.metadata,
    Column("report_id", Integer, primary_key=True, autoincrement=False),
    Column("circle_id", Integer, nullable=True),
    Column("year", Integer, nullable=True),
    # How many terms the report's pages hold, for BM25's length normalisation.
    Column("length", Integer, nullable=False, server_default="0"),
    # Publisher, document type, language and themes: what facets and filters read, apart
    # from the bulky metadata so a search reads little per visible report.
    Column("facets", JSONDoc, nullable=False, info=_COPY),
    Column("meta", JSONDoc, nullable=False, info=_COPY),
    Column("title", TSVector, nullable=False, info=_COPY),
    Column("keywords", TSVector, nullable=False, info=_COPY),
    Column("publisher", TSVector, nullable=False, info=_COPY),
    Column("author", TSVector, nullable=False, info=_COPY),
)

# One row per page with text: the text for snippets and its terms with positions.
search_page = Table(
    "search_page",
    db.metadata,
    Column("report_id", Integer, primary_key=True, autoincrement=False),
    Column("page", Integer, primary_key=True, autoincrement=False),
    Column("body", Text, nullable=False, info=_COPY),
    Column("tsv", TSVector, nullable=False, info=_COPY),
    Index("ix_search_page_tsv", "tsv", postgresql_using="gin"),
)

# A page's term vector stays in its row (about 2.5 kB; it does not compress), rather than
# in TOAST chunks found through the TOAST index: every match, phrase check and page rank
# reads it, a tenth of the buffers. The body, read only for the pages shown, goes out instead.
event.listen(
    search_page,
    "after_create",
    DDL("ALTER TABLE search_page ALTER COLUMN tsv SET STORAGE MAIN").execute_if(
        dialect="postgresql"
    ),
)

# The vocabulary per report: linking-s spellings, compounds and "Mente du" are looked up
# only among the terms of reports the member may see. The term is compared byte-wise (C
# collation) so the primary key serves prefix lookups.
search_term = Table(
    "search_term",
    db.metadata,
    Column(
        "term",
        Text().with_variant(postgresql.TEXT(collation="C"), "postgresql"),
        primary_key=True,
        info=_COPY,
    ),
    Column("report_id", Integer, primary_key=True, autoincrement=False),
    Column("count", Integer, nullable=False),
    Index("ix_search_term_report_id", "report_id"),
    # The count in the index: a search reads its words' rows by index-only scans (the rows of
    # one term lie scattered over the table, one report after another).
    Index("ix_search_term_counts", "term", "report_id", postgresql_include=["count"]),
    Index(
        "ix_search_term_trgm",
        "term",
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    ),
)

event.listen(
    search_term,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
