"""Writing proposals as follow-up rows: insert-if-new through the store's dedupe key, on both databases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..domain.proposals import Proposal
from ..domain.vocab import Status
from ..extensions import db
from ..models import FollowUp
from .batching import chunks


def existing_keys(store_id: int, keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys the store already has (chunked IN lists keep both databases happy)."""
    found: set[str] = set()
    for chunk in chunks(list(keys)):
        found.update(db.session.scalars(
            select(FollowUp.dedupe_key).where(FollowUp.store_id == store_id, FollowUp.dedupe_key.in_(chunk))))
    return found


def row_for(store_id: int, client_id: int, assignee_id: int | None, proposal: Proposal, on: date) -> dict:
    window = proposal.window
    return {
        "store_id": store_id, "client_id": client_id, "assignee_id": assignee_id, "kind": str(proposal.kind),
        "status": Status.OPEN.value, "opens_on": window.opens_on, "due_on": window.due_on,
        "expires_on": window.expires_on, "occasion_on": proposal.occasion_on,
        "show_on": max(window.opens_on, on),
        "tries": 0, "source": proposal.source, "dedupe_key": proposal.dedupe_key,
        "detail": dict(proposal.detail), "created_at": datetime.now(UTC),
    }


def insert_new(rows: Sequence[dict]) -> None:
    """Insert rows; callers pre-filter with existing_keys, and a concurrent planner's duplicate is ignored here."""
    if not rows:
        return
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    for chunk in chunks(rows):
        # The table, not the mapped class: Core inserts the batch without per-row ORM processing.
        stmt = module.insert(FollowUp.__table__).on_conflict_do_nothing(index_elements=["store_id", "dedupe_key"])
        db.session.execute(stmt, chunk)
