"""SQLite's client search by index ranges: client_search_terms, the words of every client's name and its phone
digits forwards and backwards, kept by triggers

On SQLite a typed word that starts a later word of the name (`LIKE '% wal%'`) and a phone's last digits
(`LIKE '%0042'`) were tested on every entry of the store's slice of the name or phone index (10-22 ms of CPU at
50,000 clients). client_search_terms holds, per client, each word of search_name, "+" and the phone digits, and
"~" and the digits backwards, so each of those searches is a range of its primary key ("wal", "~2400").

Triggers keep the terms, so every path that writes clients keeps them (the ORM, the importer's and the demo's
bulk Core inserts, erasure, raw SQL); an erased client has none. search_name is folded
(domain.client_columns.fold): words and single spaces. It is split as a JSON array (json_quote, then each space
made the end of one string and the start of the next), which holds for any text an older version or a raw write
may have left there. SQLite has no reverse(): the digits backwards are spelled out, position by position (a phone
has at most 20 digits, MAX_PHONE_DIGITS; a position past the end is an empty string).

PostgreSQL gets the table, empty: its trigram indexes (0018, 0029) answer both searches, as before.

Revision ID: 0030
Revises: 0029
"""
import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

TERMS = 'client_search_terms'
MAX_PHONE_DIGITS = 20  # frozen copy of domain.client_columns.MAX_PHONE_DIGITS


def _terms(row: str, clients: str = "") -> str:
    """The terms of the client `row` as rows (store_id, term, client_id): `row` is a trigger's new or old, or an
    alias of `clients` ("FROM clients AS c"). An erased client has none."""
    # json_quote escapes whatever the name holds (quotes, backslashes, control characters) and leaves its spaces
    # alone, so each space can close one JSON string and open the next.
    words = f"""json_each('[' || replace(json_quote({row}.search_name), ' ', '","') || ']')"""
    backwards = " || ".join(f"substr({row}.phone_digits, {i}, 1)" for i in range(MAX_PHONE_DIGITS, 0, -1))
    phone = f"{row}.phone_digits <> ''"
    pieces = (("value", [words], "value <> ''"), (f"'+' || {row}.phone_digits", [], phone),
              (f"'~' || {backwards}", [], phone))
    return " UNION ".join(
        f"SELECT {row}.store_id AS store_id, {term} AS term, {row}.id AS client_id"
        + (" FROM " + ", ".join([clients] * bool(clients) + sources) if clients or sources else "")
        + f" WHERE {row}.erased_at IS NULL AND {where}"
        for term, sources, where in pieces)


def _add(row: str) -> str:
    return f"INSERT INTO {TERMS} (store_id, term, client_id) {_terms(row)}"


def _remove(row: str) -> str:
    # By the full primary key: no index leads with client_id.
    return (f"DELETE FROM {TERMS} WHERE store_id = {row}.store_id AND client_id = {row}.id "
            f"AND term IN (SELECT term FROM ({_terms(row)}))")


TRIGGERS = {
    'client_search_terms_insert': f"AFTER INSERT ON clients BEGIN {_add('new')}; END",
    'client_search_terms_update': (
        "AFTER UPDATE OF store_id, search_name, phone_digits, erased_at ON clients "
        "WHEN old.store_id IS NOT new.store_id OR old.search_name IS NOT new.search_name "
        "OR old.phone_digits IS NOT new.phone_digits OR old.erased_at IS NOT new.erased_at "
        f"BEGIN {_remove('old')}; {_add('new')}; END"),
    'client_search_terms_delete': f"AFTER DELETE ON clients BEGIN {_remove('old')}; END",
}


def upgrade():
    op.create_table(
        TERMS,
        sa.Column('store_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('term', sa.String(length=170).with_variant(sa.String(length=170, collation='C'), 'postgresql'),
                  nullable=False),
        sa.Column('client_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('store_id', 'term', 'client_id'),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    # Every client's terms in one statement (under a second at 50,000 clients), then the triggers keep them.
    op.execute(f"INSERT INTO {TERMS} (store_id, term, client_id) {_terms('c', 'clients AS c')}")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # As in 0029: a database analyzed before has statistics for every table but this one, and SQLite then
    # misjudges it. Never analyzed, SQLite's defaults are left alone.
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None:
        op.execute(f'ANALYZE {TERMS}')


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table(TERMS)
