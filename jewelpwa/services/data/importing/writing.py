"""The set-based writes both importers send.

The book's current rows are read as plain tuples and changed with executemany UPDATE / INSERT statements,
not as ORM objects: a 50,000-client re-import would otherwise build, compare and expire ~400,000 objects.
Not add_all + flush either: the ORM must match every returned id to its object by order, SQLite cannot
promise that order, so SQLAlchemy falls back to one INSERT per object (10,000 clients took 14 s). Here
each new id comes back with its natural key (client_number; client, relation and name), which needs no
order at all.

PostgreSQL loads new rows with COPY, their ids taken from the table's sequence first. A batched
`INSERT … RETURNING` there was most of a first import (50,000 clients: ~70 of 88 s): psycopg rewrites
each ~800-row statement's ~36,000 named placeholders in Python (half of it in a profile), and the server
parses every batch as a new statement. SQLite keeps the batched INSERT, which it runs in-process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import psycopg
from psycopg import sql
from sqlalchemy import Column, ColumnDefault, Table, insert, text, update

from ....extensions import db

# IN lists are sent in chunks: SQLite caps bound parameters and PostgreSQL plans big lists slowly.
CHUNK = 500
BULK_ROWS = 10_000


def differs(current: Any, values: dict[str, Any]) -> bool:
    return any(getattr(current, name) != value for name, value in values.items())


def insert_rows(model: Any, rows: list[dict[str, Any]], *returning: str) -> list[tuple]:
    """The rows inserted in one go (COPY on PostgreSQL, a batched INSERT on SQLite); with `returning`, those
    columns of every new row."""
    if not rows:
        return []
    table = model.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        return _copy_rows(table, rows, returning)
    stmt = insert(table)
    if returning:
        return [tuple(r) for r in db.session.execute(stmt.returning(*(table.c[name] for name in returning)), rows)]
    db.session.execute(stmt, rows)
    return []


def _copy_rows(table: Table, rows: list[dict[str, Any]], returning: tuple[str, ...]) -> list[tuple]:
    """COPY the rows into `table` with ids taken from its sequence; the `returning` columns of each row.

    Every column an INSERT would fill is filled the same way: the row's value, else the column's Python
    default (created_at, empty lists), each through the column type's bind processing (UTC, JSON); columns
    left to the server (its defaults, NULL) stay out of the COPY. The rows are one transaction with the rest
    of the import, so a failing row still leaves nothing written."""
    db.session.flush()
    ids = list(db.session.scalars(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                       "FROM generate_series(1, :n)"), {"table": table.name, "n": len(rows)}))
    given = {name for row in rows for name in row} | {"id"}
    columns = [c for c in table.columns if c.name in given or _python_default(c) is not None]
    dialect = db.session.get_bind().dialect
    fills = [(c.name, _python_default(c), c.type.dialect_impl(dialect).bind_processor(dialect)) for c in columns]
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c.name) for c in columns))
    out = []
    raw = cast(psycopg.Connection, db.session.connection().connection.driver_connection)
    with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for id_, row in zip(ids, rows, strict=True):
            row = {**row, "id": id_}
            values = []
            for name, default, process in fills:
                # A column no default fills is in every row (the writers build each table's rows alike).
                value = row[name] if name in row or default is None else default()
                values.append(value if process is None else process(value))
            copy.write_row(values)
            out.append(tuple(row[name] for name in returning))
    return out if returning else []


def _python_default(column: Column) -> Callable[[], Any] | None:
    """What an INSERT would put in a column the row leaves out, as a call; None when the server decides."""
    default = column.default
    if default is None:
        return None
    if isinstance(default, ColumnDefault) and default.is_scalar:
        return lambda: default.arg
    if isinstance(default, ColumnDefault) and default.is_callable:
        return lambda: default.arg(None)  # SQLAlchemy wraps a default callable to take its execution context
    raise ValueError(f"{column} has a SQL default: COPY cannot fill it, insert this table another way")


def update_rows(model: type, rows: list[dict[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key: one executemany per table."""
    if rows:
        db.session.execute(update(model), rows)


def refresh_statistics(rows: int) -> None:
    """After a bulk load PostgreSQL plans with the old table sizes (nested loops, a scan per IN list) until
    autovacuum's next pass; ANALYZE samples each table and blocks neither reads nor writes. SQLite's
    statistics are refreshed by the planner's own runs, so only PostgreSQL needs it here."""
    if rows >= BULK_ROWS and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE clients, people, important_dates, purchases, purchase_items"))
