"""PostgreSQL keeps the plans of every statement the counter runs (jewelpwa/database.py, install_pg_prepared_plans):
with psycopg's default of 100 a connection forgot each plan before the card, Today, an outcome and search came
round to it again (about 330 distinct statements), and the server planned it anew every time."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jewelpwa.database import PREPARED_MAX
from jewelpwa.extensions import db
from jewelpwa.models import Client

from ..conftest import make_user
from ..factories import make_client

ROUNDS = 6  # psycopg prepares a statement on its fifth run (prepare_threshold)


def test_a_statement_stays_prepared_after_more_than_a_hundred_others(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps its own statement cache; there is no server to plan")
    user = make_user()
    client = make_client(user, first_name="Ada")
    client_id = db.session.scalar(select(Client.id).where(Client.id == client.id))
    raw = db.session.connection().connection.dbapi_connection
    assert raw.prepared_max == PREPARED_MAX
    card = select(Client.first_name).where(Client.id == client_id)
    for _ in range(ROUNDS):
        db.session.execute(card).scalar()
    # Then 150 other statements, each run enough times to be prepared: more than psycopg's default keeps.
    connection = db.session.connection()
    for n in range(150):
        for _ in range(ROUNDS):
            connection.exec_driver_sql(f"SELECT {n} AS n, id FROM stores WHERE id = %(id)s", {"id": user.store_id})
    prepared = {row[0] for row in db.session.connection().exec_driver_sql(
        "SELECT statement FROM pg_prepared_statements").all()}
    assert any("clients.first_name" in statement for statement in prepared)
    # The cursor's description is the DB-API's: a name and a type code per column (database.LeanDescriptionCursor).
    cursor = raw.execute("SELECT 1 AS one, 'a'::text AS letter")
    assert [(d[0], d[1]) for d in cursor.description] == [("one", 23), ("letter", 25)]
