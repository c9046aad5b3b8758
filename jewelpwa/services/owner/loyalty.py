"""Loyalty tiers: the store names them by lifetime spend; each client's tier is kept on the client row for lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, delete, func, literal, select, update

from ...domain.loyalty import TierRule, next_tier, parse_tiers, tier_for
from ...extensions import db
from ...models import Client, LoyaltyTier, Purchase, User
from ..access import require_manager
from ..errors import Invalid


def store_tiers(store_id: int) -> list[TierRule]:
    rows = db.session.scalars(select(LoyaltyTier).where(LoyaltyTier.store_id == store_id)
                              .order_by(LoyaltyTier.min_spend)).all()
    return [TierRule(r.name, r.min_spend, r.perks or "") for r in rows]


def save_tiers(actor: User, rows: Sequence[tuple[str, str, str]]) -> list[TierRule]:
    """Replace the store's tiers with the rows typed (name, minimum lifetime spend, perks) and re-tier every client."""
    require_manager(actor)
    tiers, errors = parse_tiers(rows)
    if errors:
        raise Invalid("Tiers not saved", errors)
    db.session.execute(delete(LoyaltyTier).where(LoyaltyTier.store_id == actor.store_id))
    db.session.flush()
    db.session.add_all(LoyaltyTier(store_id=actor.store_id, name=t.name, min_spend=t.min_spend, perks=t.perks or None)
                       for t in tiers)
    retier(actor.store_id, tiers)
    db.session.commit()
    return tiers


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
