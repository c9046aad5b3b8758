"""Rows written as a table stands at an older revision, for the migration tests (read from the database, not
from today's models)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from jewelpwa import create_app
from jewelpwa.extensions import db


@contextmanager
def app_at(revision: str, url: str, redis_url: str) -> Iterator[Flask]:
    """An app on a fresh database migrated up to `revision` only, inside its app context; its session and engine
    are let go afterwards, whatever the test did."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url})
    with app.app_context():
        try:
            upgrade(revision=revision)
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def insert_store(conn) -> int:
    """A store row as the stores table stands at this revision."""
    return insert_row(conn, "stores", {"name": "Old", "slug": f"old-{uuid.uuid4().hex[:6]}", "settings": {}})


def plain(column: sa.Column):
    """A value of the column's type for a NOT NULL column the test does not care about."""
    if isinstance(column.type, sa.JSON):
        return {}
    return {int: 0, str: "x", bool: False, Decimal: 0, date: date(2026, 1, 1)}.get(
        column.type.python_type, datetime(2026, 1, 1, tzinfo=UTC))


def insert_row(conn, name: str, values: dict) -> int:
    """One row as the table stands at this revision (read from the database, not from today's models)."""
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name not in row and not (column.nullable or column.primary_key or column.server_default is not None):
            row[column.name] = plain(column)
    return conn.execute(table.insert().values(row).returning(table.c.id)).scalar_one()
