"""Replies by email and bounces: a client's own time zone (quiet hours), the address a hard bounce condemned (and
when), one stored reply per provider message id (a webhook retried twice at once stores one row), and a store's own
sending number

Revision ID: 0028
Revises: 0027
"""
import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('email_bounced_to', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('email_bounced_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_from', sa.String(length=20), nullable=True))
        batch_op.create_index('uq_stores_sms_from', ['sms_from'], unique=True)
    op.create_index('uq_messages_inbound_provider_id', 'messages', ['channel', 'provider_id'], unique=True,
                    postgresql_where=sa.text("direction = 'in'"), sqlite_where=sa.text("direction = 'in'"))


def downgrade():
    op.drop_index('uq_messages_inbound_provider_id', table_name='messages')
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_index('uq_stores_sms_from')
        batch_op.drop_column('sms_from')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('email_bounced_at')
        batch_op.drop_column('email_bounced_to')
        batch_op.drop_column('time_zone')
