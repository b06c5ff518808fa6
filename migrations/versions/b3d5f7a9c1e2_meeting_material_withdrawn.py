"""meeting materials can be withdrawn

meeting_material.withdrawn_at: a withdrawn material is gone for everyone but the circle's
leaders, who keep the file.

Revision ID: b3d5f7a9c1e2
Revises: ed7992b791ed
Create Date: 2026-12-02 10:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b3d5f7a9c1e2"
down_revision = "f3b9d6a2c8e1"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: rebuilding the table on SQLite would cascade to its rows' references.
    op.add_column(
        "meeting_material", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE meeting_material DROP COLUMN withdrawn_at")
    else:
        op.drop_column("meeting_material", "withdrawn_at")
