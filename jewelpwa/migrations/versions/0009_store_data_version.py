"""stores.data_version: bumped by every commit that changes a store's data, so a kept page knows it is stale

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stores') as batch:
        batch.add_column(sa.Column('data_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('stores') as batch:
        batch.drop_column('data_version')
