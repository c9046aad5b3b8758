"""Database wiring: SQLite tuned for web and workers writing at once; PostgreSQL checked for a dead link on checkout
without a round trip.

SQLite only allows one writer. A transaction that starts by reading and later writes must upgrade its
lock, and in WAL mode that upgrade fails at once with "database is locked" (busy_timeout cannot help).
So every transaction that may write starts with BEGIN IMMEDIATE and waits its turn in busy_timeout;
only requests known to be read-only (GET/HEAD) start a deferred BEGIN, so readers never queue.

PostgreSQL, reads: a request known to be read-only (the same GET/HEAD flag) runs its statements in autocommit
(`install_pg_autocommit_reads`). At READ COMMITTED, the server's default and ours, every statement of a transaction
takes its own snapshot anyway, so each read sees what it would have seen; what goes is the BEGIN and ROLLBACK round
trips a transaction of reads costs (a kept Today: three round trips become one). A read-only request may still
write (the first Today of a day builds the associate's list; a card records its view): the first statement that
is not a plain read turns the connection back to transactions before it runs, so that statement and everything
after it, up to the commit, is one transaction as before. A write that is one statement anyway may say so
(`ONE_STATEMENT`) and run in autocommit too.

PostgreSQL: a pooled connection can die while it waits in the pool (the server restarted, an administrator ended
the backend, a proxy dropped it). SQLAlchemy's pool_pre_ping finds out with a round trip on every checkout, and at
the counter every request checks one out (a card's audit row, two), so it paid for one `SELECT 1` a request.
`install_pg_liveness` asks the socket instead: a server that ended the session said so before it hung up (and
closed the socket), so the idle connection's socket is readable; only then, or after a long idle (a link dropped
without a word), does it ping, and a failed ping replaces every pooled connection as pre-ping did.
"""

from __future__ import annotations

import re
import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from weakref import WeakSet

import psycopg
from psycopg.pq import ExecStatus, TransactionStatus
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

_read_only: ContextVar[bool] = ContextVar("jewelpwa_read_only", default=False)
_IDLE = TransactionStatus.IDLE

BUSY_TIMEOUT_MS = 30_000
# A connection idle in the pool this long is pinged on checkout: a link dropped silently (no FIN reached us)
# leaves its socket quiet, and a minute is well inside the usual idle timeouts of firewalls and proxies.
PING_AFTER_IDLE_S = 60.0
# Connections are replaced after an hour whatever happens, so none outlives a server-side idle or session limit.
RECYCLE_S = 3600


_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class LeanDescriptionCursor(psycopg.Cursor):
    """psycopg's cursor whose `description` is plain DB-API 7-tuples: (name, type oid, None x 5).

    psycopg builds a Column object per column on every read of `description`, each looking up its type's
    display size, precision and scale, and SQLAlchemy reads it once per statement (whether rows came back, and their
    names): a card's 20 statements made about 380 of them, 9 % of the card's CPU on PostgreSQL (route_cost --profile).
    SQLAlchemy and this app use only a column's name and type code; the optional five are None, as the DB-API
    allows."""

    @property
    def description(self):  # noqa: ANN201 - the DB-API's sequence of 7-tuples
        res = self.pgresult
        if res is None or not (res.nfields or res.status in _ROWS):
            return None
        encoding = self.connection.info.encoding
        return [((res.fname(i) or b"").decode(encoding) or f"column_{i + 1}", res.ftype(i), None, None, None, None,
                 None) for i in range(res.nfields)]


def engine_options(uri: str) -> dict:
    """Engine options: for SQLite a long busy timeout and the driver's own transactions turned off; for
    PostgreSQL an hourly recycle (the liveness check on checkout is install_pg_liveness)."""
    if not uri.startswith("sqlite"):
        return {"pool_recycle": RECYCLE_S, "connect_args": {"cursor_factory": LeanDescriptionCursor}}
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


# A statement that only reads, so it may run in autocommit: a SELECT that locks nothing and sets nothing (SET LOCAL
# through set_config, or a lock held to the end of a transaction, would end with the statement).
_PLAIN_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_NOT_PLAIN = re.compile(r"\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY|KEY\s+SHARE)\b|set_config|nextval|setval|pg_advisory",
                        re.IGNORECASE)
_AUTOCOMMIT_READS = "jewelpwa_autocommit_reads"
# Execution option of a write that is a single statement (atomic on its own): it may run in autocommit.
ONE_STATEMENT = "jewelpwa_one_statement"


