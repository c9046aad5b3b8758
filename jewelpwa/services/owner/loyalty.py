"""Loyalty tiers: the store names them by lifetime spend (the owner's settings); each client's tier follows.

How a client's lifetime spend and tier are computed and kept lives with the engine's client value
(services/engine/client_value.py); this module is the owner's verb that changes the store's tiers.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete

from ...domain.loyalty import TierRule, parse_tiers
from ...extensions import db
from ...models import LoyaltyTier, User
from ..access import require_manager
from ..engine.client_value import retier
from ..errors import Invalid


def save_tiers(actor: User, rows: Sequence[tuple[str, str, str]]) -> list[TierRule]:
    """Replace the store's tiers with the rows typed (name, minimum lifetime spend, perks) and re-tier every client."""
    require_manager(actor)
    tiers, errors = parse_tiers(rows, actor.store.locale_rules)
    if errors:
        raise Invalid("Tiers not saved", errors)
    db.session.execute(delete(LoyaltyTier).where(LoyaltyTier.store_id == actor.store_id))
    db.session.flush()
    db.session.add_all(LoyaltyTier(store_id=actor.store_id, name=t.name, min_spend=t.min_spend, perks=t.perks or None)
                       for t in tiers)
    retier(actor.store_id, tiers)
    db.session.commit()
    return tiers
