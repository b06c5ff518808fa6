"""postgresql search: a covering index of the vocabulary; page term vectors kept in the row

Every search reads the vocabulary rows of its words and their compounds (which reports hold a
word, how often, how many reports do). Those rows lie scattered over the whole table, one
report after another; with the count in the index they come from an index-only scan.
On SQLite, where the search tables stay empty (Whoosh is used there), the index is a plain
one, as the models declare it: INCLUDE is PostgreSQL's.

Every match, phrase check and page rank reads each candidate page's tsvector (about 2.5 kB,
which does not compress): STORAGE MAIN keeps it in the row instead of in TOAST chunks, a tenth
of the buffers read. Rows written before keep their old layout until `flask library reindex`.

Revision ID: f3c1a9e7b2d4
Revises: b3d5f7a9c1e2
Create Date: 2026-12-02 10:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f3c1a9e7b2d4"
down_revision = "b7d3f1a9c2e4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_search_term_counts",
        "search_term",
        ["term", "report_id"],
        postgresql_include=["count"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_page ALTER COLUMN tsv SET STORAGE MAIN")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_page ALTER COLUMN tsv SET STORAGE EXTENDED")
    op.drop_index("ix_search_term_counts", table_name="search_term")
