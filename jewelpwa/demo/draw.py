"""The book being drawn: one seeded `random.Random`, the draws every part of the story makes with it, and the
clients and people held in memory (no ids yet) until the writer inserts them.

Every draw goes through the one rng in a fixed order, so the same seed and day give the same store.
"""

from __future__ import annotations

import calendar
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ..clock import utcnow
from ..domain.vocab import Relation
from .catalogue import SELF_MONTH_WEIGHT


@dataclass
class DemoPerson:
    client: DemoClient
    name: str
    relation: Relation
    notes: str | None = None
    birthday: tuple[int, int] | None = None
    id: int = 0  # the row's id, once the writer has inserted it


@dataclass
class DemoClient:
    row: dict  # the clients row (demo.rows.client_row), changed as the story goes on
    feminine: bool
    age: int
    persona: str
    associate_id: int | None
    partner: DemoPerson | None = None
    children: list[DemoPerson] = field(default_factory=list)
    parent: DemoPerson | None = None
    people: list[DemoPerson] = field(default_factory=list)
    birthday: tuple[int, int] | None = None
    anniversary: tuple[int, int, int | None] | None = None
    dates: list[dict] = field(default_factory=list)
    purchases: list[dict] = field(default_factory=list)
    id: int = 0  # the row's id, once the writer has inserted it


class Story:
    """The store's book as it is drawn: its clients, and the consent, wishes and referrals around them."""

    def __init__(self, rng: random.Random, store_id: int, timezone: str, today: date, staff_ids: list[int],
                 past_from: date | None = None) -> None:
        self.rng = rng
        self.store_id = store_id
        self.today = today
        # The first day of the past the engine lives (demo.past): the book is written as it stood that
        # morning, and what was drawn for later (sales) is rung up on its day.
        self.past_from = past_from or today
        self.now = utcnow()  # when the rows are written; the story's own times are drawn
        self.zone = ZoneInfo(timezone)
        self.owner_id = staff_ids[0]
        self.associate_ids = staff_ids[1:]
        self.staff_ids = staff_ids
        self.clients: list[DemoClient] = []
        self.consents: list[dict] = []
        self.wishes: list[dict] = []
        self.referrals: list[tuple[DemoClient, DemoClient]] = []
        # The sales drawn on or after past_from, with their receipt numbers: the writer leaves them to the past.
        self.later_sales: list[tuple[dict, DemoClient, str]] = []
        self.five_years_ago = today - timedelta(days=5 * 365 + 1)
        # Beyond the clients born on 29 February, a few partners and one wedding fall on it too.
        self.leap_partners_left = 0
        self.leap_weddings_left = 0

    def at(self, on: date, hour: int, minute: int = 0) -> datetime:
        """A store-local wall-clock time on `on`, as an aware UTC datetime."""
        return datetime.combine(on, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def pick(self, options: Sequence, weights: Sequence[float]):  # noqa: ANN201 - generic choice
        return self.rng.choices(options, weights=weights, k=1)[0]

    def month_day(self, month_weights: Sequence[float] | None = None) -> tuple[int, int]:
        """A yearly (month, day); never 29 February (those are placed on purpose)."""
        month = self.pick(range(1, 13), month_weights) if month_weights else self.rng.randint(1, 12)
        return month, self.rng.randint(1, calendar.monthrange(2001, month)[1])

    def date_between(self, start: date, end: date, month_weights: Sequence[float] = SELF_MONTH_WEIGHT) -> date:
        """A day in [start, end], seasonal by month and busier on Fridays and Saturdays."""
        span = (end - start).days
        top = max(month_weights)
        for _ in range(50):
            on = start + timedelta(days=self.rng.randint(0, span))
            weekday = (0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 0.4)[on.weekday()]
            if self.rng.random() * top * 1.5 <= month_weights[on.month - 1] * weekday:
                return on
        return start + timedelta(days=self.rng.randint(0, span))

    def price(self, low: float, high: float) -> Decimal:
        """Log-uniform in [low, high], rounded the way a jeweler tags it."""
        return tag_price(math.exp(self.rng.uniform(math.log(low), math.log(high))))


def tag_price(value: float) -> Decimal:
    """A price as a jeweler tags it: $45, $345, $1,295."""
    if value < 100:
        tag = max(5, round(value / 5) * 5)
    elif value < 1000:
        tag = round(value / 10) * 10 - 5
    else:
        tag = round(value / 100) * 100 - 5
    return Decimal(tag).quantize(Decimal("0.01"))
