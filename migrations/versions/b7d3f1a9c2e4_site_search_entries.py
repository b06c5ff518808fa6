"""site search: one row per shared entry (minutes item, agenda, thread, post, write-up, update)

The table of the PostgreSQL site search (SEARCH_BACKEND=postgresql): the entry's text for
snippets and a tsvector of its Norwegian terms with a GIN index. On SQLite the same table is
plain and stays empty (Whoosh is used there).

Revision ID: b7d3f1a9c2e4
Revises: ed7992b791ed
Create Date: 2026-12-02 14:40:00.000000

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "b7d3f1a9c2e4"
down_revision = "b3d5f7a9c1e2"
branch_labels = None
depends_on = None


def upgrade():
    pg = op.get_bind().dialect.name == "postgresql"
    vector = postgresql.TSVECTOR() if pg else sa.Text()
    op.create_table(
        "search_entry",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.Column("tsv", vector, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_search_entry")),
    )
    op.create_index("ix_search_entry_tsv", "search_entry", ["tsv"], postgresql_using="gin")
    op.create_index("ix_search_entry_circle_kind", "search_entry", ["circle_id", "kind"])


def downgrade():
    op.drop_index("ix_search_entry_circle_kind", table_name="search_entry")
    op.drop_index("ix_search_entry_tsv", table_name="search_entry")
    op.drop_table("search_entry")
