"""edit history for thread titles and status updates; withdrawn files and archived projects

Thread titles and status updates keep earlier versions in thread_text_revision; project files
can be withdrawn (their versions stay) and projects archived.

Revision ID: e4b8a1c2d3f7
Revises: deb796cd94f5
Create Date: 2026-12-02 09:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4b8a1c2d3f7"
down_revision = "deb796cd94f5"
branch_labels = None
depends_on = None


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
    with op.batch_alter_table("thread") as batch_op:
        batch_op.add_column(sa.Column("title_edited_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("status_update") as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("project") as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("project_file") as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer()))
        batch_op.create_foreign_key(
            batch_op.f("fk_project_file_withdrawn_by_id_member"),
            "member",
            ["withdrawn_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("project_file") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_project_file_withdrawn_by_id_member"), type_="foreignkey"
        )
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("project") as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("status_update") as batch_op:
        batch_op.drop_column("edited_at")
    with op.batch_alter_table("thread") as batch_op:
        batch_op.drop_column("title_edited_at")
    op.drop_index("ix_thread_text_revision_target", table_name="thread_text_revision")
    op.drop_table("thread_text_revision")
