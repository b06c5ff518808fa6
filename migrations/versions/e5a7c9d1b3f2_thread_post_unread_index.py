"""thread_post (thread_id, id) index: unread counts range from the member's last visit

Revision ID: e5a7c9d1b3f2
Revises: e4b8a1c2d3f7
Create Date: 2026-12-02 10:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e5a7c9d1b3f2"
down_revision = "e4b8a1c2d3f7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("thread_post", schema=None) as batch_op:
        batch_op.create_index("ix_thread_post_thread_id_id", ["thread_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("thread_post", schema=None) as batch_op:
        batch_op.drop_index("ix_thread_post_thread_id_id")