def install_pg_autocommit_reads(engine: Engine) -> None:
    """PostgreSQL: the statements of a read-only request in autocommit, until one is not a plain read (module
    docstring)."""
    if engine.dialect.name != "postgresql":
        return
    _AUTOCOMMIT_DIALECTS.add(engine.dialect)
    event.listen(Session, "after_begin", _on_session_begin)  # once for every engine (a second listen is ignored)

    @event.listens_for(engine, "before_cursor_execute")
    def _before_statement(conn, _cursor, statement, _parameters, context, _executemany) -> None:  # noqa: ANN001, PLR0913
        if not conn.info.get(_AUTOCOMMIT_READS) or _is_plain_read(statement):
            return
        if context is not None and context.execution_options.get(ONE_STATEMENT):
            return
        in_a_transaction_from_here(conn)

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record) -> None:  # noqa: ANN001 - pool hook
        # The pool rolled back whatever was open before this; the next checkout starts with transactions.
        if record.info.pop(_AUTOCOMMIT_READS, None) and dbapi_connection is not None and not dbapi_connection.closed:
            dbapi_connection.autocommit = False


# The dialects of the engines install_pg_autocommit_reads was given: an engine made from one with other options shares
# its dialect, and keeps it when its pool is disposed of and made again.
_AUTOCOMMIT_DIALECTS: WeakSet = WeakSet()


def _on_session_begin(_session, _transaction, connection) -> None:  # noqa: ANN001 - SQLAlchemy hook
    if not _read_only.get() or connection.dialect not in _AUTOCOMMIT_DIALECTS:
        return
    raw = connection.connection.dbapi_connection
    # Only a connection nothing ran on yet (psycopg has not sent its BEGIN), and not one already in autocommit.
    if raw is not None and not raw.autocommit and raw.info.transaction_status == _IDLE:
        raw.autocommit = True
        connection.info[_AUTOCOMMIT_READS] = True


@lru_cache(maxsize=2048)
def _is_plain_read(statement: str) -> bool:
    # Cached: the statements come from SQLAlchemy's compiled cache, the same strings again and again, and
    # searching each one's text took half a millisecond of a card's CPU.
    return _PLAIN_READ.match(statement) is not None and _NOT_PLAIN.search(statement) is None


def in_a_transaction_from_here(conn) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    """A connection of a read-only request runs what follows in a transaction (the next statement's BEGIN), as
    every other request does: before a write, or a setting for the rest of the transaction. Nothing otherwise."""
    if conn.info.pop(_AUTOCOMMIT_READS, None):
        conn.connection.dbapi_connection.autocommit = False


# psycopg prepares a statement on its fifth run and keeps the last 100 per connection (prepared_max), dropping the
# oldest. The counter's routes run about 330 distinct statements (bench/route_cost.py), so with 100 each was
# evicted before its next run and PostgreSQL planned it again: a card's 20 statements paid for planning every time.
# Prepared plans are small (kilobytes each, per connection), and the set is bounded by the code's statements.
PREPARED_MAX = 1000


def install_pg_prepared_plans(engine: Engine) -> None:
    """PostgreSQL: keep every statement the app runs prepared on its connection (PREPARED_MAX)."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI hook
        dbapi_connection.prepared_max = PREPARED_MAX


def install_pg_liveness(engine: Engine) -> None:
    """On checkout, ping a PostgreSQL connection only when its socket says the server spoke or hung up while it
    sat in the pool, or when it sat there longer than PING_AFTER_IDLE_S (see the module docstring)."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:  # noqa: ANN001 - pool hook
        record.info["jewelpwa_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy) -> None:  # noqa: ANN001 - pool hook
        idle_since = record.info.pop("jewelpwa_idle_since", None)
        if idle_since is None:
            return  # just connected
        if time.monotonic() - idle_since < PING_AFTER_IDLE_S and not _spoke_while_idle(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if not engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise
            # As pre-ping does: the server went away, so every connection pooled before now is dead too.
            raise exc.InvalidatePoolError() from error


def _spoke_while_idle(dbapi_connection) -> bool:  # noqa: ANN001 - a psycopg connection
    """True when the server sent something to an idle connection: the notice of its end, or the end itself."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def commit_keeping_loaded(session: Session) -> None:
    """Commit without expiring what the transaction loaded and wrote: a request that answers with rows it already
    read (an outcome's Today row, a card after its audit row) would otherwise read each of them again."""
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def only_reads_from_now(_session: Session) -> None:
    """The request's write is committed and the rest of it only reads (an outcome's answer renders the row).

    SQLite's next transaction is then a deferred read, so the writer lock is not held while the answer renders.
    PostgreSQL runs the reads in autocommit, as a read-only request's (install_pg_autocommit_reads). A replayed
    outcome wrote and committed nothing: its transaction of reads simply goes on."""
    set_read_only(True)


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
