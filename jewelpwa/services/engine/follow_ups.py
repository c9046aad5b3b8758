"""Writing proposals as follow-up rows: insert-if-new through the store's dedupe key, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain

from psycopg.errors import UniqueViolation
from sqlalchemy import ARRAY, String, any_, bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite

from ...clock import utcnow
from ...domain.proposals import Proposal
from ...domain.vocab import Status
from ...extensions import db
from ...models import FollowUp
from ..batching import chunks


def existing_keys(store_id: int, keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys the store already has (chunked IN lists keep both databases happy)."""
    keys = list(keys)
    if not keys:
        return set()
    if db.session.scalar(select(FollowUp.id).where(FollowUp.store_id == store_id).limit(1)) is None:
        return set()  # a store's first plan: nothing to look up (820k index probes at 1M clients)
    if db.session.get_bind().dialect.name == "postgresql":
        # One array parameter instead of IN lists of 2,000 bound values: parsing and binding those cost
        # more than the index probes (about 6 s for the 74k keys of a first plan at 100k clients).
        wanted = bindparam("keys", keys, type_=ARRAY(String))
        return set(db.session.scalars(
            select(FollowUp.dedupe_key).where(FollowUp.store_id == store_id, FollowUp.dedupe_key == any_(wanted))))
    found: set[str] = set()
    for chunk in chunks(keys):
        found.update(db.session.scalars(
            select(FollowUp.dedupe_key).where(FollowUp.store_id == store_id, FollowUp.dedupe_key.in_(chunk))))
    return found


def keys_in_window(store_id: int, on: date) -> set[str]:
    """Dedupe keys of the store's follow-ups (any status) whose window holds `on`."""
    return set(db.session.scalars(select(FollowUp.dedupe_key).where(
        FollowUp.store_id == store_id, FollowUp.expires_on >= on, FollowUp.opens_on <= on)))


# A first plan (or a catch-up) can add more rows than the table held: re-read statistics past this many.
ANALYZE_AFTER_ROWS = 10_000


def analyze_after_bulk_insert(inserted: int) -> None:
    """Refresh PostgreSQL's statistics of follow_ups after a big insert, inside the plan's transaction.

    Autovacuum analyzes a table only after its next nap once 10 % of it changed; a plan right after the first
    one (catch-up after downtime, or the bench) would otherwise be planned on an empty-table estimate:
    nested loops for 70k rows, sequential scans per IN list. ANALYZE samples 30k rows (well under a second at
    1M clients) and takes no lock that blocks reads or writes. SQLite plans by its indexes without statistics.
    """
    if inserted >= ANALYZE_AFTER_ROWS and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE follow_ups"))


def row_for(store_id: int, client_id: int, assignee_id: int | None, proposal: Proposal, on: date,
            made_at: datetime | None = None, plan_later: bool = False, **detail: object) -> dict:
    """The follow_ups row of a proposal made on `on` (keyword arguments join its detail).

    One reason made during the day (a sale's thanks, a referral, a repair ready) that shows today goes on
    today's list at once; the planner's own rows and bulk makers (campaigns, events, hand-offs) pass
    `plan_later`, so the next plan lays them onto the days by capacity instead of flooding one list.
    """
    window = proposal.window
    show_on = max(window.opens_on, on)
    return {
        "store_id": store_id, "client_id": client_id, "assignee_id": assignee_id, "kind": str(proposal.kind),
        "status": Status.OPEN.value, "opens_on": window.opens_on, "due_on": window.due_on,
        "expires_on": window.expires_on, "occasion_on": proposal.occasion_on,
        "show_on": show_on, "planned_on": None if plan_later or show_on > on else on,
        "tries": 0, "source": proposal.source, "dedupe_key": proposal.dedupe_key,
        "detail": {**proposal.detail, **detail}, "note": None,
        "created_at": made_at or utcnow(), "closed_at": None,
    }


