"""Partial indexes on the few do-not-contact and erased clients of a store, for book health's exclusions

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_clients_store_dnc', 'clients', ['store_id'],
                    postgresql_where=sa.text('do_not_contact IS true'), sqlite_where=sa.text('do_not_contact IS 1'))
    op.create_index('ix_clients_store_erased', 'clients', ['store_id'],
                    postgresql_where=sa.text('erased_at IS NOT NULL'), sqlite_where=sa.text('erased_at IS NOT NULL'))


def downgrade():
    op.drop_index('ix_clients_store_erased', 'clients')
    op.drop_index('ix_clients_store_dnc', 'clients')
