"""Each store's data version, and each user's pages version: numbers that move when a commit changed what a kept
page could show.

Pages kept in memory (jewelpwa/web/page_cache.py) are keyed by both, so a kept Today is served again only while
nothing it could show has changed. The rule is deliberately coarse: any written row of the store moves the
store's number, and a bulk statement (the planner's inserts, an outcome's set-based update), whose store is not
known here, moves every store's number. Writes that never change what a page shows (session bookkeeping, the
audit log, the push outbox) are left out, or every request would invalidate the pages it just kept.

One exception, declared by the write itself with `only_pages_of`: an outcome (and its undo) changes the
follow-ups, the clock and the timeline of one client, and so the kept pages of the associates concerned (who
logged it, whose follow-ups moved, whose client it is), not the whole store's. Its rows in the declared tables
then move those users' `pages_version` instead of the store's number, so the other associates keep their kept
Today. Any other row written in the same transaction (another table, another store, a bulk statement) still
moves the store's number, so a write that does more than it declared is never under-invalidated. A kept page
must therefore show only what is its user's own (their list, their clients); an owner page showing the whole
team's work must not be kept by page_key.

The bump is the last statement of the transaction, after the final flush: the store (or users) rows are locked
last, so two writers cannot each hold a row the other waits for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any, cast

from sqlalchemy import Table, event, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from .models import Store, User

# Tables whose writes never change a page: sign-in bookkeeping, the audit trail, push devices and outbox.
QUIET_TABLES = frozenset({"user_sessions", "audit_events", "notifications", "push_subscriptions"})
# Columns of other tables whose change alone shows on no page: a sign-in's time.
QUIET_COLUMNS = {"users": frozenset({"last_login_at"})}
EVERY_STORE = 0  # store ids start at 1
_KEY = "jewelpwa_changed_stores"
_SCOPE = "jewelpwa_pages_scope"


@dataclass(frozen=True)
class PagesScope:
    store_id: int
    tables: frozenset[str]
    user_ids: frozenset[int]


def only_pages_of(session: Session, store_id: int, user_ids: Iterable[int | None], tables: Iterable[str]) -> None:
    """Declare that this transaction's rows in `tables` of store `store_id` change only these users' kept pages.

    Call it anywhere before the commit; it holds for that commit only."""
    session.info[_SCOPE] = PagesScope(store_id, frozenset(tables), frozenset(u for u in user_ids if u is not None))


def _changed(session: Session) -> set[tuple[int, str | None]]:
    return session.info.setdefault(_KEY, set())


# Rows without a store_id of their own, and the loaded parent that has one.
_PARENTS = {"outreach_follow_ups": "outreach"}


def _store_of(obj: object, table: str | None) -> int | None:
    if isinstance(obj, Store):
        return obj.id
    store_id = getattr(obj, "store_id", None)
    if store_id is None and table in _PARENTS:
        # Only a parent already in memory (no SQL inside a flush); else the row counts for every store.
        parent = inspect(obj).attrs[_PARENTS[table]].loaded_value
        store_id = getattr(parent, "store_id", None)
    return store_id


def changed_columns(obj: object) -> set[str]:
    """The column attributes of a loaded row whose value differs from the one loaded: its net change.

    What `session.is_modified(obj, include_collections=False)` answers, read from the few attributes the object
    recorded a change of (its committed state) instead of the history of every attribute (a client has 60): this
    runs for every row of every flush. A value set to what it was is no change; one not loaded before is."""
    state = inspect(obj)
    committed = state.committed_state
    if not committed:
        return set()
    columns = _column_keys(type(obj))
    current = state.dict
    return {key for key, old in committed.items()
            if key in columns and (old is NO_VALUE or key not in current or current[key] != old)}


_COLUMN_KEYS: dict[type, frozenset[str]] = {}


def _column_keys(cls: type) -> frozenset[str]:
    found = _COLUMN_KEYS.get(cls)
    if found is None:
        mapper: Any = inspect(cls)
        found = _COLUMN_KEYS[cls] = frozenset(attr.key for attr in mapper.column_attrs)
    return found


def _after_flush(session: Session, _flush_context) -> None:  # noqa: ANN001 - SQLAlchemy hook
    changed = _changed(session)
    # session.dirty builds a new set on each access: read it once (a seed or import flushes thousands of rows).
    modified = [obj for obj in session.dirty
                if (columns := changed_columns(obj))
                and not _only_quiet_columns(columns, getattr(obj, "__tablename__", None))]
    for obj in chain(session.new, session.deleted, modified):
        table = getattr(obj, "__tablename__", None)
        if table in QUIET_TABLES:
            continue
        store_id = _store_of(obj, table)
        changed.add((store_id if store_id is not None else EVERY_STORE, table))


def _only_quiet_columns(changed: set[str], table: str | None) -> bool:
    quiet = QUIET_COLUMNS.get(table or "")
    return quiet is not None and changed <= quiet


def _on_statement(state) -> None:  # noqa: ANN001 - ORMExecuteState
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in QUIET_TABLES:
        _changed(state.session).add((EVERY_STORE, None))


def _before_commit(session: Session) -> None:
    # SQLAlchemy calls this before the commit's own flush: without this one, a change made since the last flush
    # (a row edited, then commit) was recorded only by that later flush, and moved no number until the next commit.
    session.flush()
    if not session.info.get(_KEY):
        session.info.pop(_SCOPE, None)
        return
    changed = session.info.pop(_KEY, set())
    scope: PagesScope | None = session.info.pop(_SCOPE, None)
    if scope is not None:
        declared = {(store, table) for store, table in changed if store == scope.store_id and table in scope.tables}
        changed -= declared
        if declared and scope.user_ids:
            users = cast(Table, User.__table__)
            # On the connection, not session.execute: the bump itself must not count as a change.
            session.connection().execute(update(users).where(users.c.id.in_(sorted(scope.user_ids)))
                                         .values(pages_version=users.c.pages_version + 1))
    if not changed:
        return
    stores = {store for store, _table in changed}
    table = cast(Table, Store.__table__)
    statement = update(table).values(data_version=table.c.data_version + 1)
    if EVERY_STORE not in stores:
        statement = statement.where(table.c.id.in_(sorted(stores)))
    session.connection().execute(statement)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_SCOPE, None)


def install() -> None:
    """Listen on every ORM session (idempotent: SQLAlchemy ignores a listener added twice)."""
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_statement)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _forget)
