"""postgresql search: report rows, page rows with tsvectors and GIN, vocabulary with pg_trgm

The tables of the PostgreSQL search backend (SEARCH_BACKEND=postgresql). On PostgreSQL the
term vectors are tsvectors with GIN indexes and the vocabulary has a trigram index (pg_trgm)
for "Mente du"; on SQLite the same tables are plain and stay empty (Whoosh is used there).

Revision ID: e4a7c9d2b1f3
Revises: deb796cd94f5
Create Date: 2026-12-02 09:45:00.000000

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "e4a7c9d2b1f3"
down_revision = "deb796cd94f5"
branch_labels = None
depends_on = None


def upgrade():
    pg = op.get_bind().dialect.name == "postgresql"
    vector = postgresql.TSVECTOR() if pg else sa.Text()
    meta = postgresql.JSONB() if pg else sa.JSON()
    term = postgresql.TEXT(collation="C") if pg else sa.Text()
    if pg:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_report",
        sa.Column("report_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("length", sa.Integer(), server_default="0", nullable=False),
        sa.Column("facets", meta, nullable=False),
        sa.Column("meta", meta, nullable=False),
        sa.Column("title", vector, nullable=False),
        sa.Column("keywords", vector, nullable=False),
        sa.Column("publisher", vector, nullable=False),
        sa.Column("author", vector, nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_search_report")),
    )
    op.create_table(
        "search_page",
        sa.Column("report_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("page", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tsv", vector, nullable=False),
        sa.PrimaryKeyConstraint("report_id", "page", name=op.f("pk_search_page")),
    )
    op.create_index("ix_search_page_tsv", "search_page", ["tsv"], postgresql_using="gin")
    op.create_table(
        "search_term",
        sa.Column("term", term, nullable=False),
        sa.Column("report_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", "report_id", name=op.f("pk_search_term")),
    )
    op.create_index("ix_search_term_report_id", "search_term", ["report_id"])
    op.create_index(
        "ix_search_term_trgm",
        "search_term",
        ["term"],
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )


def downgrade():
    op.drop_index("ix_search_term_trgm", table_name="search_term")
    op.drop_index("ix_search_term_report_id", table_name="search_term")
    op.drop_table("search_term")
    op.drop_index("ix_search_page_tsv", table_name="search_page")
    op.drop_table("search_page")
    op.drop_table("search_report")
    # pg_trgm stays: other objects of the database may use it.
