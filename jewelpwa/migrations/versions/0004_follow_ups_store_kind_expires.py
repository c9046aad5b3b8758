"""follow_ups: index on (store_id, kind, expires_on) for the owner's reports

The morning huddle's milestones and book health's milestone coverage ask for one store's anniversary and
birthday follow-ups whose window holds a day or a year; without this index both read every follow-up of the
store (holiday-list and cadence rows included, the bulk of the table).

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_follow_ups_store_kind_expires', 'follow_ups', ['store_id', 'kind', 'expires_on'], unique=False)


def downgrade():
    op.drop_index('ix_follow_ups_store_kind_expires', table_name='follow_ups')
