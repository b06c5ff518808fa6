"""meeting numbers unique per circle

Two leaders creating meetings at once could both take the next number; the constraint makes
the second insert fail, and create_meeting retries with the following number. Numbers that are
already duplicated are renumbered first: in each circle the oldest meeting keeps its number and
each later twin gets the next free number after the circle's highest.

Revision ID: 7c2e4a91d0b3
Revises: e4a7c9d2b1f3
Create Date: 2026-12-02 09:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c2e4a91d0b3"
down_revision = "e4a7c9d2b1f3"
branch_labels = None
depends_on = None


def _renumber_duplicates(conn) -> None:  # noqa: ANN001
    """Give every meeting that shares its circle's number with an older one a fresh number."""
    rows = conn.execute(
        sa.text("SELECT id, circle_id, number FROM meeting ORDER BY circle_id, number, id")
    ).all()
    highest: dict[int, int] = {}
    for _id, circle_id, number in rows:
        highest[circle_id] = max(highest.get(circle_id, 0), number or 0)
    seen: set[tuple[int, int]] = set()
    for meeting_id, circle_id, number in rows:
        if (circle_id, number) not in seen:
            seen.add((circle_id, number))
            continue
        highest[circle_id] += 1
        conn.execute(
            sa.text("UPDATE meeting SET number = :number WHERE id = :id"),
            {"number": highest[circle_id], "id": meeting_id},
        )


def upgrade():
    _renumber_duplicates(op.get_bind())
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_meeting_circle_id"), ["circle_id", "number"]
        )


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_meeting_circle_id"), type_="unique")
