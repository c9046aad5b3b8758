"""Database wiring: SQLite tuned for web and workers writing at once; PostgreSQL left as it is.

SQLite only allows one writer. A transaction that starts by reading and later writes must upgrade its
lock, and in WAL mode that upgrade fails at once with "database is locked" (busy_timeout cannot help).
So every transaction that may write starts with BEGIN IMMEDIATE and waits its turn in busy_timeout;
only requests known to be read-only (GET/HEAD) start a deferred BEGIN, so readers never queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

_read_only: ContextVar[bool] = ContextVar("jewelpwa_read_only", default=False)

BUSY_TIMEOUT_MS = 30_000


def sqlite_engine_options(uri: str) -> dict:
    """Engine options for a SQLite URI: a long busy timeout and the driver's own transactions turned off."""
    if not uri.startswith("sqlite"):
        return {"pool_pre_ping": True}
    return {
        # isolation_level=None hands BEGIN to us (pysqlite otherwise emits its own deferred BEGIN).
        "connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False, "isolation_level": None},
    }


def install_sqlite_hooks(engine: Engine) -> None:
    """WAL, foreign keys, busy timeout on each connection; BEGIN IMMEDIATE unless the request is read-only."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI hook
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001 - SQLAlchemy hook
        conn.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


@contextmanager
def read_only() -> Iterator[None]:
    """Mark the work inside as read-only so SQLite starts a deferred transaction (no writer lock)."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def set_read_only(value: bool) -> object:
    return _read_only.set(value)


def reset_read_only(token: object) -> None:
    _read_only.reset(token)  # type: ignore[arg-type]
