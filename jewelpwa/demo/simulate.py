"""Days of clienteling lived through the real engine: the one loop bench/simulate_year.py measures and the demo
seed remembers as the store's past (demo.past).

Each morning `plan_store_day` plans the store; on working days (closed Sundays) the sales booked earlier ring
up, walk-ins buy, and each associate works exactly their Today rows (`call_list(user, day).today`) top-down,
every outcome drawn from the odds below and logged through `log_outreach`; a "sold" touch is a sale that day,
a "booked" one ends in a sale 2-10 days later half the time. Everything goes through the services, so the
follow-ups, clocks and consent are the engine's own.

The odds and the order of the draws are the bench's contract: a given seed must give the same year, so a
change here is a change of every bench figure. What the demo adds (touch times through the day, notes, its
drawn sales rung up on their day, its own items) comes in through `Habits`, whose defaults draw nothing.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..extensions import db
from ..models import Client, Store, User
from ..services.book.outreach import log_outreach
from ..services.book.purchases import ItemInput, record_purchase
from ..services.engine.day_lists import call_list
from ..services.engine.planner import plan_store_day

T = TypeVar("T")

# Phone outcomes (share of attempts). Texts/emails: a reply, else the message sits there (a touch, retried).
CALL_OUTCOMES = [("reached", 0.447), ("voicemail", 0.25), ("no_answer", 0.20), ("booked", 0.03),
                 ("sold", 0.02), ("not_now", 0.02), ("do_not_contact", 0.003), ("reached", 0.03)]
MESSAGE_OUTCOMES = [("replied", 0.35), ("voicemail", 0.555), ("booked", 0.04), ("sold", 0.01),
                    ("not_now", 0.04), ("do_not_contact", 0.005)]
BOOKED_BUYS = 0.5          # a booked appointment ends in a sale this often, 2-10 days later
WALK_INS_PER_CLIENT_YEAR = 0.12
WALK_IN_OCCASIONS: list[str | None] = [None, "self", "gift"]

# (rng, client id, occasion the loop would record) -> the items sold and the occasion to record.
SaleDraw = Callable[[random.Random, int, str | None], tuple[list[ItemInput], str | None]]


def pick(rng: random.Random, table: Sequence[tuple[T, float]]) -> T:
    """A value of `table` by its weight (the weights sum to 1): one draw of the rng, whatever the value."""
    r = rng.random()
    for value, weight in table:
        r -= weight
        if r <= 0:
            return value
    return table[-1][0]


@dataclass
class Habits:
    """How the simulated store behaves beyond the outcome odds. The defaults are the bench's and draw nothing."""

    sale: SaleDraw
    walk_ins_per_client_year: float = WALK_INS_PER_CLIENT_YEAR
    # How many of the day's Today rows an associate gets through, given how many there are; None: all of them.
    workload: Callable[[random.Random, User, date, int], int] | None = None
    # When each of an associate's touches of the day happens (store-local), given how many there are;
    # None: all at midday.
    touch_times: Callable[[random.Random, User, date, int], list[datetime]] | None = None
    # The associate's note on a touch, by outcome; None: no notes.
    note: Callable[[random.Random, str], str | None] | None = None
    # Sales the caller already knows of, rung up on their day (any day, after the morning plan).
    known_sales: Callable[[date], None] | None = None
    # Called with each moment the simulation is at (the morning plan, each touch, each sale), so the
    # caller can pin the app's clock and every row's timestamps tell the simulated time.
    clock: Callable[[datetime], None] | None = None
    # The bench reads every client's tier each morning (its by-tier figures are taken at window opening).
    read_tiers: bool = True


@dataclass
class Lived:
    """What the days did, as the bench reports it beside the figures it recomputes from the database."""

    counts: Counter = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    list_len: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    tiers_on: dict[date, dict[int, str]] = field(default_factory=dict)
    dnc_on: dict[int, date] = field(default_factory=dict)
    seconds: float = 0.0


