"""Five years of the demo's sales: a first purchase for new faces, the bridal story (engagement ring, bands,
the wedding as the anniversary), gifts for the occasions of each client's life, repairs, and items priced the
way the store tags them."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from ..domain.occasions import mothers_day_on, yearly_on
from ..domain.vocab import DateKind, ItemCategory
from .catalogue import (
    BASE_PRICE,
    CATEGORY_STONES,
    FINE_BRANDS,
    METAL_FACTOR,
    METALS,
    OCCASION_CATEGORIES,
    PEARL_BRAND,
    PIECE_WORDS,
    PROPOSAL_MONTH_WEIGHT,
    REPAIRS,
    STONE_FACTOR,
    STYLES,
    WATCH_BRANDS,
    WATCH_WORDS,
    WEDDING_MONTH_WEIGHT,
)
from .clients import add_date
from .draw import DemoClient, DemoPerson, Story, tag_price


def draw_purchases(s: Story, c: DemoClient) -> None:
    """The client's sales since they first came in (at most five years back)."""
    rng, today = s.rng, s.today
    start = max(c.row["first_seen_on"], s.five_years_ago)
    end = today - timedelta(days=1)
    if start > end:
        return
    # Clients new within the window bought something on their first visit.
    first_visit = c.row["first_seen_on"] >= s.five_years_ago
    if c.persona == "bridal":
        _bridal_story(s, c, start, end)
        count = s.pick((0, 1, 2), (50, 35, 15))
    elif c.persona == "collector":
        count = rng.randint(7, 12)
    elif c.persona == "watch":
        count = rng.randint(1, 5)
    else:
        count = s.pick(range(0, 11), (14, 26, 20, 14, 9, 6, 4, 3, 2, 1, 1))
    if first_visit and not c.purchases and count == 0:
        count = 1
    for k in range(count):
        if k == 0 and first_visit and not c.purchases:
            purchase(s, c, c.row["first_seen_on"], "self")
        else:
            _occasion_purchase(s, c, start, end)


def purchase(s: Story, c: DemoClient, on: date, occasion: str | None, recipient: DemoPerson | None = None,
             kind: str = "gift", associate_id: int | None = None) -> None:
    """One sale with its items; without `associate_id` mostly the client's own associate made it."""
    rng = s.rng
    if associate_id is None:
        if on.weekday() == 6 and rng.random() < 0.6 and on - timedelta(days=1) >= c.row["first_seen_on"]:
            on -= timedelta(days=1)  # the store is quiet on Sundays
        associate_id = c.associate_id if c.associate_id and rng.random() < 0.78 else rng.choice(s.staff_ids)
    if kind == "engagement":
        items = [_engagement_ring(s)]
    elif kind == "bands":
        items = [_band(s), _band(s)]
    elif kind == "repair":
        items = [_repair_item(s, c) for _ in range(s.pick((1, 2), (85, 15)))]
    else:
        items = [item_for(s, c, occasion or "self") for _ in range(s.pick((1, 2, 3), (72, 21, 7)))]
    c.purchases.append({"on": on, "occasion": occasion, "recipient": recipient, "associate_id": associate_id,
                        "items": items, "total": sum((i["price"] for i in items), Decimal("0.00"))})


def _bridal_story(s: Story, c: DemoClient, start: date, end: date) -> None:
    """Engagement ring (proposal season), then bands before a spring or fall wedding; the wedding is the anniversary."""
    rng = s.rng
    engaged_on = s.date_between(start, end, PROPOSAL_MONTH_WEIGHT)
    purchase(s, c, engaged_on, "engagement", recipient=c.partner, kind="engagement")
    wedding_on = engaged_on + timedelta(days=rng.randint(150, 480))
    month, day = s.month_day(WEDDING_MONTH_WEIGHT)
    wedding_on = yearly_on(month, day, wedding_on.year)
    if wedding_on < engaged_on + timedelta(days=120):
        wedding_on = yearly_on(month, day, wedding_on.year + 1)
    bands_on = wedding_on - timedelta(days=rng.randint(20, 70))
    if bands_on < end and bands_on > engaged_on:
        purchase(s, c, bands_on, "engagement", recipient=c.partner, kind="bands")
    if wedding_on < s.today and c.anniversary is None:
        c.anniversary = (month, day, wedding_on.year)
        add_date(c, DateKind.ANNIVERSARY, month, day, wedding_on.year)


def _occasion_purchase(s: Story, c: DemoClient, start: date, end: date) -> None:
    rng = s.rng
    kids_or_mother = bool(c.children) or (c.parent is not None and c.parent.notes == "Mother")
    options = ["holiday", "self", "repair", "birthday", "valentines", "anniversary", "mothers_day"]
    weights = [3, 2.5, 2, 3, 2 if c.partner else 0.3, 3 if c.anniversary else 0, 2 if kids_or_mother else 0]
    occasion = s.pick(options, weights)
    recipient: DemoPerson | None = None
    for _ in range(6):
        year = rng.randint(start.year, end.year)
        if occasion == "holiday":
            on = date(year, 11, 20) + timedelta(days=rng.randint(0, 34))
        elif occasion == "valentines":
            on, recipient = date(year, 2, 1) + timedelta(days=rng.randint(0, 13)), c.partner
        elif occasion == "mothers_day":
            on = mothers_day_on(year, "US") - timedelta(days=rng.randint(1, 16))
            mother = c.parent if c.parent is not None and c.parent.notes == "Mother" else None
            recipient = c.partner if c.partner is not None and c.children and rng.random() < 0.7 else mother
        elif occasion == "anniversary":
            month, day, since = c.anniversary  # type: ignore[misc]
            on, recipient = yearly_on(month, day, year) - timedelta(days=rng.randint(0, 20)), c.partner
            if since is not None and year <= since:
                continue
        elif occasion == "birthday":
            people = [p for p in c.people if p.birthday] + ([None] if c.birthday else [])
            who = rng.choice(people) if people else None
            birthday = who.birthday if who is not None else c.birthday  # the people were picked for one
            month, day = birthday or s.month_day()
            on, recipient = yearly_on(month, day, year) - timedelta(days=rng.randint(0, 20)), who
        else:
            on = s.date_between(start, end)
        if start <= on <= end:
            purchase(s, c, on, None if occasion == "repair" else occasion, recipient=recipient,
                     kind="repair" if occasion == "repair" else "gift")
            return
    purchase(s, c, s.date_between(start, end), "self")


