"""audit_event.key_hash: what a rate limit counts besides the client address

Revision ID: c3f1d2a9b7e4
Revises: d1a2b3c4e5f6
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f1d2a9b7e4'
down_revision = "d1a2b3c4e5f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_event_key_hash'), ['key_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_key_hash'))
        batch_op.drop_column('key_hash')
