"""Messages the store sends (text, email): the outbox a worker claims, with each message's status; the store's
postal address for the foot of marketing emails

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('messages',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('outreach_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('transport', sa.String(length=10), nullable=True),
    sa.Column('provider_id', sa.String(length=200), nullable=True),
    sa.Column('base_url', sa.String(length=200), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("channel IN ('text', 'email')", name=op.f('ck_messages_channel_valid')),
    sa.CheckConstraint("kind IN ('marketing', 'transactional')", name=op.f('ck_messages_kind_valid')),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'refused')",
                       name=op.f('ck_messages_status_valid')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_messages_client_id_clients'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outreach_id'], ['outreaches.id'], name=op.f('fk_messages_outreach_id_outreaches'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_messages_store_id_stores'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_messages_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    op.create_index('ix_messages_status_next', 'messages', ['status', 'next_try_at'])
    op.create_index('ix_messages_store_client', 'messages', ['store_id', 'client_id', 'created_at'])
    op.create_index('ix_messages_provider_id', 'messages', ['provider_id'])
    op.create_index(op.f('ix_messages_user_id'), 'messages', ['user_id'])
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postal_address', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_column('postal_address')
    op.drop_table('messages')
