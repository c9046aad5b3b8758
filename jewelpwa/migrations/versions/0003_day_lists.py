"""day_lists: each associate's ranked list for a day, so Today reads its top rows

In holiday season every contactable client is on a list: 16,000 cards for one associate of a 50,000-client
store. Ranking them on every Today request took seconds; the worker ranks them once after planning and
Today reads the first rows by position (see services/engine/day_lists.py).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'day_lists',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('listed_on', sa.Date(), nullable=False),
        sa.Column('max_follow_up_id', sa.Integer(), nullable=False),
        sa.Column('cards', sa.Integer(), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_day_lists_store_id_stores'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_day_lists_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_day_lists')),
        sa.UniqueConstraint('user_id', 'listed_on', name=op.f('uq_day_lists_user_id_listed_on')),
    )
    op.create_index(op.f('ix_day_lists_store_id'), 'day_lists', ['store_id'], unique=False)
    op.create_table(
        'day_list_cards',
        sa.Column('day_list_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['day_list_id'], ['day_lists.id'], name=op.f('fk_day_list_cards_day_list_id_day_lists'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('day_list_id', 'position', name=op.f('pk_day_list_cards')),
    )
    op.create_index('ix_day_list_cards_list_client', 'day_list_cards', ['day_list_id', 'client_id'], unique=False)


def downgrade():
    op.drop_index('ix_day_list_cards_list_client', table_name='day_list_cards')
    op.drop_table('day_list_cards')
    op.drop_index(op.f('ix_day_lists_store_id'), table_name='day_lists')
    op.drop_table('day_lists')
