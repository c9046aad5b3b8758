"""stores.locale and stores.currency: how the store writes money and dates (empty: its country's own)

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stores') as batch:
        batch.add_column(sa.Column('locale', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('currency', sa.String(length=3), nullable=True))


def downgrade():
    with op.batch_alter_table('stores') as batch:
        batch.drop_column('currency')
        batch.drop_column('locale')
