"""The demo store's past: the drawn book lives its last year through the real engine (demo.simulate), so a
newcomer's huddles, team report, book health and attribution show a year of work on any day they start.

Each morning the engine plans; the associates work their Today rows through the day (from about ten, a few
minutes a touch, on the channel the engine suggests; on a busy day only part of the list) and sometimes write
a note; the drawn sales of the day are rung up by the associate who made them; a "sold" touch sells the client
something that fits them. The app's clock is pinned to each moment while it happens, so every timestamp tells
the simulated time.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import update

from ..clock import CONFIG_KEY
from ..domain.vocab import Kind, Outcome
from ..extensions import db
from ..models import Client, Store, User
from ..services.book.purchases import ItemInput, record_purchase
from .catalogue import OUTREACH_NOTES
from .draw import DemoClient, Story
from .sales import item_for
from .simulate import Habits, Lived, live_days

PAST_DAYS = 365
BUSY_DAYS = 0.3     # days an associate gets through only part of Today (a full list every day looks machine-made)
CALLS_END = (17, 30)  # the last call of a day, store time
NOTE_SHARE = 0.35   # how often an associate writes a note on a touch (always when the client says "stop")
# The occasion a sale made on a follow-up's call is recorded under, by the follow-up's kind.
SALE_OCCASION: dict[str, str] = {
    Kind.ANNIVERSARY: "anniversary", Kind.BIRTHDAY: "birthday", Kind.PARTNER_BIRTHDAY: "birthday",
    Kind.FAMILY_DATE: "birthday", Kind.VALENTINES: "valentines", Kind.MOTHERS_DAY: "mothers_day",
    Kind.HOLIDAY_LIST: "holiday",
}


def live_past(store: Store, associates: list[User], story: Story) -> Lived:
    """Every day from story.past_from through yesterday, lived by the engine; commits as the services do."""
    by_id = {c.id: c for c in story.clients}
    sales_on: dict[date, list[tuple[dict, DemoClient, str]]] = {}
    for drawn in story.later_sales:
        sales_on.setdefault(drawn[0]["on"], []).append(drawn)
    pinned = current_app.config.get(CONFIG_KEY)
    # Clients first seen during the past are in the book from its first morning (their families, dates and
    # sales are written with it), but the engine must not call them before they walk in: until that day they
    # are kept out of its reach, then let in as their first sale rings up.
    newcomers: dict[date, list[int]] = {}
    for c in story.clients:
        if c.row["first_seen_on"] >= story.past_from and not c.row["do_not_contact"]:
            newcomers.setdefault(c.row["first_seen_on"], []).append(c.id)
    _reachable([cid for ids in newcomers.values() for cid in ids], False)

    def pin(moment: datetime) -> None:
        current_app.config[CONFIG_KEY] = moment.astimezone(UTC)

    def sale(rng: random.Random, client_id: int, occasion: str | None) -> tuple[list[ItemInput], str | None]:
        wanted = SALE_OCCASION.get(occasion or "", "self")
        items = [_item_input(item_for(story, by_id[client_id], wanted))
                 for _ in range(story.pick((1, 2), (80, 20)))]
        return items, wanted

    def ring_up(day: date) -> None:
        _reachable(newcomers.pop(day, []), True)
        for p, c, receipt in sales_on.pop(day, []):
            seller = db.session.get_one(User, p["associate_id"])
            client = db.session.get_one(Client, c.id)
            # A sale in the store is a conversation (the demo's clocks have always counted it).
            client.last_touch_on = max(client.last_touch_on or day, day)
            client.last_reached_on = max(client.last_reached_on or day, day)
            record_purchase(seller, c.id, day, [_item_input(i) for i in p["items"]], occasion=p["occasion"],
                            recipient_person_id=p["recipient"].id if p["recipient"] else None,
                            receipt_number=receipt, today=day)

    zone = ZoneInfo(store.timezone)

    def touch_times(rng: random.Random, user: User, day: date, count: int) -> list[datetime]:
        return day_of_touches(rng, zone, day, count)

    def workload(rng: random.Random, user: User, day: date, rows: int) -> int:
        # Most days the whole list; some days the floor is busy and only part of it gets called.
        return rows if rng.random() >= BUSY_DAYS else max(1, round(rows * rng.uniform(0.5, 0.9)))

    def note(rng: random.Random, outcome: str) -> str | None:
        if outcome == Outcome.DO_NOT_CONTACT or rng.random() < NOTE_SHARE:
            return rng.choice(OUTREACH_NOTES[Outcome(outcome)])
        return None

    days = (story.today - story.past_from).days
    habits = Habits(sale=sale, walk_ins_per_client_year=0.0, workload=workload, touch_times=touch_times, note=note,
                    known_sales=ring_up, clock=pin, read_tiers=False)
    try:
        return live_days(store, associates, story.past_from, days, story.rng, habits)
    finally:
        if pinned is None:
            current_app.config.pop(CONFIG_KEY, None)
        else:
            current_app.config[CONFIG_KEY] = pinned


def day_of_touches(rng: random.Random, zone: ZoneInfo, day: date, count: int) -> list[datetime]:
    """When an associate's `count` touches of `day` happen: from between half past nine and half past ten, five
    minutes to forty apart (customers come in between calls), squeezed to end by CALLS_END however long the list."""
    if count == 0:
        return []
    start = datetime(day.year, day.month, day.day, 9, 30, tzinfo=zone) + timedelta(minutes=rng.randint(0, 60))
    gaps = [0] + [rng.randint(5, 40) for _ in range(count - 1)]
    room = (datetime(day.year, day.month, day.day, *CALLS_END, tzinfo=zone) - start).total_seconds() / 60
    scale = min(1.0, room / max(sum(gaps), 1))
    times, at = [], 0.0
    for gap in gaps:
        at += gap * scale
        times.append(start + timedelta(minutes=round(at)))
    return times


def _reachable(client_ids: list[int], reachable: bool) -> None:
    if client_ids:
        db.session.execute(update(Client).where(Client.id.in_(client_ids)).values(do_not_contact=not reachable))
        db.session.commit()


def _item_input(item: dict) -> ItemInput:
    return ItemInput(str(item["category"]), str(Decimal(item["price"])), item["metal"], item["stone"], item["brand"],
                     item["description"])
