"""PostgreSQL runs a read-only request's reads in autocommit (database.install_pg_autocommit_reads), and turns back
to a transaction before its first write: the reads save their BEGIN and ROLLBACK, a write stays all or nothing."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import Blueprint, request
from psycopg.pq import TransactionStatus
from sqlalchemy import event, select, text

from jewelpwa.extensions import db
from jewelpwa.models import AuditEvent, Client, Store
from jewelpwa.services.pg_settings import plan_for_these_values

from ..conftest import make_user
from ..factories import make_client


@contextmanager
def autocommit_of_each_statement():
    """(statement, whether the connection ran it in autocommit) for every statement run inside."""
    seen: list[tuple[str, bool]] = []

    def record(conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        seen.append((" ".join(statement.split())[:60], conn.connection.dbapi_connection.autocommit))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def on_postgresql() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no round trips to save: its reads are a deferred BEGIN (database.py)")


def test_a_kept_today_and_a_card_run_every_statement_in_autocommit(auth):
    on_postgresql()
    user = make_user(store="Autocommit Store")
    client = make_client(user, first_name="Ottoline")
    auth.login(user.email)
    auth.client.get("/today")  # the day's first Today keeps the associate's list: a write, in a transaction
    auth.client.get("/today")
    with autocommit_of_each_statement() as kept:
        assert auth.client.get("/today").status_code == 200
    with autocommit_of_each_statement() as card:
        assert "Ottoline" in auth.client.get(f"/clients/{client.id}").get_data(as_text=True)
    assert kept and all(autocommit for _, autocommit in kept), kept
    # The card's view is written by one statement, atomic on its own: it needs no BEGIN and COMMIT either.
    assert card[-1][0].startswith("INSERT INTO audit_events") and all(autocommit for _, autocommit in card), card
    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent.target).where(AuditEvent.action == "client_viewed")) == \
        f"client:{client.id}"


def test_the_first_today_of_a_day_keeps_its_list_in_one_transaction(auth):
    on_postgresql()
    user = make_user(store="Autocommit Store")
    make_client(user)
    auth.login(user.email)
    with autocommit_of_each_statement() as seen:
        assert auth.client.get("/today").status_code == 200
    writes = [i for i, (statement, _) in enumerate(seen) if not statement.startswith("SELECT")]
    assert len(writes) >= 3, seen  # the old list deleted, the new one and its rows inserted
    assert all(autocommit for _, autocommit in seen[:writes[0]]), seen
    # From the first write to the last, one transaction (its reads included); the reads after its commit are
    # autocommit again.
    assert not any(autocommit for _, autocommit in seen[writes[0]:writes[-1] + 1]), seen


@pytest.fixture
def probe_routes(app):
    """GET routes that write, then fail, and that set a setting for their transaction."""
    bp = Blueprint("autocommit_probe", __name__)

    @bp.get("/test/write-then-fail")
    def write_then_fail():
        store = db.session.scalar(select(Store).where(Store.id == int(request.args["store"])))
        db.session.add(Client(store_id=store.id, client_number="HALF1", first_name="Half", last_name="Written",
                              search_name="half written", first_seen_on=store.created_at.date(),
                              frequency="normal"))
        db.session.flush()
        raise RuntimeError("after the first write")

    @bp.get("/test/setting")
    def setting():
        plan_for_these_values()
        return db.session.scalar(text("SELECT current_setting('plan_cache_mode')"))

    app.register_blueprint(bp)


@pytest.mark.fresh_app
def test_a_read_only_request_that_fails_after_a_write_leaves_nothing_written(app, client, probe_routes):
    user = make_user(store="Autocommit Store")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get(f"/test/write-then-fail?store={user.store_id}").status_code == 500
    db.session.expire_all()
    assert db.session.scalar(select(Client.id).where(Client.client_number == "HALF1")) is None


@pytest.mark.fresh_app
def test_a_setting_for_the_transaction_holds_for_the_rest_of_a_read_only_request(app, client, probe_routes):
    on_postgresql()
    assert client.get("/test/setting").get_data(as_text=True) == "force_custom_plan"
    # And the connection goes back to the pool with its transactions and settings as they were.
    with db.engine.connect() as conn:
        assert conn.scalar(text("SELECT current_setting('plan_cache_mode')")) == "auto"
        assert not conn.connection.dbapi_connection.autocommit


def test_a_search_ends_its_transaction_of_settings_with_a_commit_not_a_rollback(auth):
    """psycopg forgets every statement it prepared on a connection at a rollback: a search ending so made every
    next request plan its statements afresh."""
    on_postgresql()
    user = make_user(store="Autocommit Store")
    make_client(user, first_name="Annabel")
    auth.login(user.email)
    ended: list[str] = []

    def open_transaction(conn) -> bool:  # noqa: ANN001
        return conn.connection.dbapi_connection.info.transaction_status != TransactionStatus.IDLE

    def on_commit(conn) -> None:  # noqa: ANN001
        ended.append("commit" if open_transaction(conn) else "nothing")

    def on_rollback(conn) -> None:  # noqa: ANN001
        ended.append("rollback" if open_transaction(conn) else "nothing")

    event.listen(db.engine, "commit", on_commit)
    event.listen(db.engine, "rollback", on_rollback)
    try:
        page = auth.client.get("/clients?q=anna", headers={"HX-Request": "true"}).get_data(as_text=True)
    finally:
        event.remove(db.engine, "commit", on_commit)
        event.remove(db.engine, "rollback", on_rollback)
    assert "Annabel" in page
    assert "commit" in ended and "rollback" not in ended, ended
