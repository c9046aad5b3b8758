"""Outreach attribution: which sales a touch earned, and for whom. Dates come in; nothing is looked up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

# "A sale within 30 days after an outreach": the outreach's own day and the 29 after it, thirty calendar
# days in all. An outreach on the 1st earns a sale on the 30th, not one on the 31st.
ATTRIBUTION_DAYS = 30


@dataclass(frozen=True)
class Touch:
    """One logged outreach, reduced to what attribution needs."""

    client_id: int
    user_id: int | None
    occurred_on: date
    occurred_at: datetime | None = None  # breaks ties between two touches on the same day
    outreach_id: int | None = None  # which touch: a campaign's sales are the credits of its own touches


@dataclass(frozen=True)
class Sale:
    purchase_id: int
    client_id: int
    purchased_on: date
    total: Decimal


@dataclass(frozen=True)
class Credit:
    """A sale the outreach drove, credited to the associate who made the latest touch before it."""

    sale: Sale
    user_id: int | None
    touched_on: date
    outreach_id: int | None = None


def earliest_touch_on(purchased_on: date, days: int = ATTRIBUTION_DAYS) -> date:
    """The first day a touch may fall on and still earn a sale made on `purchased_on`."""
    return purchased_on - timedelta(days=days - 1)


def counts(touch_on: date, purchased_on: date, days: int = ATTRIBUTION_DAYS) -> bool:
    """Whether a touch on `touch_on` earns a sale on `purchased_on` (same day included, never before the touch)."""
    return earliest_touch_on(purchased_on, days) <= touch_on <= purchased_on


def credit_for(sale: Sale, touches: Iterable[Touch], days: int = ATTRIBUTION_DAYS) -> Credit | None:
    """The credit for one sale: the latest touch to the same client inside the window, or None."""
    eligible = [t for t in touches if t.client_id == sale.client_id and counts(t.occurred_on, sale.purchased_on, days)]
    if not eligible:
        return None
    latest = max(eligible, key=lambda t: (t.occurred_on, t.occurred_at or datetime.min))
    return Credit(sale, latest.user_id, latest.occurred_on, latest.outreach_id)


def attribute(sales: Iterable[Sale], touches: Iterable[Touch], days: int = ATTRIBUTION_DAYS) -> list[Credit]:
    """Every outreach-driven sale among `sales`, each credited once (to the latest eligible touch's associate)."""
    by_client: dict[int, list[Touch]] = {}
    for touch in touches:
        by_client.setdefault(touch.client_id, []).append(touch)
    credits = []
    for sale in sales:
        credit = credit_for(sale, by_client.get(sale.client_id, ()), days)
        if credit is not None:
            credits.append(credit)
    return credits
