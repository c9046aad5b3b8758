"""plan_store_day: turn what the store knows into follow-ups for one day, idempotently."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, not_, select, update

from ...clock import utcnow
from ...domain.settings import EngineSettings
from ...domain.vocab import Status
from ...extensions import db
from ...models import FollowUp, Store
from ..pg_settings import for_big_reads
from . import proposing
from .client_value import recompute_spend_and_tiers
from .follow_ups import analyze_after_bulk_insert, keys_in_window, row_for, write_new
from .gating import LIVE, gate_inputs, gate_showing, touch_counts
from .scheduling import schedule


@dataclass
class PlanResult:
    store_id: int
    on: date
    created: int = 0
    expired: int = 0
    moved: int = 0
    let_go: int = 0  # of the expired: windows that closed while the team's days were full of better reasons
    planned: int = 0  # follow-ups on a day of the coming HORIZON_DAYS
    unplanned: int = 0  # open follow-ups the coming days had no room for (yet)
    list_sizes: dict[int, int] = field(default_factory=dict)


def engine_settings(store: Store) -> EngineSettings:
    """The store's engine settings: its overrides on top of DESIGN.md's defaults, in its country."""
    return EngineSettings.from_dict({"country": store.country, **(store.settings or {})})


def plan_store_day(store: Store, on: date) -> PlanResult:
    """Create every follow-up whose window holds `on` and does not exist yet, expire stale ones, gate the rest,
    and lay the open ones onto the associates' coming days (scheduling.schedule): Today is that day's plan.

    Idempotent: the dedupe key makes a second run (or a concurrent one) insert nothing, so running it twice
    or catching up after downtime gives the same rows. Commits once.
    """
    settings = engine_settings(store)
    result = PlanResult(store.id, on)
    for_big_reads("64MB")
    recompute_spend_and_tiers(store.id, on, settings)

    # Every proposal found today has a window holding `on`, so the follow-ups already made for them are
    # among the store's rows whose window holds `on`: one range read (index on store_id, expires_on) instead
    # of probing every found key. Before, the keys went to the database in IN lists of 2,000; right after
    # the first big insert PostgreSQL had no statistics for follow_ups yet and answered each list with a
    # sequential scan (32 s of the 45 s next-day plan at 100k clients).
    known = keys_in_window(store.id, on)
    # Every read comes first (candidates, touch counts, the gate's inputs); the new follow-ups are then made
    # one by one while they are written (follow_ups.write_new streams them into the database).
    sources = proposing.sources(store.id, on, settings, known)
    # Ranking's coverage term (domain.ranking.coverage) lifts clients behind the five-a-year pace; the
    # count is taken when the follow-up is made, which is as fresh as a window of a few weeks needs.
    counts = touch_counts(store.id, on)
    result.expired, result.let_go = expire_closed_windows(store.id, on)
    # The rows already there first (the new ones would look like rows reaching their show day), then the
    # new ones with the same inputs, each before it is written: it carries its show day or closing note.
    inputs = gate_inputs(store.id, on, settings)
    result.moved, closed = gate_showing(store.id, on, settings, inputs)
    result.expired += closed
    made_at = utcnow()

    def new_rows() -> Iterator[dict]:
        seen = set(known)
        for found in chain.from_iterable(sources):
            if found.proposal.dedupe_key in seen:
                continue
            seen.add(found.proposal.dedupe_key)
            row = row_for(store.id, found.client_id, found.assignee_id, found.proposal, on, made_at,
                          plan_later=True, pace_touches=counts.get(found.client_id, 0))
            inputs.apply(row)
            yield row

    written = write_new(store.id, new_rows())
    result.created = len(written)
    result.moved += sum(1 for r in written if r["status"] == Status.OPEN.value and r["show_on"] > max(r["opens_on"], on))
    result.expired += sum(1 for r in written if r["status"] != Status.OPEN.value)
    analyze_after_bulk_insert(len(written))
    scheduled = schedule(store.id, on, settings)
    result.planned, result.unplanned = scheduled.planned, scheduled.unplanned
    result.list_sizes = list_sizes(store.id, on)
    if store.last_planned_on is None or on > store.last_planned_on:
        store.last_planned_on = on
    db.session.commit()
    return result


LET_GO = "let go: the team's days were full of more valuable reasons until the window closed"
NOT_REACHED = "window closed before anyone reached the client"


def expire_closed_windows(store_id: int, on: date) -> tuple[int, int]:
    """Expire live follow-ups whose window closed before `on`: (expired, of which let go).

    One that was on a list (it carries the day of the last plan) was not reached; one the plans never had room
    for was let go, and says so: the owner sees how much the book asked beyond what the team can do.
    """
    counts = []
    # Only a reason with an associate can be let go for lack of room: nobody's client's reasons were never planned.
    let_go = and_(FollowUp.planned_on.is_(None), FollowUp.assignee_id.is_not(None))
    for planned, note in ((not_(let_go), NOT_REACHED), (let_go, LET_GO)):
        counts.append(cast(CursorResult[Any], db.session.execute(
            update(FollowUp).where(FollowUp.store_id == store_id, FollowUp.status.in_(LIVE),
                                   FollowUp.expires_on < on, planned)
            .values(status=Status.EXPIRED.value, note=note, closed_at=utcnow()),
            execution_options={"synchronize_session": False})).rowcount or 0)
    return counts[0] + counts[1], counts[1]


def list_sizes(store_id: int, on: date) -> dict[int, int]:
    """Clients on each associate's plan for `on` (one card per client)."""
    rows = db.session.execute(
        select(FollowUp.assignee_id, func.count(func.distinct(FollowUp.client_id)))
        .where(FollowUp.store_id == store_id, FollowUp.planned_on == on, FollowUp.status.in_(LIVE),
               FollowUp.assignee_id.is_not(None))
        .group_by(FollowUp.assignee_id))
    return {assignee: count for assignee, count in rows if assignee is not None}


def catch_up(store_id: int, today: date, max_days: int = 60) -> list[PlanResult]:
    """Plan every day after the store's last planned day through today (after downtime), oldest first."""
    store = db.session.get_one(Store, store_id)
    start = today if store.last_planned_on is None else store.last_planned_on + timedelta(days=1)
    start = max(start, today - timedelta(days=max_days - 1))
    results = []
    day = start
    while day <= today:
        results.append(plan_store_day(store, day))
        day += timedelta(days=1)
    return results
