"""Free cleaning offers: every six months after the purchase of a piece that benefits from a cleaning.

A diamond, a ring worn every day, pearls or white gold look tired within months (lotion and soap film,
worn rhodium, stretched silk); a free cleaning and prong check is the kindest reason to bring the client
and the piece back into the store. The offer follows the client's latest such purchase, stops when the
client has a cleaning booked or had one in the last six months, and goes through the gate like every
other marketing follow-up.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from jewelpwa.domain.cadence import ItemFacts, piece_name
from jewelpwa.domain.proposals import Proposal, dedupe_key
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import ItemCategory, Kind
from jewelpwa.domain.windows import Window, window_for

EVERY_MONTHS = 6
# Five years of offers after a purchase; a client who buys again starts a new run from that piece.
OFFERS = 10
# A cleaning visit (a done cleaning appointment) this recent makes the next offer pointless.
RECENT_CLEANING_DAYS = 182

# The words the planner's SQL and this module both read: one list, so the query and the rule agree.
STONES: tuple[str, ...] = ("diamond", "pearl", "sapphire", "ruby", "moissanite")
METALS: tuple[str, ...] = ("white gold", "platinum")
CATEGORIES: tuple[str, ...] = (ItemCategory.RING.value,)
DESCRIPTION_WORDS: tuple[str, ...] = ("engagement", "wedding band", "tennis")


def _has(text: str | None, words: tuple[str, ...]) -> bool:
    text = (text or "").lower()
    return any(word in text for word in words)


def benefits_from_cleaning(item: ItemFacts) -> bool:
    """Whether a piece gains from a professional cleaning: rings, diamonds and other hard stones, pearls,
    white gold and platinum (a repair ticket is not a piece)."""
    category = (item.category or "").strip().lower()
    if category == ItemCategory.REPAIR:
        return False
    return (category in CATEGORIES or _has(item.stone, STONES) or _has(item.metal, METALS)
            or _has(item.description, DESCRIPTION_WORDS))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), on the month's last day when it is shorter (Aug 31 + 6 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def offer_window(purchased_on: date, on: date, settings: EngineSettings) -> tuple[date, Window] | None:
    """The six-month mark after the purchase whose cleaning window holds `on`, with that window."""
    for n in range(1, OFFERS + 1):
        anchor_on = add_months(purchased_on, EVERY_MONTHS * n)
        window = window_for(Kind.CLEANING, anchor_on, settings)
        if window.contains(on):
            return anchor_on, window
        if window.opens_on > on:
            return None
    return None


def purchase_ranges(on: date, settings: EngineSettings) -> list[tuple[date, date]]:
    """Purchase days that can have an offer open on `on` (a few days wider than exact: month ends vary)."""
    rule = settings.windows[Kind.CLEANING]
    first, last = on - timedelta(days=rule.expires), on - timedelta(days=rule.opens)
    slack = timedelta(days=3)
    return [(add_months(first, -EVERY_MONTHS * n) - slack, add_months(last, -EVERY_MONTHS * n) + slack)
            for n in range(1, OFFERS + 1)]


@dataclass(frozen=True)
class CleaningFacts:
    """What the rule needs about one client: the latest purchase with a piece that benefits, and cleanings."""

    purchase_id: int
    purchased_on: date
    piece: ItemFacts
    cleaning_booked: bool = False
    last_cleaning_on: date | None = None


def cleaning_proposal(facts: CleaningFacts, on: date, settings: EngineSettings) -> Proposal | None:
    """The free-cleaning offer whose window holds `on`, or None (nothing due, booked, or cleaned lately)."""
    if not benefits_from_cleaning(facts.piece) or facts.cleaning_booked:
        return None
    if facts.last_cleaning_on is not None and (on - facts.last_cleaning_on).days < RECENT_CLEANING_DAYS:
        return None
    found = offer_window(facts.purchased_on, on, settings)
    if found is None:
        return None
    anchor_on, window = found
    source = f"purchase:{facts.purchase_id}"
    detail = {"piece": piece_name(facts.piece), "bought": facts.purchased_on.isoformat()}
    return Proposal(Kind.CLEANING, window, anchor_on, dedupe_key(Kind.CLEANING, source, anchor_on), source, detail)
