"""Client search's last slow reads: phone "ends with" on PostgreSQL, and "my clients" in touch order on SQLite

A phone search also finds numbers ending with the typed digits (`LIKE '%0042'`), which no btree serves: on
PostgreSQL each such search read every client row (19-35 ms at 50,000 clients). A trigram index on phone_digits
answers it (0.2 ms), as the one on search_name (0018) answers a later word of the name. Skipped, with a warning,
where pg_trgm could not be created (0018 said so already).

An empty search lists the associate's own clients, latest touch first, and counts them up to 1,001: SQLite sorted
all of an associate's clients twice (30 ms of CPU at 8,000 clients). It gets the touch-ordered partial index
PostgreSQL has had since 0022, walked backwards: SQLite's NULLs sort first, so last in DESC order, the order the
query asks for (and an index of plain columns is one Alembic can compare with the model).

Revision ID: 0029
Revises: 0028
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

PHONE_TRIGRAMS = 'ix_clients_phone_digits_trgm'
TOUCH = 'ix_clients_store_assignee_touch'


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first() is None:
            logging.getLogger('alembic.runtime.migration').warning(
                'pg_trgm is not installed: a phone search by the last digits reads every client row')
            return
        op.create_index(PHONE_TRIGRAMS, 'clients', ['phone_digits'], postgresql_using='gin',
                        postgresql_ops={'phone_digits': 'gin_trgm_ops'})
    else:
        op.create_index(TOUCH, 'clients', ['store_id', 'assigned_to_id', 'last_touch_on', 'id'],
                        sqlite_where=sa.text('erased_at IS NULL'))
        # A database analyzed before this index has statistics for every index but it, and SQLite then takes the
        # unknown partial index for a small one: a name search walked it and sorted the store (130-250 ms at
        # 50,000 clients). Measured, the index is one like the others. (Never analyzed, SQLite's defaults choose
        # well, and are left alone.)
        if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None:
            op.execute('ANALYZE clients')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {PHONE_TRIGRAMS}')
    else:
        op.drop_index(TOUCH, table_name='clients')
