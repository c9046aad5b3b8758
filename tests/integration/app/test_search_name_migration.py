"""Migration 0018: clients written before it get the folded search_name (so "renee" finds them), on SQLite and
PostgreSQL, and a downgrade puts back the lower-cased names."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from jewelpwa.extensions import db
from jewelpwa.models import User
from jewelpwa.services.book.search import search_clients
from tests.integration.migrating import app_at, insert_row, insert_store

BEFORE = "0017"
NAMES = [("Renée", "Dubé"), ("Grace", "Demir"), ("Søren", "O'Brien-Kierkegård")]


def _search_names(conn) -> list[str]:
    return list(conn.execute(sa.text("SELECT search_name FROM clients ORDER BY id")).scalars())


def test_clients_written_before_0018_are_found_without_accents_after_it(fresh_url, redis_url):
    with app_at(BEFORE, fresh_url, redis_url):
        with db.engine.begin() as conn:
            store = insert_store(conn)
            for first, last in NAMES:  # as the code before 0018 wrote them: "first last" lower-cased
                insert_row(conn, "clients", {"store_id": store, "first_name": first, "last_name": last,
                                             "search_name": f"{first} {last}".lower(), "tier": "C",
                                             "frequency": "normal"})
        upgrade()
        with db.engine.connect() as conn:
            assert _search_names(conn) == ["renee dube", "grace demir", "soren obrien kierkegard"]
        actor = User(store_id=store, id=0)
        assert [hit.name for hit in search_clients(actor, "renee").hits] == ["Renée Dubé"]
        assert [hit.name for hit in search_clients(actor, "demir grace").hits] == ["Grace Demir"]
        db.session.rollback()

        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            assert _search_names(conn) == ["renée dubé", "grace demir", "søren o'brien-kierkegård"]
