"""stored file: state (processing, ready, refused), purpose and refusal

Revision ID: d1a2b3c4e5f6
Revises: c7d2e4f81a90
Create Date: 2026-12-01 23:30:00

"""

import sqlalchemy as sa
from alembic import op

# Revisions never import application code: a released revision must mean the same schema
# whatever the code looks like later.

revision = "d1a2b3c4e5f6"
down_revision = "c7d2e4f81a90"
branch_labels = None
depends_on = None


def upgrade():
    # Files stored before uploads were read in the background were read in the request: ready.
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "state",
                sa.Enum(
                    "processing",
                    "ready",
                    "refused",
                    name="file_state",
                    native_enum=False,
                    length=20,
                ),
                server_default="ready",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("refusal", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.drop_column("refusal")
        batch_op.drop_column("purpose")
        batch_op.drop_column("state")
