"""Lay a store's open follow-ups onto its associates' coming days (domain.day_plan), every morning, from scratch.

Re-planning the horizon each morning is what makes a missed row move instead of piling up: whatever yesterday's
plan held and nobody reached is simply placed again, by value, among today's reasons. Only the rows of the
coming days carry a day, so clearing and writing them costs a few hundred updates, whatever the book's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update

from ...domain.day_plan import DayPlan, PlanItem, plan_days
from ...domain.ranking import value
from ...domain.settings import EngineSettings
from ...domain.vocab import Kind, Tier
from ...extensions import db
from ...models import Client, FollowUp, User
from ..batching import chunks
from .gating import LIVE

# How many days ahead the plan reaches. Two weeks holds every retry of a short window and lets "More" pull
# ahead; a reason whose window starts later is planned when it comes into the horizon.
HORIZON_DAYS = 14
# The detail a reason's value reads (domain.ranking.value), taken out of the JSON by the database: decoding every
# row's whole detail in Python was most of the schedule's time on a first plan.
VALUE_DETAIL = ("milestone", "pace_touches", "touches_12m")


@dataclass
class Scheduled:
    planned: int
    unplanned: int
    per_day: dict[date, int]


def capacities(store_id: int, settings: EngineSettings) -> dict[int, int]:
    """Rows a working day holds per active associate: their target plus the store's margin."""
    rows = db.session.execute(select(User.id, User.daily_target).where(User.store_id == store_id,
                                                                        User.active.is_(True)))
    return {uid: settings.day_capacity(target or 0) for uid, target in rows}


def schedule(store_id: int, on: date, settings: EngineSettings) -> Scheduled:
    """Plan the store's coming HORIZON_DAYS from `on`; the caller commits."""
    last = on + timedelta(days=HORIZON_DAYS - 1)
    db.session.execute(update(FollowUp).where(FollowUp.store_id == store_id, FollowUp.planned_on.is_not(None))
                       .values(planned_on=None), execution_options={"synchronize_session": False})
    rows = db.session.execute(
        select(FollowUp.id, FollowUp.client_id, FollowUp.assignee_id, FollowUp.kind, FollowUp.expires_on,
               FollowUp.show_on, *[FollowUp.detail[key].as_integer().label(key) for key in VALUE_DETAIL])
        .where(FollowUp.store_id == store_id, FollowUp.status.in_(LIVE), FollowUp.expires_on >= on,
               FollowUp.show_on <= last, FollowUp.assignee_id.is_not(None))).all()
    tiers = _tiers(store_id, {row.client_id for row in rows})
    plan = plan_days((_item(row, tiers.get(row.client_id, Tier.C.value), on) for row in rows), on, HORIZON_DAYS,
                     capacities(store_id, settings), settings.closed_weekdays)
    _write(plan)
    return Scheduled(len(plan.placed), len(plan.unplaced), plan.per_day())


def _item(row: Any, tier: str, on: date) -> PlanItem:
    # Value without urgency: the plan decides the day, so how close the day is must not decide the order.
    kind = Kind(row.kind)
    detail = {key: getattr(row, key) for key in VALUE_DETAIL if getattr(row, key) is not None}
    return PlanItem(row.id, row.client_id, row.assignee_id, kind, max(row.show_on, on), row.expires_on,
                    value(kind, tier, detail))


def _tiers(store_id: int, client_ids: set[int]) -> dict[int, str]:
    if not client_ids:
        return {}
    # The whole store's tiers in one read: cheaper than IN lists once the plan touches a good part of the book.
    return {cid: tier for cid, tier in db.session.execute(
        select(Client.id, Client.tier).where(Client.store_id == store_id)) if cid in client_ids}


def _write(plan: DayPlan) -> None:
    by_day: dict[date, list[int]] = defaultdict(list)
    for follow_up_id, day in plan.placed.items():
        by_day[day].append(follow_up_id)
    for day, ids in by_day.items():
        for chunk in chunks(sorted(ids)):
            db.session.execute(update(FollowUp).where(FollowUp.id.in_(chunk)).values(planned_on=day),
                               execution_options={"synchronize_session": False})
