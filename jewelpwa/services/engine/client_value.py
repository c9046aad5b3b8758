"""Client value: 24-month spend and tiers A/B/C by percentile, recomputed set-based by the planner; lifetime spend
and the store-named loyalty tier it reaches, kept on the client row for lists and moved at once by a sale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Table,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from ...domain.loyalty import TierRule, next_tier, tier_for
from ...domain.settings import EngineSettings
from ...domain.vocab import Tier
from ...extensions import db
from ...models import Client, LoyaltyTier, Purchase
from ...models._types import Money

SPEND_DAYS = 730


def store_tiers(store_id: int) -> list[TierRule]:
    rows = db.session.scalars(select(LoyaltyTier).where(LoyaltyTier.store_id == store_id)
                              .order_by(LoyaltyTier.min_spend)).all()
    return [TierRule(r.name, r.min_spend, r.perks or "") for r in rows]


def tier_case(tiers: Sequence[TierRule], spend=Client.lifetime_spend):  # noqa: ANN001, ANN201 - SQL expressions
    """SQL for "the tier this lifetime spend reaches", highest minimum first (NULL below the lowest)."""
    if not tiers:
        return literal(None)
    return case(*((spend >= t.min_spend, t.name) for t in sorted(tiers, key=lambda t: -t.min_spend)), else_=None)


def retier(store_id: int, tiers: Sequence[TierRule]) -> None:
    """Name each client's tier from their lifetime spend, writing only the rows that change."""
    tier = tier_case(tiers)
    db.session.execute(update(Client).where(Client.store_id == store_id, Client.loyalty_tier.is_distinct_from(tier))
                       .values(loyalty_tier=tier), execution_options={"synchronize_session": False})


def refresh_lifetime_spend(store_id: int) -> None:
    """Lifetime spend from every purchase (imports included), then tiers: set-based, changed rows only."""
    totals = (select(Purchase.client_id, func.sum(Purchase.total).label("total"))
              .where(Purchase.store_id == store_id).group_by(Purchase.client_id).subquery())
    db.session.execute(update(Client).where(Client.id == totals.c.client_id, Client.lifetime_spend != totals.c.total)
                       .values(lifetime_spend=totals.c.total), execution_options={"synchronize_session": False})
    retier(store_id, store_tiers(store_id))


def add_to_lifetime(client: Client, amount: Decimal) -> None:
    """A sale at the counter: the client's spend and tier move at once (the caller commits)."""
    client.lifetime_spend = (client.lifetime_spend or Decimal("0")) + amount
    reached = tier_for(client.lifetime_spend, store_tiers(client.store_id))
    client.loyalty_tier = reached.name if reached else None


@dataclass(frozen=True)
class LoyaltyStanding:
    """The card's view: where the client stands and what the next tier needs."""

    tier: TierRule | None
    spend: Decimal
    next: TierRule | None

    @property
    def to_next(self) -> Decimal | None:
        return self.next.min_spend - self.spend if self.next else None


def standing(client: Client) -> LoyaltyStanding | None:
    """None when the store has not set tiers."""
    tiers = store_tiers(client.store_id)
    if not tiers:
        return None
    spend = client.lifetime_spend or Decimal("0")
    return LoyaltyStanding(tier_for(spend, tiers), spend, next_tier(spend, tiers))


def recompute_spend_and_tiers(store_id: int, on: date, settings: EngineSettings) -> None:
    """Spend over the 24 months up to `on`, then tiers by spend cut-offs (same rule as domain.ranking); lifetime
    spend and the store-named loyalty tier ride along.

    The store's purchases are summed once per client into a temporary table; the cut-offs come from it, and
    one UPDATE joined to it writes the four figures of each client whose figures change (a rewrite on
    PostgreSQL is a new row version plus an entry in each client index, so unchanged rows are left alone).
    Clients with no purchase at all are then found by an anti-join on the same table. Before, the sum ran
    twice and the "no purchase in 24 months" and loyalty passes each probed or scanned every client (12 s of
    a 1M-client next-day plan).
    """
    since = on - timedelta(days=SPEND_DAYS)
    recent = and_(Purchase.purchased_on > since, Purchase.purchased_on <= on)
    totals = _spend_table()
    totals.create(db.session.connection())
    # Lifetime counts every purchase (imports included); the 24 months only those up to `on`.
    db.session.execute(insert(totals).from_select(
        ["client_id", "lifetime", "total"],
        select(Purchase.client_id, func.sum(Purchase.total), func.sum(case((recent, Purchase.total), else_=0)))
        .where(Purchase.store_id == store_id).group_by(Purchase.client_id)))
    # Sorted in Python: a few hundred thousand numbers at 1M clients, where SQL would read them per cut-off.
    spends = sorted((s for s in db.session.scalars(select(totals.c.total)) if s > 0), reverse=True)
    if spends:
        # A client is A when at most tier_a_share·(n-1) spenders spend more: the spend at that position is
        # the cut-off, so the ranking rule of domain.ranking.assign_tiers becomes two comparisons in SQL.
        a_min = spends[int(settings.tier_a_share * (len(spends) - 1))]
        b_min = spends[int((settings.tier_a_share + settings.tier_b_share) * (len(spends) - 1))]
        tier: ColumnElement[str] = case((and_(totals.c.total > 0, totals.c.total >= a_min), Tier.A.value),
                    (and_(totals.c.total > 0, totals.c.total >= b_min), Tier.B.value), else_=Tier.C.value)
    else:
        tier = literal(Tier.C.value)
    named = store_tiers(store_id)
    loyalty = tier_case(named, totals.c.lifetime)
    db.session.execute(
        update(Client).where(Client.id == totals.c.client_id,
                             or_(Client.spend_24m != totals.c.total, Client.tier != tier,
                                 Client.lifetime_spend != totals.c.lifetime,
                                 Client.loyalty_tier.is_distinct_from(loyalty)))
        .values(spend_24m=totals.c.total, tier=tier, lifetime_spend=totals.c.lifetime, loyalty_tier=loyalty),
        execution_options={"synchronize_session": False})
    # Clients who never bought (or whose purchases were all removed): no spend, tier C, and whatever loyalty
    # tier no spend reaches (usually none); only changed rows are written.
    never = ~exists().where(totals.c.client_id == Client.id)
    db.session.execute(
        update(Client).where(Client.store_id == store_id, never,
                             or_(Client.spend_24m != 0, Client.tier != Tier.C.value, Client.lifetime_spend != 0,
                                 Client.loyalty_tier.is_distinct_from(tier_case(named, literal(Decimal("0"))))))
        .values(spend_24m=Decimal("0"), tier=Tier.C.value, lifetime_spend=Decimal("0"),
                loyalty_tier=tier_case(named, literal(Decimal("0")))),
        execution_options={"synchronize_session": False})
    totals.drop(db.session.connection())


def _spend_table() -> Table:
    """A temporary table of one plan's per-client sums (dropped before the plan commits)."""
    return Table("client_spend_totals", MetaData(), Column("client_id", Integer, primary_key=True),
                 Column("lifetime", Money, nullable=False), Column("total", Money, nullable=False),
                 prefixes=["TEMPORARY"])
