"""The demo's whole book drawn in memory, in an order that keeps the same seed giving the same store:
clients and their families, referrals, sales, consent, outreach, wish items; then spend, tiers and clocks."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ..domain.ranking import assign_tiers
from ..domain.settings import EngineSettings
from ..domain.vocab import COMPLETING_OUTCOMES, TOUCH_OUTCOMES, Tier
from .clients import draw_clients, draw_referrals
from .contact import draw_consent, draw_outreach, draw_wishes
from .draw import Story
from .sales import draw_purchases


def draw_book(rng: random.Random, store_id: int, timezone: str, today: date, staff_ids: list[int],
              clients: int) -> Story:
    """`clients` clients and everything around them; staff_ids[0] is the owner, the rest are associates."""
    story = Story(rng, store_id, timezone, today, staff_ids)
    draw_clients(story, clients)
    draw_referrals(story)
    for c in story.clients:
        draw_purchases(story, c)
    draw_consent(story)
    draw_outreach(story)
    draw_wishes(story)
    _finish_clients(story)
    return story


def _finish_clients(s: Story) -> None:
    """24-month spend, tiers by percentile, and the touch clocks (a sale in the store is a conversation)."""
    since = s.today - timedelta(days=730)
    spend = {n: float(sum((p["total"] for p in c.purchases if p["on"] >= since), Decimal("0")))
             for n, c in enumerate(s.clients)}
    tiers = assign_tiers(spend, EngineSettings.default())
    for n, c in enumerate(s.clients):
        c.row["spend_24m"] = Decimal(str(spend[n])).quantize(Decimal("0.01"))
        c.row["tier"] = str(tiers.get(n, Tier.C))
        bought = [p["on"] for p in c.purchases]
        touched = [d for d, o in c.touches if o in TOUCH_OUTCOMES] + bought
        reached = [d for d, o in c.touches if o in COMPLETING_OUTCOMES] + bought
        c.row["last_touch_on"] = max(touched, default=None)
        c.row["last_reached_on"] = max(reached, default=None)
