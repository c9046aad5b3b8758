"""Campaigns that send: a campaign's message (channel, subject, body), its sending state and throttle, one
message per (campaign, client), and the store's sending pace

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('send_channel', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('subject', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('send_state', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('sent_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('send_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('send_finished_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('send_next_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('send_base_url', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_campaigns_sent_by_id_users'), 'users', ['sent_by_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_check_constraint('send_channel_valid', "send_channel IN ('text', 'email')")
        batch_op.create_check_constraint('send_state_valid', "send_state IN ('draft', 'sending', 'sent')")
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_messages_campaign_id_campaigns'), 'campaigns', ['campaign_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_messages_campaign_client', ['campaign_id', 'client_id'], unique=True)
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messages_per_minute', sa.Integer(), server_default='60', nullable=False))
        batch_op.create_check_constraint('messages_per_minute_valid', 'messages_per_minute BETWEEN 1 AND 600')


def downgrade():
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_stores_messages_per_minute_valid'), type_='check')
        batch_op.drop_column('messages_per_minute')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_campaign_client')
        batch_op.drop_constraint(batch_op.f('fk_messages_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_column('campaign_id')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_campaigns_send_state_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_campaigns_send_channel_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_campaigns_sent_by_id_users'), type_='foreignkey')
        for column in ('send_base_url', 'send_next_at', 'send_finished_at', 'send_started_at', 'sent_by_id', 'send_state', 'body',
                       'subject', 'send_channel'):
            batch_op.drop_column(column)
