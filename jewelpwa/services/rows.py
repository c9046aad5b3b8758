"""Column reads on the session's connection: the hot read paths' rows without the ORM's per-statement work.

`db.session.execute(select(Client.id, ...))` runs an ORM execution even when the statement names only columns:
it sets up an ORM compile state, runs the session's execute events and wraps the result for the ORM, about as much
CPU as running the statement on SQLite. These statements return plain rows anyway, so the hot paths (a page of
facts, Today's list, search) run them on the session's own connection and transaction instead. Two things the
ORM path did are kept: pending changes are flushed first (autoflush: a Today built in the same transaction reads
what it wrote), and the statement runs in the session's transaction, so the request's read-only and autocommit
handling (database.py) applies as before. Only for SELECTs: a write must go through the session, whose execute
events record what it changed (data_version.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import CursorResult, Executable

from ..extensions import db


def read_rows(statement: Executable, params: Mapping[str, Any] | None = None) -> CursorResult[*tuple[Any, ...]]:
    """Run a column SELECT on the session's connection, after flushing what is pending."""
    session = db.session()
    if session.autoflush:
        session.flush()  # returns at once when nothing is pending (session.dirty would walk every loaded object)
    return session.connection().execute(statement, params)


def read_scalar(statement: Executable, params: Mapping[str, Any] | None = None) -> Any:  # noqa: ANN401 - the column's value
    """The first column of the first row (None when there is none), as `read_rows` runs it."""
    return read_rows(statement, params).scalar()
