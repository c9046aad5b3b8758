"""Client value: 24-month spend and tiers A/B/C by percentile, recomputed set-based by the planner."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, select, update

from ..domain.settings import EngineSettings
from ..domain.vocab import Tier
from ..extensions import db
from ..models import Client, Purchase

SPEND_DAYS = 730


def recompute_spend_and_tiers(store_id: int, on: date, settings: EngineSettings) -> None:
    """Spend over the 24 months up to `on`, then tiers by spend cut-offs (same rule as domain.ranking)."""
    since = on - timedelta(days=SPEND_DAYS)
    in_range = and_(Purchase.client_id == Client.id, Purchase.purchased_on > since, Purchase.purchased_on <= on)
    totals = (select(Purchase.client_id, func.sum(Purchase.total).label("total"))
              .where(Purchase.store_id == store_id, Purchase.purchased_on > since, Purchase.purchased_on <= on)
              .group_by(Purchase.client_id).subquery())
    # One grouped sum joined into the update, and only rows whose value changes: on a steady day almost
    # nothing is rewritten, which matters for SQLite (every rewritten row touches five indexes).
    db.session.execute(
        update(Client).where(Client.id == totals.c.client_id, Client.spend_24m != totals.c.total)
        .values(spend_24m=totals.c.total), execution_options={"synchronize_session": False})
    db.session.execute(
        update(Client).where(Client.store_id == store_id, Client.spend_24m != 0, ~exists().where(in_range))
        .values(spend_24m=0), execution_options={"synchronize_session": False})

    spenders = db.session.scalar(select(func.count()).where(Client.store_id == store_id, Client.spend_24m > 0)) or 0
    if spenders == 0:
        db.session.execute(update(Client).where(Client.store_id == store_id, Client.tier != Tier.C.value)
                           .values(tier=Tier.C.value),
                           execution_options={"synchronize_session": False})
        return
    # A client is A when at most tier_a_share·(n-1) spenders spend more: the spend at that position is the
    # cut-off, so the ranking rule of domain.ranking.assign_tiers becomes two comparisons in SQL.
    a_min = _spend_at(store_id, int(settings.tier_a_share * (spenders - 1)))
    b_min = _spend_at(store_id, int((settings.tier_a_share + settings.tier_b_share) * (spenders - 1)))
    tier = case((and_(Client.spend_24m > 0, Client.spend_24m >= a_min), Tier.A.value),
                (and_(Client.spend_24m > 0, Client.spend_24m >= b_min), Tier.B.value), else_=Tier.C.value)
    db.session.execute(update(Client).where(Client.store_id == store_id, Client.tier != tier).values(tier=tier),
                       execution_options={"synchronize_session": False})


def _spend_at(store_id: int, offset: int) -> Decimal:
    return db.session.scalar(
        select(Client.spend_24m).where(Client.store_id == store_id, Client.spend_24m > 0)
        .order_by(Client.spend_24m.desc()).offset(offset).limit(1))
