"""relationship extras (issue 8): share links, trade-up credit, loyalty tiers

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'loyalty_tiers',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('min_spend', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('perks', sa.Text(), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('min_spend >= 0', name=op.f('ck_loyalty_tiers_min_spend_not_negative')),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_loyalty_tiers_store_id_stores'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_tiers')),
        sa.UniqueConstraint('store_id', 'name', name=op.f('uq_loyalty_tiers_store_id_name')),
        sa.UniqueConstraint('store_id', 'min_spend', name=op.f('uq_loyalty_tiers_store_id_min_spend')),
    )
    op.create_index(op.f('ix_loyalty_tiers_store_id'), 'loyalty_tiers', ['store_id'], unique=False)
    op.create_table(
        'loyalty_policies',
        sa.Column('trade_up_enabled', sa.Boolean(), nullable=False),
        sa.Column('trade_up_percent', sa.Integer(), nullable=False),
        sa.Column('trade_up_multiple', sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column('trade_up_categories', sa.JSON(), nullable=False),
        sa.Column('share_phone', sa.String(length=40), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('trade_up_percent BETWEEN 1 AND 100', name=op.f('ck_loyalty_policies_percent_valid')),
        sa.CheckConstraint('trade_up_multiple >= 1', name=op.f('ck_loyalty_policies_multiple_valid')),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_loyalty_policies_store_id_stores'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_policies')),
        sa.UniqueConstraint('store_id', name=op.f('uq_loyalty_policies_store_id')),
    )
    op.create_index(op.f('ix_loyalty_policies_store_id'), 'loyalty_policies', ['store_id'], unique=False)
    op.create_table(
        'share_links',
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_share_links_client_id_clients'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_share_links_person_id_people'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_share_links_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_share_links_store_id_stores'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_share_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_share_links_token_hash')),
    )
    op.create_index(op.f('ix_share_links_store_id'), 'share_links', ['store_id'], unique=False)
    op.create_index('ix_share_links_client_person', 'share_links', ['client_id', 'person_id'], unique=False)
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lifetime_spend', sa.Numeric(precision=12, scale=2), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('loyalty_tier', sa.String(length=40), nullable=True))
    with op.batch_alter_table('trade_up_credits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_price', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('used_on', sa.Date(), nullable=True))
    # Existing clients start with what they have spent so far; tiers are named once the store sets them.
    op.execute("UPDATE clients SET lifetime_spend = (SELECT COALESCE(SUM(purchases.total), 0) FROM purchases "
               "WHERE purchases.client_id = clients.id)")


def downgrade():
    with op.batch_alter_table('trade_up_credits', schema=None) as batch_op:
        batch_op.drop_column('used_on')
        batch_op.drop_column('min_price')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('loyalty_tier')
        batch_op.drop_column('lifetime_spend')
    op.drop_index('ix_share_links_client_person', table_name='share_links')
    op.drop_index(op.f('ix_share_links_store_id'), table_name='share_links')
    op.drop_table('share_links')
    op.drop_index(op.f('ix_loyalty_policies_store_id'), table_name='loyalty_policies')
    op.drop_table('loyalty_policies')
    op.drop_index(op.f('ix_loyalty_tiers_store_id'), table_name='loyalty_tiers')
    op.drop_table('loyalty_tiers')
