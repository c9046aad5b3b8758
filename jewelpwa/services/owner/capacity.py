"""What the book asks of the team this month, what the team can plan, and what was let go for lack of room.

Book health and the morning huddle show it in one line ("this month the book asked for about 85 contacts a day;
the team plans 60; 312 reasons were let go: 230 reconnects, ..."), so an owner who sees reasons let go knows it is
the team's size, not the app, and which reasons paid for it (always the lowest-value ones: domain.day_plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ...domain.vocab import KIND_LABEL, Kind
from ...extensions import db
from ...models import FollowUp, Outreach, Store, User
from ..access import require_manager
from ..engine.planner import engine_settings
from ..engine.scheduling import capacities


@dataclass(frozen=True)
class LetGo:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class Capacity:
    since: date
    days: int
    asked_per_day: float  # clients contacted plus reasons let go, per day of the month so far
    planned_per_day: int  # what the team's working day holds: every active associate's target and margin
    let_go: list[LetGo]

    @property
    def let_go_total(self) -> int:
        return sum(item.count for item in self.let_go)


def capacity(actor: User, on: date) -> Capacity:
    """The month so far up to `on` (yesterday's let-go included; today's plan has not closed anything yet)."""
    require_manager(actor)
    store = db.session.get_one(Store, actor.store_id)
    settings = engine_settings(store)
    since = on.replace(day=1)
    days = [since + timedelta(days=i) for i in range((on - since).days + 1)]
    working = max(sum(1 for d in days if d.weekday() not in settings.closed_weekdays), 1)
    tz = ZoneInfo(store.timezone)
    start = datetime.combine(since, time.min, tzinfo=tz)
    end = datetime.combine(on + timedelta(days=1), time.min, tzinfo=tz)
    let_go = db.session.execute(
        select(FollowUp.kind, func.count()).where(
            FollowUp.store_id == store.id, FollowUp.note.like("let go:%"),
            FollowUp.closed_at >= start, FollowUp.closed_at < end)
        .group_by(FollowUp.kind).order_by(func.count().desc())).all()
    # A client contacted twice on one day is one contact of that day, as on the associate's list.
    contacted = db.session.scalar(select(func.count()).select_from(
        select(Outreach.client_id, Outreach.occurred_on).distinct().where(
            Outreach.store_id == store.id, Outreach.occurred_on >= since, Outreach.occurred_on <= on).subquery())) or 0
    items = [LetGo(kind, KIND_LABEL.get(Kind(kind), kind), count) for kind, count in let_go]
    asked = (contacted + sum(i.count for i in items)) / working
    return Capacity(since, working, round(asked, 1), sum(capacities(store.id, settings).values()), items)