def write_new(store_id: int, rows: Iterator[dict]) -> list[dict]:
    """Insert a plan's new rows (row_for dicts, made lazily) unless their key exists; returns the rows written.

    On PostgreSQL they are streamed into COPY as they are made, so the server inserts (indexes, foreign
    keys: most of a big plan's time) while Python makes the next rows, instead of after the last one. COPY
    has no ON CONFLICT: a key the store already has (its window changed since, or a sale or another planner
    made it meanwhile) undoes the COPY to its savepoint, and the rows then go through the key lookup and
    insert_new. SQLite gets the lookup and insert_new directly.
    """
    first = next(rows, None)
    if first is None:
        return []
    pending: Iterator[dict] = chain([first], rows)
    if db.session.get_bind().dialect.name == "postgresql":
        made: list[dict] = []
        if _copied(list(first), _kept(pending, made)):
            return made
        pending = chain(made, pending)  # the rows streamed before the conflict, and the ones not yet made
    candidates = list(pending)
    seen = existing_keys(store_id, [r["dedupe_key"] for r in candidates])
    new = [r for r in candidates if r["dedupe_key"] not in seen]
    insert_new(new)
    return new


def _kept(rows: Iterable[dict], made: list[dict]) -> Iterator[dict]:
    for row in rows:
        made.append(row)
        yield row


# From this many rows on, PostgreSQL gets them through COPY (a first plan inserts most of the book at once).
COPY_FROM_ROWS = 5_000


def insert_new(rows: Sequence[dict]) -> None:
    """Insert rows; callers pre-filter with existing_keys, and a concurrent planner's duplicate is ignored here."""
    if not rows:
        return
    name = db.session.get_bind().dialect.name
    if name == "postgresql" and len(rows) >= COPY_FROM_ROWS:
        _copy_insert(rows)
        return
    module = postgresql if name == "postgresql" else sqlite
    for chunk in chunks(rows):
        # The table, not the mapped class: Core inserts the batch without per-row ORM processing.
        stmt = module.insert(FollowUp.__table__).on_conflict_do_nothing(index_elements=["store_id", "dedupe_key"])
        db.session.execute(stmt, chunk)


def _copy_insert(rows: Sequence[dict]) -> None:
    """COPY the rows straight into follow_ups; if one of their keys was made meanwhile, insert the rest.

    executemany costs a round trip and a parse per row (about 10 s for the 74k rows of a first plan at
    100k clients); COPY streams them. COPY has no ON CONFLICT, but the caller already left out the keys the
    store has, so a conflict means a concurrent planner or sale made one since: the COPY is undone to its
    savepoint and the rows go through a temporary table and INSERT ... ON CONFLICT DO NOTHING instead.
    COPY straight into the table is the common path because the detour costs a third more (the
    speculative insertion into the unique index, and writing every row twice): 55 s against 37 s for
    820k rows on this machine.
    """
    cols = list(rows[0])
    if _copied(cols, rows):
        return
    conn = db.session.connection()
    names = ", ".join(cols)
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE follow_ups_incoming ON COMMIT DROP AS SELECT {names} FROM follow_ups WITH NO DATA")
    _copy(conn, "follow_ups_incoming", cols, rows)
    conn.exec_driver_sql(
        f"INSERT INTO follow_ups ({names}) SELECT {names} FROM follow_ups_incoming "
        "ON CONFLICT (store_id, dedupe_key) DO NOTHING")
    conn.exec_driver_sql("DROP TABLE follow_ups_incoming")


def _copied(cols: list[str], rows: Iterable[dict]) -> bool:
    """COPY the rows straight into follow_ups inside a savepoint; False (and nothing written) when one of
    their keys exists, so the caller can take the ON CONFLICT path."""
    conn = db.session.connection()
    try:
        with conn.begin_nested():
            _copy(conn, "follow_ups", cols, rows)
    except UniqueViolation:
        return False
    return True


def _copy(conn, table: str, cols: list[str], rows: Iterable[dict]) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c == "detail" else row[c] for c in cols])
