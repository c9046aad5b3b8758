"""Each store's data version: one number that moves whenever a commit changed the store's data.

Pages kept in memory (jewelpwa/web/page_cache.py) are keyed by it, so a kept Today is served again only while
nothing it could show has changed. The rule is deliberately coarse: any written row of the store counts, and
a bulk statement (the planner's inserts, an outcome's set-based update), whose store is not known here, moves
every store's number. Writes that never change what a page shows (session bookkeeping, the audit log, the
push outbox) are left out, or every request would invalidate the pages it just kept.

The bump is the last statement of the transaction, after the final flush: the store row is locked last, so two
writers cannot each hold a row the other waits for.
"""

from __future__ import annotations

from itertools import chain
from typing import cast

from sqlalchemy import Table, event, update
from sqlalchemy.orm import Session

from .models import Store

# Tables whose writes never change a page: sign-in bookkeeping, the audit trail, push devices and outbox.
QUIET_TABLES = frozenset({"user_sessions", "audit_events", "notifications", "push_subscriptions"})
EVERY_STORE = 0  # store ids start at 1
_KEY = "jewelpwa_changed_stores"


def _changed(session: Session) -> set[int]:
    return session.info.setdefault(_KEY, set())


def _store_of(obj: object) -> int | None:
    if isinstance(obj, Store):
        return obj.id
    return getattr(obj, "store_id", None)


def _after_flush(session: Session, _flush_context) -> None:  # noqa: ANN001 - SQLAlchemy hook
    changed = _changed(session)
    # session.dirty builds a new set on each access: read it once (a seed or import flushes thousands of rows).
    modified = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    for obj in chain(session.new, session.deleted, modified):
        if getattr(obj, "__tablename__", None) in QUIET_TABLES:
            continue
        store_id = _store_of(obj)
        changed.add(store_id if store_id is not None else EVERY_STORE)


def _on_statement(state) -> None:  # noqa: ANN001 - ORMExecuteState
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in QUIET_TABLES:
        _changed(state.session).add(EVERY_STORE)


def _before_commit(session: Session) -> None:
    if not session.info.get(_KEY):
        return
    session.flush()
    changed = session.info.pop(_KEY, set())
    stores = cast(Table, Store.__table__)
    statement = update(stores).values(data_version=stores.c.data_version + 1)
    if EVERY_STORE not in changed:
        statement = statement.where(stores.c.id.in_(sorted(changed)))
    # On the connection, not session.execute: the bump itself must not count as a change.
    session.connection().execute(statement)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)


def install() -> None:
    """Listen on every ORM session (idempotent: SQLAlchemy ignores a listener added twice)."""
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_statement)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _forget)
