"""edit history for thread titles and status updates; withdrawn files and archived projects

Thread titles and status updates keep earlier versions in thread_text_revision; project files
can be withdrawn (their versions stay) and projects archived.

Revision ID: e4b8a1c2d3f7
Revises: 7c2e4a91d0b3
Create Date: 2026-12-02 09:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4b8a1c2d3f7"
down_revision = "7c2e4a91d0b3"
branch_labels = None
depends_on = None

NEW_COLUMNS = (
    ("thread", "title_edited_at"),
    ("status_update", "edited_at"),
    ("project", "archived_at"),
    ("project_file", "withdrawn_at"),
)


def upgrade():
    op.create_table(
        "thread_text_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "target",
            sa.Enum("thread", "status", name="revision_target", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["editor_id"],
            ["member.id"],
            name=op.f("fk_thread_text_revision_editor_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_text_revision")),
    )
    op.create_index(
        "ix_thread_text_revision_target", "thread_text_revision", ["target", "target_id"]
    )
    # Plain ADD COLUMN everywhere: rebuilding these tables on SQLite would, with foreign keys
    # on, cascade the drop of the old table to the rows that point at it.
    for table, column in NEW_COLUMNS:
        op.add_column(table, sa.Column(column, sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for table, column in reversed(NEW_COLUMNS):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # native since SQLite 3.35
        else:
            op.drop_column(table, column)
    op.drop_index("ix_thread_text_revision_target", table_name="thread_text_revision")
    op.drop_table("thread_text_revision")
