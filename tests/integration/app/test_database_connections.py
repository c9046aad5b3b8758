"""A pooled PostgreSQL connection that died while it waited (server restart, backend ended by an administrator) is
replaced on checkout, so the next request is answered, not a 500 (jewelpwa/database.py, install_pg_liveness)."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import select, text

from jewelpwa.extensions import db
from jewelpwa.models import CalendarFeed
from tests.conftest import PG_URL
from tests.integration.conftest import make_user


def _end_every_session_of(database: str) -> None:
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (database,))
        for _ in range(100):  # the backends exit a moment after the signal
            left = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                                (database,)).fetchone()
            if left and left[0] == 0:
                return
            time.sleep(0.05)


def test_pages_answer_after_the_server_ended_the_pooled_connections(app, database_url, auth):
    if not database_url.startswith("postgresql"):
        pytest.skip("a SQLite connection has no server to lose")
    user = make_user()
    user_id = user.id
    assert auth.login(user.email).status_code == 303
    assert auth.client.get("/today").status_code == 200
    assert auth.client.get("/me").status_code == 200  # several requests: the pool holds idle connections

    name = db.session.scalar(text("SELECT current_database()"))
    db.session.close()  # the test's own connection goes back to the pool too, and dies there with the others
    _end_every_session_of(name)

    # The first request after the loss is answered, reads and writes alike, and the user stays signed in.
    assert auth.client.get("/today").status_code == 200
    assert auth.post("/me/calendar-feed", token_from="/me").status_code == 200
    assert db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user_id)) is not None
