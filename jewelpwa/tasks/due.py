"""Which store days are due now: a plan after the store's morning hour, the digest in the morning, the evening nudge.

The periodic jobs ask this on every tick; the database (`stores.last_planned_on`) and the store's own clock
decide, so a missed tick, a second scheduler or a worker back from downtime all come to the same answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..extensions import db
from ..models import Store

DIGEST_HOURS = 4  # a digest that has not gone out by then is stale; Today itself says the same
EVENING_HOUR = 17
EVENING_HOURS = 2


def _stores() -> list[Store]:
    return list(db.session.scalars(select(Store).order_by(Store.id)))


def _local(store, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(store.timezone))


def store_ids() -> list[int]:
    return [store.id for store in _stores()]


def plan_target(local_now: datetime, morning_hour: int) -> date:
    """The last store day that should be planned by now: today from the morning hour on, else yesterday."""
    today = local_now.date()
    return today if local_now.hour >= morning_hour else today - timedelta(days=1)


def stores_to_plan(now: datetime) -> Iterator[tuple[int, date]]:
    for store in _stores():
        target = plan_target(_local(store, now), store.morning_hour)
        if store.last_planned_on is None or store.last_planned_on < target:
            yield store.id, target


def _in_hours(store, now: datetime, start: int, hours: int) -> date | None:
    local = _local(store, now)
    planned = store.last_planned_on is not None and store.last_planned_on >= local.date()
    return local.date() if planned and start <= local.hour < start + hours else None


def stores_for_digest(now: datetime) -> Iterator[tuple[int, date]]:
    for store in _stores():
        if (on := _in_hours(store, now, store.morning_hour, DIGEST_HOURS)) is not None:
            yield store.id, on


def stores_for_evening(now: datetime) -> Iterator[tuple[int, date]]:
    for store in _stores():
        if (on := _in_hours(store, now, EVENING_HOUR, EVENING_HOURS)) is not None:
            yield store.id, on
