"""Clients' search_name folded (no accents, case folded, split on punctuation) and, on PostgreSQL, in byte order

Search now compares what is typed with the folded name, so "renee" finds Renée Dubé. Rows written before this
revision hold "first last" lower-cased only; they are rewritten here. On PostgreSQL the column takes COLLATE "C":
under the cluster's collation (C.UTF-8 here) a btree serves neither `LIKE 'p%'` nor SQLite's byte order, and the
two databases should list names alike. Changing the collation rebuilds the column's index.

PostgreSQL also gets a trigram (pg_trgm) index on search_name, so "a typed word starts a later word of the name"
(`LIKE '% dube%'`) is an index lookup rather than a scan of the store's rows. pg_trgm ships with PostgreSQL and is
a trusted extension (a database owner may create it). Where it cannot be created the index is left out, with a
warning: search stays right, only slower on a big book.

The fold below is a frozen copy of domain.client_columns.fold at this revision, not an import of the app's code,
which may change after it. Data is read and written in batches of ids, the same on SQLite and PostgreSQL.

Revision ID: 0018
Revises: 0017
"""
import logging
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

BATCH = 2000
TRIGRAMS = 'ix_clients_search_name_trgm'
_UNDECOMPOSED = str.maketrans({'ø': 'o', 'ł': 'l', 'đ': 'd', 'ð': 'd', 'þ': 'th', 'æ': 'ae', 'œ': 'oe', 'ı': 'i'})
_JOINERS = re.compile(r"['\u2019\u02bc`\u00b4]")
_SEPARATORS = re.compile(r'[^\w]+|_')


def fold(text):
    folded = unicodedata.normalize('NFKD', (text or '').casefold().translate(_UNDECOMPOSED))
    bare = ''.join(ch for ch in folded if not unicodedata.combining(ch))
    return ' '.join(_SEPARATORS.sub(' ', _JOINERS.sub('', bare)).split())


def lowered(text):
    return (text or '').lower()


def _rewrite(name_of):
    bind = op.get_bind()
    clients = sa.table('clients', sa.column('id', sa.Integer), sa.column('first_name', sa.String),
                       sa.column('last_name', sa.String), sa.column('search_name', sa.String),
                       sa.column('erased_at', sa.DateTime))
    after = 0
    while True:
        rows = bind.execute(sa.select(clients.c.id, clients.c.first_name, clients.c.last_name, clients.c.search_name)
                            .where(clients.c.id > after, clients.c.erased_at.is_(None))
                            .order_by(clients.c.id).limit(BATCH)).all()
        if not rows:
            return
        after = rows[-1].id
        changes = []
        for row in rows:
            new = name_of(f"{row.first_name or ''} {row.last_name or ''}".strip())
            if new != row.search_name:
                changes.append({'row_id': row.id, 'new': new})
        if changes:
            bind.execute(clients.update().where(clients.c.id == sa.bindparam('row_id'))
                         .values(search_name=sa.bindparam('new')), changes)


def _trigram_index():
    bind = op.get_bind()
    try:
        with bind.begin_nested():  # a refused CREATE EXTENSION must not abort the whole upgrade
            bind.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except sa.exc.DBAPIError as error:
        logging.getLogger('alembic.runtime.migration').warning(
            'pg_trgm could not be created (%s): client search by a later word of the name scans the store', error)
        return
    op.create_index(TRIGRAMS, 'clients', ['search_name'], postgresql_using='gin',
                    postgresql_ops={'search_name': 'gin_trgm_ops'})


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('clients', 'search_name', type_=sa.String(170, collation='C'),
                        existing_type=sa.String(170), existing_nullable=False)
        _trigram_index()
    _rewrite(fold)


def downgrade():
    _rewrite(lowered)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {TRIGRAMS}')  # the extension stays: other schemas may use it
        op.alter_column('clients', 'search_name', type_=sa.String(170), existing_type=sa.String(170, collation='C'),
                        existing_nullable=False)
