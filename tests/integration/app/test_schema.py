"""The tables the models describe are the tables the migrations build (a model change needs its migration)."""

from __future__ import annotations

from functools import partial

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jewelpwa.extensions import db
from jewelpwa.models._types import in_schema_of


def test_the_models_and_the_migrations_describe_the_same_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": partial(in_schema_of, connection.dialect.name)})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "a model and the migrations disagree: add a migration (flask db migrate)"


def _insert(connection, table: str, values: dict) -> None:
    """One row with the given values; other NOT NULL columns get a plain value of their type."""
    row = {}
    for _, name, kind, notnull, default, pk in connection.exec_driver_sql(f"PRAGMA table_info({table})"):
        if name in values:
            row[name] = values[name]
        elif notnull and default is None and not pk:
            kind = (kind or "").upper()
            row[name] = 0 if "INT" in kind or "BOOL" in kind or "NUMERIC" in kind else (
                "2026-01-01" if "DATE" in kind else "x")
    marks = ", ".join("?" for _ in row)
    connection.exec_driver_sql(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})", tuple(row.values()))


def test_upgrading_an_older_sqlite_book_keeps_every_client(app, redis_url, tmp_path):
    """Migration 0010 copies `stores` (SQLite alters a table by copying it); dropping the old table with
    foreign keys on used to delete every client through ON DELETE CASCADE."""
    from flask_migrate import upgrade

    from jewelpwa import create_app

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL alters tables in place")
    old = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "REDIS_URL": redis_url})
    with old.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as connection:
            _insert(connection, "stores", {"id": 1, "settings": "{}"})
            lists = {k: "[]" for k in ("metals", "stones", "brands", "styles", "tags", "opted_out")}
            for client_id in (1, 2):
                _insert(connection, "clients", {"id": client_id, "store_id": 1, "tier": "C", "frequency": "normal",
                                                "spend_24m": 0, **lists})
                _insert(connection, "follow_ups", {"store_id": 1, "client_id": client_id, "kind": "reconnect",
                                                   "status": "open", "tries": 0, "detail": "{}",
                                                   "dedupe_key": f"reconnect:client:{client_id}:2026-01-01"})
        upgrade()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM clients").scalar() == 2
            assert connection.exec_driver_sql("SELECT count(*) FROM follow_ups").scalar() == 2
            # The app's connections still enforce foreign keys after the upgrade.
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
