"""Client search's plans on PostgreSQL: phone digits and email in byte order, and "my clients" in touch order

Search finds a client by the start of their phone digits or email (`LIKE 'p%'`). A PostgreSQL btree serves that
only under COLLATE "C", and a cluster's collation (C.UTF-8 here, en_US elsewhere) is not "C": each such search
read every client row of the store (40-60 ms at 50,000 clients, against 1 ms). The two columns take COLLATE "C",
as search_name did in 0018; digits and lower-cased emails sort the same either way. Changing the collation
rebuilds the columns' indexes.

An empty search lists the associate's own clients, latest touch first, and counts them up to 1,001: the new
partial index is that order, so both read 30 and 1,001 index entries instead of sorting all of an associate's
clients. SQLite is left as it is (its comparisons are already byte order, and its goals are met without it).

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

TOUCH = 'ix_clients_store_assignee_touch'
COLUMNS = (('email', 254), ('phone_digits', 20))


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, length in COLUMNS:
        op.alter_column('clients', name, type_=sa.String(length, collation='C'), existing_type=sa.String(length),
                        existing_nullable=True)
    op.create_index(TOUCH, 'clients', ['store_id', 'assigned_to_id', sa.text('last_touch_on DESC NULLS LAST'),
                                       sa.text('id DESC')], postgresql_where=sa.text('erased_at IS NULL'))


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index(TOUCH, table_name='clients')
    for name, length in COLUMNS:
        op.alter_column('clients', name, type_=sa.String(length), existing_type=sa.String(length, collation='C'),
                        existing_nullable=True)
