"""The demo store: a realistic clienteling book (five years of sales, families, dates, consent), then its last
year lived through the real engine (demo.past), so the owner's reports have figures from the first start.

Everything is drawn from one `random.Random(seed)`, so the same seed on the same day gives the same store and
the same past; only the demo password is random per seed (it comes from `secrets`, and is never stored in
clear). The book is drawn in memory first (demo.story) and written with bulk inserts (demo.writer) in one
commit, as it stood the morning its past begins; the past then commits as the services do, day by day (about
two and a half minutes of CPU for 1,500 clients and a year, nearly all of it the engine's plans, lists and
logged touches). Nothing is half-written when something fails: the store is deleted with all it holds.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from werkzeug.security import generate_password_hash

from ..clock import store_today
from ..domain.vocab import Role
from ..extensions import db
from ..models import (
    ConsentEvent,
    FollowUp,
    LoyaltyPolicy,
    LoyaltyTier,
    Outreach,
    Purchase,
    PurchaseItem,
    Store,
    User,
)
from ..services.accounts.users import slugify
from ..services.engine.client_value import refresh_lifetime_spend
from ..services.engine.planner import plan_store_day
from ..services.errors import Invalid
from .past import PAST_DAYS, live_past
from .story import draw_book
from .writer import write_book

STORE_NAME = "Harbor & Vine Jewelers"
STORE_TIMEZONE = "America/New_York"
DEFAULT_SEED = 20261122
MAX_PAST_DAYS = 2 * 365
STAFF: tuple[tuple[str, str, Role], ...] = (
    ("owner@harborvine.demo", "Eleanor Vance", Role.OWNER),
    ("maya@harborvine.demo", "Maya Okafor", Role.ASSOCIATE),
    ("daniel@harborvine.demo", "Daniel Reyes", Role.ASSOCIATE),
    ("priya@harborvine.demo", "Priya Raman", Role.ASSOCIATE),
)
DEMO_TIERS = (("Silver", "0", "Free cleaning any time"),
              ("Gold", "2500", "Free cleaning, 10% off repairs, early invitations to trunk shows"),
              ("Platinum", "10000", "All Gold perks, private viewings and complimentary engraving"))


@dataclass(frozen=True)
class DemoResult:
    """What the CLI prints: the store, how much was made, and the one demo password for every login."""

    store_id: int
    store_name: str
    clients: int
    purchases: int
    password: str
    logins: list[tuple[str, str]]
    counts: dict[str, int] = field(default_factory=dict)
    # Seconds the past took, and in what: the engine's morning plans, the associates' lists, the touches, sales.
    timings: dict[str, float] = field(default_factory=dict)


def seed_demo_store(
    clients: int = 1500, if_empty: bool = False, *, seed: int = DEFAULT_SEED, today: date | None = None,
    past_days: int = PAST_DAYS,
) -> DemoResult | None:
    """Create the demo store with its staff and a realistic book of clients; None when `if_empty` and a store exists.

    The book then lives its last `past_days` days through the engine (demo.past): planned each morning, worked
    by the associates, the drawn sales rung up on their day. `past_days=0` gives the bare book (no outreach, no
    follow-ups), quick for tests that only need clients."""
    if if_empty and db.session.scalar(select(Store.id).limit(1)) is not None:
        return None
    if clients < 1:
        raise Invalid("Demo store not created", {"clients": "Ask for at least one client."})
    if not 0 <= past_days <= MAX_PAST_DAYS:
        raise Invalid("Demo store not created", {"past_days": f"Ask for 0 to {MAX_PAST_DAYS} days of past."})
    emails = [email for email, _, _ in STAFF]
    if db.session.scalar(select(Store.id).where(Store.slug == slugify(STORE_NAME))) is not None or \
            db.session.scalar(select(User.id).where(User.email.in_(emails)).limit(1)) is not None:
        raise Invalid("Demo store not created", {"store": f"'{STORE_NAME}' already exists in this database."})

    try:
        return _seed(clients, seed, today, past_days)
    except BaseException:
        # All or nothing: no store without its book or with half a past. The book is committed before the
        # past begins (the services commit as they go), so what was written is deleted with its store.
        db.session.rollback()
        db.session.execute(delete(Store).where(Store.slug == slugify(STORE_NAME)))
        db.session.commit()
        raise


def _seed(clients: int, seed: int, today: date | None, past_days: int) -> DemoResult:
    # Closed on Sundays, as the demo's associates live their past (demo.simulate skips them): the planner lays
    # no work on a day nobody comes in.
    store = Store(name=STORE_NAME, slug=slugify(STORE_NAME), timezone=STORE_TIMEZONE, country="US", morning_hour=8,
                  settings={"closed_weekdays": [6]})
    db.session.add(store)
    db.session.flush()
    password = secrets.token_urlsafe(12)  # 16 characters; the only thing not drawn from the seeded rng
    # One hash for the four logins: they share the password by design (the CLI says so), and each
    # scrypt hash costs a noticeable fraction of a second.
    password_hash = generate_password_hash(password)
    staff = [User(store_id=store.id, email=email, name=name, role=str(role), daily_target=10, password_hash=password_hash)
             for email, name, role in STAFF]
    db.session.add_all(staff)
    db.session.flush()

    today = today or store_today(store)
    book = draw_book(random.Random(seed), store.id, store.timezone, today, [u.id for u in staff], clients,
                     past_from=today - timedelta(days=past_days))
    counts = write_book(book)
    _loyalty(store.id)
    db.session.commit()
    timings: dict[str, float] = {}
    if past_days:
        lived = live_past(store, staff[1:], book)
        counts.update(_counts(store.id))
        timings = {"past": lived.seconds, **lived.timings}
    # Today planned as the worker's morning run would: the first Today, huddle and digest show the day's plan.
    plan_store_day(store, today)
    return DemoResult(store_id=store.id, store_name=store.name, clients=counts["clients"],
                      purchases=counts["purchases"], password=password,
                      logins=[(email, str(role)) for email, _, role in STAFF], counts=counts, timings=timings)


def _counts(store_id: int) -> dict[str, int]:
    """What the past added to the book: sales rung up and made, touches, follow-ups."""
    def rows(model: Any) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(model.store_id == store_id)) or 0

    return {"purchases": rows(Purchase), "purchase_items": rows(PurchaseItem), "outreaches": rows(Outreach),
            "follow_ups": rows(FollowUp), "consent_events": rows(ConsentEvent)}


def _loyalty(store_id: int) -> None:
    """Named tiers and a trade-up policy, so the card and the lists show them from the first start."""
    db.session.add_all(LoyaltyTier(store_id=store_id, name=name, min_spend=Decimal(minimum), perks=perks)
                       for name, minimum, perks in DEMO_TIERS)
    db.session.add(LoyaltyPolicy(store_id=store_id, trade_up_enabled=True, trade_up_percent=100,
                                 trade_up_multiple=Decimal("2"), trade_up_categories=["earrings", "necklace", "ring"]))
    db.session.flush()
    refresh_lifetime_spend(store_id)
