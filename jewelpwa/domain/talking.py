"""Talking points for a client card, and the facts they and the opening lines (domain.opening) may mention."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jewelpwa.domain.locales import StoreLocale
from jewelpwa.domain.occasions import next_yearly_on
from jewelpwa.domain.reasons import month_day, month_year
from jewelpwa.domain.share import WishListFacts, WishListNudge, wish_list_nudges

MAX_POINTS = 5
# Trade-up credit is worth a mention while the anniversary follow-up is open (DESIGN.md default: 56 days before).
ANNIVERSARY_LEAD_DAYS = 56
# Gems people speak of in the plural when they love them ("loves sapphires"); others stay as written.
_PLURAL = {
    "diamond": "diamonds",
    "sapphire": "sapphires",
    "ruby": "rubies",
    "emerald": "emeralds",
    "pearl": "pearls",
    "opal": "opals",
    "garnet": "garnets",
    "amethyst": "amethysts",
    "aquamarine": "aquamarines",
    "peridot": "peridots",
    "citrine": "citrines",
}
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Gift:
    """A piece the client bought for someone else; recipient is None when the store did not record who."""

    bought_on: date
    piece: str
    recipient: str | None = None
    occasion: str | None = None


@dataclass(frozen=True)
class HolidayGift:
    """A person on the client's saved holiday list this season; open until their gift is done."""

    name: str
    open: bool = True
    wish: str | None = None  # the first open wish item on that person's list, if any


@dataclass(frozen=True)
class ClientFacts:
    """What a card may mention; last_purchase is (day, piece description, occasion or None)."""

    first_name: str
    partner_name: str | None = None
    last_purchase: tuple[date, str, str | None] | None = None
    last_purchase_for: str | None = None
    metals: Sequence[str] = ()
    stones: Sequence[str] = ()
    brands: Sequence[str] = ()
    ring_size: str | None = None
    open_wish_items: Sequence[str] = ()
    children: Sequence[str] = ()
    wish_lists: Sequence[WishListFacts] = ()
    trade_up_credit: Decimal | None = None  # available credit, summed
    anniversary: tuple[int, int] | None = None  # the client's wedding anniversary (month, day)
    as_of: date | None = None  # the day these facts were read for (opening lines that are not given one)
    anniversary_lead: int = ANNIVERSARY_LEAD_DAYS  # the store's anniversary window opens this many days before
    gifts: Sequence[Gift] = ()  # pieces given to others, newest first (domain.line_rules.is_gift)
    holiday_list: Sequence[HolidayGift] = ()  # this season's saved holiday list, in the order it was saved
    last_touch_on: date | None = None
    added_on: date | None = None  # the day the client came into the book
    no_pitch: bool = False  # the store marked the client "no sales pitch" (domain.line_rules.NO_PITCH_TAG)
    locale: StoreLocale = StoreLocale()  # how the store writes money


def _and(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _when(day: date, on: date) -> str:
    if day.year == on.year:
        return f"in {_MONTH_NAMES[day.month - 1]}"
    return "last year" if day.year == on.year - 1 else f"in {day.year}"


def _family(facts: ClientFacts) -> str | None:
    children = f"children: {', '.join(facts.children)}" if facts.children else None
    if facts.partner_name:
        return f"Partner: {facts.partner_name}" + (f"; {children}" if children else "")
    return _capitalized(children) if children else None


def _last_purchase(facts: ClientFacts) -> str | None:
    if facts.last_purchase is None:
        return None
    bought_on, piece, occasion = facts.last_purchase
    recipient = f" for {facts.last_purchase_for}" if facts.last_purchase_for else ""
    occasion_text = f" ({occasion})" if occasion else ""
    return f"Last purchase: {piece}{recipient}, {month_year(bought_on)}{occasion_text}"


def _preferences(facts: ClientFacts) -> str | None:
    parts = []
    loves = [m.lower() for m in facts.metals] + [_PLURAL.get(s.lower(), s.lower()) for s in facts.stones]
    if loves:
        parts.append(f"Loves {_and(loves)}")
    if facts.brands:
        parts.append(f"likes {_and(list(facts.brands))}")
    if facts.ring_size:
        parts.append(f"ring size {facts.ring_size}")
    return _capitalized("; ".join(parts)) if parts else None


def _complement(facts: ClientFacts, on: date) -> str | None:
    if not facts.open_wish_items or facts.last_purchase is None:
        return None
    bought_on, piece, _ = facts.last_purchase
    wish = _capitalized(facts.open_wish_items[0])
    if facts.last_purchase_for and facts.last_purchase_for != facts.first_name:
        return (
            f"{wish} would complement the {piece} you gave {facts.last_purchase_for} {_when(bought_on, on)}"
        )
    return f"{wish} would complement your {piece}"


def wish_list_nudge(facts: ClientFacts, on: date) -> WishListNudge | None:
    """The wish list worth sending now: its owner's occasion is at most three weeks away (domain.share)."""
    nudges = wish_list_nudges(facts.wish_lists, on)
    return nudges[0] if nudges else None


def _trade_up(facts: ClientFacts, on: date) -> str | None:
    if not facts.trade_up_credit or facts.anniversary is None:
        return None
    anniversary_on = next_yearly_on(*facts.anniversary, on)
    if (anniversary_on - on).days > facts.anniversary_lead:
        return None
    return f"Anniversary {month_day(anniversary_on)}: {facts.locale.money(facts.trade_up_credit, whole=True)} trade-up credit toward a new piece"


def _holiday_list(facts: ClientFacts) -> str | None:
    if not facts.holiday_list:
        return None
    names = [g.name if g.open else f"{g.name} (done)" for g in facts.holiday_list]
    return f"Holiday list: {', '.join(names)}"


# First on a "no pitch" card, so the associate reads it before anything that could sound like selling.
NO_PITCH_POINT = "No sales pitch: see the notes"


def talking_points(facts: ClientFacts, on: date) -> list[str]:
    """Up to five things worth mentioning, most useful first (what cannot wait comes first). A "no pitch"
    client gets no selling points: no wish list to send, no trade-up credit, no piece to complement."""
    wish = f"Wish list: {', '.join(facts.open_wish_items[:3])}" if facts.open_wish_items else None
    if facts.no_pitch:
        points = [NO_PITCH_POINT, _holiday_list(facts), _family(facts), _last_purchase(facts), _preferences(facts),
                  wish]
    else:
        nudge = wish_list_nudge(facts, on)
        points = [nudge.text if nudge else None, _trade_up(facts, on), _holiday_list(facts), _family(facts),
                  _last_purchase(facts), _preferences(facts), wish, _complement(facts, on)]
    return [p for p in points if p][:MAX_POINTS]
