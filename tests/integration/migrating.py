"""Rows written as a table stands at an older revision, for the migration tests (read from the database, not
from today's models)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa


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
