"""thread_post (thread_id, depth, id) index: a long thread is shown a page of branches at a time

A page of a thread starts from a window of its replies to the opening post (depth 1) in the
order they came; the page count is the number of those replies. Both range over this index
instead of reading every post of the thread.

Revision ID: c8e2a4f6b1d3
Revises: f3c1a9e7b2d4
Create Date: 2026-12-02 21:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c8e2a4f6b1d3"
down_revision = "f3c1a9e7b2d4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("thread_post", schema=None) as batch_op:
        batch_op.create_index(
            "ix_thread_post_thread_id_depth_id", ["thread_id", "depth", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("thread_post", schema=None) as batch_op:
        batch_op.drop_index("ix_thread_post_thread_id_depth_id")
