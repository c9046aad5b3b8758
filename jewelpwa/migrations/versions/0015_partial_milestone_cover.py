"""PostgreSQL: the milestone covering index of follow_ups holds only the milestone kinds' rows

The owner's reports read it only for anniversaries, birthdays and partners' birthdays, yet every follow-up
of every kind was written into this seven-column index (a store's first plan inserts most of its book).
SQLite keeps the whole index: it cannot match a partial index to kinds given as bound parameters.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

NAME = 'ix_follow_ups_store_kind_expires_cover'
COLUMNS = ['store_id', 'kind', 'expires_on', 'status', 'client_id', 'opens_on', 'occasion_on']
MILESTONES = "kind IN ('anniversary', 'birthday', 'partner_birthday')"


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index(NAME, table_name='follow_ups')
        op.create_index(NAME, 'follow_ups', COLUMNS, postgresql_where=sa.text(MILESTONES))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index(NAME, table_name='follow_ups')
        op.create_index(NAME, 'follow_ups', COLUMNS)