def live_days(store: Store, users: list[User], start: date, days: int, rng: random.Random, habits: Habits,
              progress: Callable[[str], None] | None = None) -> Lived:
    """Live `days` days from `start` on the store's book; the rng is drawn in a fixed order (see module doc)."""
    tz = ZoneInfo(store.timezone)
    all_client_ids = list(db.session.scalars(select(Client.id).where(Client.store_id == store.id)))
    pending_sales: dict[date, list[tuple[int, int]]] = defaultdict(list)   # day -> (user id, client id)
    lived = Lived()
    counts, timings = lived.counts, lived.timings
    walk_in_rate = habits.walk_ins_per_client_year * len(all_client_ids) / 365
    clock = habits.clock or (lambda _moment: None)

    def sell(user: User, client_id: int, day: date, occasion: str | None, at: datetime) -> None:
        items, occasion = habits.sale(rng, client_id, occasion)
        clock(at)
        record_purchase(user, client_id, day, items, occasion=occasion, today=day)

    t_sim = time.perf_counter()
    for offset in range(days):
        day = start + timedelta(days=offset)
        midday = datetime.combine(day, dtime(12, 0), tzinfo=tz)
        clock(datetime.combine(day, dtime(8, 0), tzinfo=tz))
        t = time.perf_counter()
        plan_store_day(store, day)
        timings["plan"] += time.perf_counter() - t
        if habits.read_tiers:
            lived.tiers_on[day] = dict(db.session.execute(
                select(Client.id, Client.tier).where(Client.store_id == store.id)).all())
        if habits.known_sales is not None:
            t = time.perf_counter()
            clock(datetime.combine(day, dtime(15, 0), tzinfo=tz))
            habits.known_sales(day)
            timings["sales"] += time.perf_counter() - t
        if day.weekday() == 6:      # closed on Sundays: nobody works the list, nothing sells
            continue
        t = time.perf_counter()
        # Sales first: appointments booked earlier, and walk-ins.
        for user_id, client_id in pending_sales.pop(day, []):
            sell(db.session.get_one(User, user_id), client_id, day, "appointment", midday)
            counts["sales_booked"] += 1
        for _ in range(int(walk_in_rate) + (rng.random() < walk_in_rate % 1)):
            client_id = rng.choice(all_client_ids)
            user = rng.choice(users)
            items, _ = habits.sale(rng, client_id, None)
            clock(midday)
            record_purchase(user, client_id, day, items, occasion=rng.choice(WALK_IN_OCCASIONS), today=day)
            counts["sales_walk_in"] += 1
        timings["sales"] += time.perf_counter() - t
        for user in users:
            t = time.perf_counter()
            dl = call_list(user, day)
            timings["day_list"] += time.perf_counter() - t
            lived.list_len[user.id].append(len(dl.cards))
            work = [(c.client_id, c.channel.value if c.channel else None, c.reasons[0].kind) for c in dl.today]
            # The cards hold every listed client's row; let them go before the touches are logged, or each
            # of the day's commits expires them all (a third of a year's simulated time on a book of 1,500).
            del dl
            if habits.workload is not None:
                work = work[:habits.workload(rng, user, day, len(work))]
            times = habits.touch_times(rng, user, day, len(work)) if habits.touch_times else [midday] * len(work)
            t = time.perf_counter()
            for (client_id, channel, top_kind), at in zip(work, times, strict=True):
                if channel is None:
                    counts["no_channel"] += 1
                    continue
                outcome = pick(rng, CALL_OUTCOMES if channel == "call" else MESSAGE_OUTCOMES)
                snooze = day + timedelta(days=rng.randint(7, 14)) if outcome == "not_now" else None
                note = habits.note(rng, outcome) if habits.note else None
                clock(at)
                log_outreach(user, client_id, channel, outcome, note=note, now=at, snooze_until=snooze)
                counts[f"outcome_{outcome}"] += 1
                if outcome == "do_not_contact":
                    lived.dnc_on.setdefault(client_id, day)
                elif outcome == "sold":
                    sell(user, client_id, day, str(top_kind), at)
                    counts["sales_outreach"] += 1
                elif outcome == "booked" and rng.random() < BOOKED_BUYS:
                    pending_sales[day + timedelta(days=rng.randint(2, 10))].append((user.id, client_id))
            timings["outreach"] += time.perf_counter() - t
        if progress and offset % 30 == 0:
            progress(f"  {day}: {time.perf_counter() - t_sim:.1f}s")
    lived.seconds = time.perf_counter() - t_sim
    return lived
