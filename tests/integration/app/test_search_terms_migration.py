"""Migration 0030: clients written before it get their search terms on SQLite (found by a later word of the name and
by the end of their number at once), an erased one none; PostgreSQL gets the table, empty; a downgrade removes the
table and its triggers, and clients can still be written."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from jewelpwa.extensions import db
from jewelpwa.models import User
from jewelpwa.services.book.search import search_clients
from tests.integration.migrating import app_at, insert_row, insert_store

BEFORE = "0029"
CLIENTS = [("Grace", "Walker", "grace walker", "16175550042", None),
           ("Amy", "van der Berg", "amy van der berg", None, None),
           ("Old", "Name", "", None, datetime(2026, 1, 1, tzinfo=UTC))]  # erased: search_name blanked


def _terms(conn) -> list[tuple[str, int]]:
    return [tuple(row) for row in conn.execute(sa.text("SELECT term, client_id FROM client_search_terms ORDER BY term"))]


def test_clients_written_before_0030_get_their_terms_and_a_downgrade_removes_them(fresh_url, redis_url):
    with app_at(BEFORE, fresh_url, redis_url):
        with db.engine.begin() as conn:
            store = insert_store(conn)
            ids = [insert_row(conn, "clients", {"store_id": store, "first_name": first, "last_name": last,
                                                "search_name": name, "phone_digits": digits, "erased_at": erased,
                                                "tier": "C", "frequency": "normal"})
                   for first, last, name, digits, erased in CLIENTS]
        upgrade()
        sqlite = db.engine.dialect.name == "sqlite"
        with db.engine.connect() as conn:
            expected = sorted([("+16175550042", ids[0]), ("amy", ids[1]), ("berg", ids[1]), ("der", ids[1]),
                               ("grace", ids[0]), ("van", ids[1]), ("walker", ids[0]),
                               ("~24005557161", ids[0])])
            assert _terms(conn) == (expected if sqlite else [])
        actor = User(store_id=store, id=0)
        assert [hit.name for hit in search_clients(actor, "berg").hits] == ["Amy van der Berg"]
        assert [hit.name for hit in search_clients(actor, "wal gr").hits] == ["Grace Walker"]
        db.session.rollback()

        downgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            tables = sa.inspect(conn).get_table_names()
            assert "client_search_terms" not in tables
            # No trigger is left to write into the table that is gone.
            insert_row(conn, "clients", {"store_id": store, "first_name": "New", "last_name": "",
                                         "search_name": "new", "tier": "C", "frequency": "normal"})
