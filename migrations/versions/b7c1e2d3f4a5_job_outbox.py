"""job outbox: background jobs written in the transaction that causes them

Revision ID: b7c1e2d3f4a5
Revises: a5b81271deb2
Create Date: 2026-12-01 22:10:00

"""

import sqlalchemy as sa
from alembic import op

# Revisions never import application code: a released revision must mean the same schema
# whatever the code looks like later.

revision = "b7c1e2d3f4a5"
down_revision = "a5b81271deb2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=200), nullable=True),
        sa.Column("once_key", sa.String(length=200), nullable=True),
        sa.Column("circle_id", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["circle_id"], ["circle.id"], name="fk_job_circle_id_circle", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_job"),
        sa.UniqueConstraint("once_key", name="uq_job_once_key"),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_circle_id", ["circle_id"], unique=False)
        batch_op.create_index("ix_job_state_run_after", ["state", "run_after"], unique=False)


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_state_run_after")
        batch_op.drop_index("ix_job_circle_id")
    op.drop_table("job")
