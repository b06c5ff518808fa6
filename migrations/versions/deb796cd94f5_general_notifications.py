"""general notifications: one table for every area's notices, and muted kinds

Thread notifications move from thread_notification into notification (kind, subject, actor,
recipient, read/unread; thread and post for thread notices). Members may turn kinds off
(notification_muted_kind).

Revision ID: deb796cd94f5
Revises: c3f1d2a9b7e4
Create Date: 2026-12-01 22:09:23.860073

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "deb796cd94f5"
down_revision = "c3f1d2a9b7e4"
branch_labels = None
depends_on = None

THREAD_KINDS = ("new_thread", "post", "reply", "mention", "resolved")


def upgrade():
    op.create_table(
        "notification_muted_kind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_notification_muted_kind_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_muted_kind")),
        sa.UniqueConstraint("member_id", "kind", name=op.f("uq_notification_muted_kind_member_id")),
    )
    with op.batch_alter_table("notification_muted_kind", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_muted_kind_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_kind", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["member.id"],
            name=op.f("fk_notification_actor_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_notification_circle_id_circle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_notification_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["thread_post.id"],
            name=op.f("fk_notification_post_id_thread_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
            name=op.f("fk_notification_thread_id_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_mail", ["mailed_at", "member_id"], unique=False)
        batch_op.create_index(
            "ix_notification_subject", ["subject_kind", "subject_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notification_thread_id"), ["thread_id"], unique=False)
        batch_op.create_index("ix_notification_unread", ["member_id", "read_at"], unique=False)

    # Keep every thread notice: the bell, read marks and pending e-mails carry over.
    op.execute(
        "INSERT INTO notification (member_id, circle_id, kind, actor_id, subject_kind, "
        "subject_id, title, detail, thread_id, post_id, created_at, read_at, mailed_at) "
        "SELECT n.member_id, n.circle_id, n.kind, n.actor_id, 'thread', n.thread_id, t.title, "
        "'', n.thread_id, n.post_id, n.created_at, n.read_at, n.mailed_at "
        "FROM thread_notification n JOIN thread t ON t.id = n.thread_id ORDER BY n.id"
    )

    with op.batch_alter_table("thread_notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_notification_mail"))
        batch_op.drop_index(batch_op.f("ix_thread_notification_thread_id"))
        batch_op.drop_index(batch_op.f("ix_thread_notification_unread"))
    op.drop_table("thread_notification")


def downgrade():
    op.create_table(
        "thread_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(*THREAD_KINDS, name="notice_kind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["member.id"],
            name=op.f("fk_thread_notification_actor_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_thread_notification_circle_id_circle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_thread_notification_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["thread_post.id"],
            name=op.f("fk_thread_notification_post_id_thread_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["thread.id"],
            name=op.f("fk_thread_notification_thread_id_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_notification")),
    )
    with op.batch_alter_table("thread_notification", schema=None) as batch_op:
        batch_op.create_index(
            "ix_thread_notification_mail", ["mailed_at", "member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_thread_notification_thread_id"), ["thread_id"], unique=False
        )
        batch_op.create_index(
            "ix_thread_notification_unread", ["member_id", "read_at"], unique=False
        )
    kinds = ", ".join(f"'{k}'" for k in THREAD_KINDS)
    op.execute(
        "INSERT INTO thread_notification (member_id, circle_id, thread_id, post_id, actor_id, "
        "kind, created_at, read_at, mailed_at) "
        "SELECT member_id, circle_id, thread_id, post_id, actor_id, kind, created_at, read_at, "
        f"mailed_at FROM notification WHERE thread_id IS NOT NULL AND kind IN ({kinds}) "
        "ORDER BY id"
    )

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_unread")
        batch_op.drop_index(batch_op.f("ix_notification_thread_id"))
        batch_op.drop_index("ix_notification_subject")
        batch_op.drop_index("ix_notification_mail")
    op.drop_table("notification")
    with op.batch_alter_table("notification_muted_kind", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_muted_kind_member_id"))
    op.drop_table("notification_muted_kind")
