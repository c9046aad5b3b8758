"""The set-based writes both importers send.

The book's current rows are read as plain tuples and changed with executemany UPDATE / INSERT statements,
not as ORM objects: a 50,000-client re-import would otherwise build, compare and expire ~400,000 objects.
Not add_all + flush either: the ORM must match every returned id to its object by order, SQLite cannot
promise that order, so SQLAlchemy falls back to one INSERT per object (10,000 clients took 14 s). Here
RETURNING gives each new id with its natural key (client_number; client, relation and name), which needs
no order at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, text, update

from ....extensions import db

# IN lists are sent in chunks: SQLite caps bound parameters and PostgreSQL plans big lists slowly.
CHUNK = 500
BULK_ROWS = 10_000


def differs(current: Any, values: dict[str, Any]) -> bool:
    return any(getattr(current, name) != value for name, value in values.items())


def insert_rows(model: Any, rows: list[dict[str, Any]], *returning: str) -> list[tuple]:
    """One executemany INSERT (sent in multi-row batches); with `returning`, those columns of every new row."""
    if not rows:
        return []
    table = model.__table__
    stmt = insert(table)
    if returning:
        return [tuple(r) for r in db.session.execute(stmt.returning(*(table.c[name] for name in returning)), rows)]
    db.session.execute(stmt, rows)
    return []


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
