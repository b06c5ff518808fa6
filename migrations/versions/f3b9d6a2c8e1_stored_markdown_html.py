"""stored HTML for Markdown fields: a `<field>_html` column each and the row's pipeline version

Nullable and not backfilled: a NULL rendering (or an older version) is rendered on read until
`flask text rerender` stores it, so the migration needs no application code.

Revision ID: f3b9d6a2c8e1
Revises: ed7992b791ed
Create Date: 2026-12-02 10:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# Revisions never import application code (see the revision before this one).

# revision identifiers, used by Alembic.
revision = "f3b9d6a2c8e1"
down_revision = "ed7992b791ed"
branch_labels = None
depends_on = None

# table -> its Markdown fields, as they were when this revision was written.
_FIELDS = {
    "agenda_item": ("description", "preparation"),
    "circle": ("description",),
    "minutes": ("evaluation",),
    "minutes_comment": ("body", "suggested_text"),
    "minutes_note": ("notes", "decision"),
    "project_log_entry": ("text",),
    "project_section": ("body",),
    "project_update": ("body",),
    "reading_list": ("description",),
    "report": ("abstract",),
    "status_update": ("body",),
    "thread": ("resolution",),
    "transition_matrix_cell": ("body",),
}


# Plain ALTER TABLE, never a batch "copy and move": on SQLite that drops and recreates the
# table, and dropping `thread` or `circle` with foreign keys on deletes their children's rows.
# Both SQLite (3.35+) and PostgreSQL add and drop a plain column in place.


def upgrade():
    for table, fields in _FIELDS.items():
        for field in fields:
            op.add_column(table, sa.Column(f"{field}_html", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("html_version", sa.Integer(), nullable=True))


def downgrade():
    for table, fields in reversed(_FIELDS.items()):
        op.drop_column(table, "html_version")
        for field in reversed(fields):
            op.drop_column(table, f"{field}_html")
