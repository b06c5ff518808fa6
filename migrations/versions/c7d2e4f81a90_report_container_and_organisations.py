"""report: container title (journal) and organisation marks on author names

Revision ID: c7d2e4f81a90
Revises: b7c1e2d3f4a5
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2e4f81a90'
down_revision = "b7c1e2d3f4a5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('container_title', sa.String(length=300), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('organisation_marks', sa.JSON(), nullable=False, server_default='{}')
        )
    # Articles kept their journal in the publisher field: move it to where it belongs.
    report = sa.table(
        'report',
        sa.column('document_type', sa.String),
        sa.column('publisher', sa.String),
        sa.column('container_title', sa.String),
    )
    op.execute(
        report.update()
        .where(report.c.document_type == 'article', report.c.publisher != '')
        .values(container_title=report.c.publisher, publisher='')
    )


def downgrade():
    report = sa.table(
        'report',
        sa.column('document_type', sa.String),
        sa.column('publisher', sa.String),
        sa.column('container_title', sa.String),
    )
    op.execute(
        report.update()
        .where(
            report.c.document_type == 'article',
            report.c.publisher == '',
            report.c.container_title != '',
        )
        .values(publisher=report.c.container_title)
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('organisation_marks')
        batch_op.drop_column('container_title')