def _metal(s: Story, c: DemoClient, category: ItemCategory) -> str:
    if category == ItemCategory.WATCH:
        return s.pick(("stainless steel", "18k yellow gold", "18k rose gold"), (80, 12, 8))
    if c.row["metals"] and s.rng.random() < 0.65:
        metal = s.rng.choice(c.row["metals"])
        if metal != "stainless steel":
            return metal
    return s.pick(METALS, (30, 20, 10, 25, 15))


def item_for(s: Story, c: DemoClient, occasion: str) -> dict:
    rng = s.rng
    categories, weights = OCCASION_CATEGORIES.get(occasion, OCCASION_CATEGORIES["self"])
    category = ItemCategory.WATCH if c.persona == "watch" and rng.random() < 0.6 else s.pick(categories, weights)
    metal = _metal(s, c, category)
    brand = None
    if category == ItemCategory.WATCH:
        brand = rng.choice(c.row["brands"] if c.persona == "watch" else WATCH_BRANDS)
        low, high = BASE_PRICE[category]
        price = s.price(low, high * (1.4 if c.persona in ("watch", "collector") else 0.6))
        return {"description": f"{brand} {rng.choice(WATCH_WORDS)}", "category": category, "metal": metal,
                "stone": None, "brand": brand, "price": price}
    stones, stone_weights = CATEGORY_STONES[category]
    stone = rng.choice(c.row["stones"]) if c.row["stones"] and rng.random() < 0.5 else s.pick(stones, stone_weights)
    if metal == "sterling silver" and stone in ("diamond", "emerald", "ruby", "sapphire"):
        stone = s.pick(("opal", "pearl", None), (3, 3, 4))
    if stone == "pearl" and rng.random() < 0.25:
        brand = PEARL_BRAND
    elif rng.random() < 0.22 and metal != "sterling silver":
        brand = rng.choice(c.row["brands"] if c.row["brands"] and c.persona != "watch" else FINE_BRANDS)
    low, high = BASE_PRICE[category]
    if category == ItemCategory.RING and stone == "diamond" and metal != "sterling silver":
        low, high = 1500, 9000  # a diamond ring is rarely less
    factor = STONE_FACTOR[stone] * METAL_FACTOR[metal] * (1.6 if c.persona == "collector" else 1.0)
    if category == ItemCategory.RING and stone == "diamond":
        factor = max(1.0, factor / 2.2)
    piece = rng.choice(PIECE_WORDS[category])
    if stone == "pearl" and category == ItemCategory.NECKLACE:
        piece = "pearl strand"
    what = f"{stone.capitalize()} {piece}" if stone and piece != "pearl strand" else piece.capitalize()
    style = rng.choice(STYLES) if rng.random() < 0.25 else None
    description = f"{what}, {metal}" + (f" ({style})" if style else "")
    return {"description": description, "category": category, "metal": metal, "stone": stone, "brand": brand,
            "price": s.price(max(35, low * factor), max(60, high * factor))}


def _engagement_ring(s: Story) -> dict:
    rng = s.rng
    metal = s.pick(("platinum", "18k white gold", "14k yellow gold", "rose gold"), (40, 30, 20, 10))
    price = tag_price(min(25000.0, max(2500.0, math.exp(rng.gauss(math.log(6500), 0.55)))))
    shape = rng.choice(("Round brilliant", "Oval", "Cushion", "Emerald-cut", "Pear"))
    brand = rng.choice(("Tacori", "Verragio", "Simon G.", "Gabriel & Co.")) if rng.random() < 0.45 else None
    return {"description": f"{shape} diamond engagement ring, {metal}", "category": ItemCategory.RING,
            "metal": metal, "stone": "diamond", "brand": brand, "price": price}


def _band(s: Story) -> dict:
    metal = s.pick(("platinum", "18k white gold", "14k yellow gold", "rose gold"), (35, 30, 25, 10))
    with_diamonds = s.rng.random() < 0.35
    low, high = (900, 3500) if with_diamonds else (350, 1600)
    return {"description": ("Diamond wedding band, " if with_diamonds else "Wedding band, ") + metal,
            "category": ItemCategory.RING, "metal": metal, "stone": "diamond" if with_diamonds else None,
            "brand": None, "price": s.price(low * METAL_FACTOR[metal], high * METAL_FACTOR[metal])}


def _repair_item(s: Story, c: DemoClient) -> dict:
    name, low, high = s.rng.choice(REPAIRS)
    metal = None if "Watch" in name or "Pearl" in name else _metal(s, c, ItemCategory.RING)
    return {"description": name, "category": ItemCategory.REPAIR, "metal": metal, "stone": None, "brand": None,
            "price": s.price(low, high)}
