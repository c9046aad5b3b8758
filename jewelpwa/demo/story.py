"""The demo's whole book drawn in memory, in an order that keeps the same seed giving the same store:
clients and their families, referrals, sales, consent, wish items; then spend, tiers and clocks. The outreach
is not drawn: the engine makes it while the store lives its past (demo.past)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ..domain.ranking import assign_tiers
from ..domain.settings import EngineSettings
from ..domain.vocab import Tier
from .clients import draw_clients, draw_referrals
from .contact import draw_consent, draw_wishes
from .draw import Story
from .sales import draw_purchases


def draw_book(rng: random.Random, store_id: int, timezone: str, today: date, staff_ids: list[int],
              clients: int, past_from: date | None = None) -> Story:
    """`clients` clients and everything around them; staff_ids[0] is the owner, the rest are associates.

    The sales reach up to yesterday; the clocks count only those before `past_from` (the morning the lived
    past begins), since the later ones are rung up on their day."""
    story = Story(rng, store_id, timezone, today, staff_ids, past_from)
    draw_clients(story, clients)
    draw_referrals(story)
    for c in story.clients:
        draw_purchases(story, c)
    draw_consent(story)
    draw_wishes(story)
    _finish_clients(story)
    return story


def _finish_clients(s: Story) -> None:
    """24-month spend, tiers by percentile (the engine recomputes both each morning of the past), and the
    touch clocks as they stood when the past begins (a sale in the store is a conversation)."""
    since = s.today - timedelta(days=730)
    spend = {n: float(sum((p["total"] for p in c.purchases if p["on"] >= since), Decimal("0")))
             for n, c in enumerate(s.clients)}
    tiers = assign_tiers(spend, EngineSettings.default())
    for n, c in enumerate(s.clients):
        c.row["spend_24m"] = Decimal(str(spend[n])).quantize(Decimal("0.01"))
        c.row["tier"] = str(tiers.get(n, Tier.C))
        bought = max((p["on"] for p in c.purchases if p["on"] < s.past_from), default=None)
        c.row["last_touch_on"] = c.row["last_reached_on"] = bought
