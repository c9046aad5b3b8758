"""segments, campaigns and calendar feeds (issue 7)

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'segments',
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('filter', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_segments_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_segments_store_id_stores'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
        sa.UniqueConstraint('store_id', 'name', name=op.f('uq_segments_store_id_name')),
    )
    op.create_index(op.f('ix_segments_store_id'), 'segments', ['store_id'], unique=False)
    op.create_table(
        'campaigns',
        sa.Column('segment_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('channel', sa.String(length=8), nullable=True),
        sa.Column('opens_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('filter', sa.JSON(), nullable=False),
        sa.Column('made', sa.Integer(), nullable=False),
        sa.Column('left_out', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('opens_on <= due_on AND due_on <= expires_on', name=op.f('ck_campaigns_window_ordered')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_campaigns_segment_id_segments'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_campaigns_store_id_stores'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    )
    op.create_index(op.f('ix_campaigns_store_id'), 'campaigns', ['store_id'], unique=False)
    op.create_index('ix_campaigns_store_created', 'campaigns', ['store_id', 'created_at'], unique=False)
    op.create_table(
        'calendar_feeds',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_calendar_feeds_store_id_stores'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
        sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id')),
    )
    op.create_index(op.f('ix_calendar_feeds_store_id'), 'calendar_feeds', ['store_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_calendar_feeds_store_id'), table_name='calendar_feeds')
    op.drop_table('calendar_feeds')
    op.drop_index('ix_campaigns_store_created', table_name='campaigns')
    op.drop_index(op.f('ix_campaigns_store_id'), table_name='campaigns')
    op.drop_table('campaigns')
    op.drop_index(op.f('ix_segments_store_id'), table_name='segments')
    op.drop_table('segments')
