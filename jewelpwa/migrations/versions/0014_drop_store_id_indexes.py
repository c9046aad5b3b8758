"""Drop the lone store_id indexes of clients, important_dates, purchases, outreaches and follow_ups

Each of these tables has a composite index led by store_id (clients' number, dates' month-day, purchases'
and outreaches' day, follow-ups' dedupe key), which serves every "this store's rows" read; the lone index
only cost a write per insert and per non-HOT update (a store's first plan inserts most of its book).

Revision ID: 0014
Revises: 0013
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ('clients', 'important_dates', 'purchases', 'outreaches', 'follow_ups')


def upgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_store_id', table)


def downgrade():
    for table in TABLES:
        op.create_index(f'ix_{table}_store_id', table, ['store_id'])
