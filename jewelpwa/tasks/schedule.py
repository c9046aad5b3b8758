"""Periodic work, declared as data in one place (redash's periodic_job_definitions).

The scheduler only enqueues these on time; each job then asks the database what is due. That is
what makes catch-up and double schedulers safe: "plan the store" means "plan every day after
store.last_planned_on", and every push is an outbox row unique on (key, device).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from . import queues


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str  # dotted path, so the scheduler never imports the app
    every: float  # seconds
    queue: str = queues.DEFAULT
    timeout: int = 600


PERIODIC_JOBS: tuple[Periodic, ...] = (
    # The safety net for every push: new rows whose job was lost, retries that are due, dead senders.
    Periodic("sweep_outbox", "jewelpwa.tasks.jobs.sweep_outbox", every=30, queue=queues.PUSH, timeout=120),
    Periodic("plan_due_stores", "jewelpwa.tasks.jobs.plan_due_stores", every=60),
    # Digest and high-priority "due today" pushes, once the store's day is planned.
    Periodic("morning_digests", "jewelpwa.tasks.jobs.morning_digests", every=60),
    Periodic("appointment_reminders", "jewelpwa.tasks.jobs.appointment_reminders", every=60, queue=queues.PUSH),
    Periodic("evening_nudges", "jewelpwa.tasks.jobs.evening_nudges", every=300),
)

DIGEST_HOURS = 4  # a digest that has not gone out by then is stale; Today itself says the same
EVENING_HOUR = 17
EVENING_HOURS = 2


def _stores():
    from sqlalchemy import select

    from jewelpwa.extensions import db
    from jewelpwa.models import Store

    return db.session.scalars(select(Store).order_by(Store.id)).all()


def _local(store, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(store.timezone))


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
