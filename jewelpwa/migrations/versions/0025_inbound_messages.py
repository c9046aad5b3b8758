"""Replies from clients: a message's direction ('out' sent by the store, 'in' a client's reply) and the 'received'
status an inbound text has

Revision ID: 0025
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

_OLD = "status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'refused')"
_NEW = "status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'refused', 'received')"


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('direction', sa.String(length=3), server_default='out', nullable=False))
        batch_op.drop_constraint(batch_op.f('ck_messages_status_valid'), type_='check')
        batch_op.create_check_constraint('status_valid', _NEW)
        batch_op.create_check_constraint('direction_valid', "direction IN ('out', 'in')")


def downgrade():
    op.execute("DELETE FROM messages WHERE direction = 'in'")
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_messages_direction_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_messages_status_valid'), type_='check')
        batch_op.create_check_constraint('status_valid', _OLD)
        batch_op.drop_column('direction')
