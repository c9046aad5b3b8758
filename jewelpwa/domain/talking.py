"""Talking points and a suggested opening line for a client card, drawn only from the client's data."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jewelpwa.domain.occasions import next_yearly_on, ordinal
from jewelpwa.domain.ranking import Reason
from jewelpwa.domain.reasons import month_day, month_year
from jewelpwa.domain.share import WishListFacts, WishListNudge, wish_list_nudges
from jewelpwa.domain.vocab import Channel, Kind

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
    return f"Anniversary {month_day(anniversary_on)}: ${facts.trade_up_credit:,.0f} trade-up credit toward a new piece"


def talking_points(facts: ClientFacts, on: date) -> list[str]:
    """Up to five things worth mentioning, most useful first (what cannot wait comes first)."""
    wish = f"Wish list: {', '.join(facts.open_wish_items[:3])}" if facts.open_wish_items else None
    nudge = wish_list_nudge(facts, on)
    points = [nudge.text if nudge else None, _trade_up(facts, on), _family(facts), _last_purchase(facts),
              _preferences(facts), wish, _complement(facts, on)]
    return [p for p in points if p][:MAX_POINTS]


# From ten days before the holiday list's day (Dec 24), "done early" no longer rings true: the line turns to
# what is left, which is also the call a late shopper is glad to get.
HOLIDAY_LATE_DAYS = 10


def _body(reason: Reason | None, facts: ClientFacts, on: date | None = None) -> str:
    """The heart of the opening line: why the associate is calling, in the client's terms."""
    if reason is None:
        return "it's been a while, and I'd love to catch up and show you what's new."
    detail: Mapping[str, object] = reason.detail
    when = month_day(reason.occasion_on) if reason.occasion_on else "soon"
    piece = detail.get("piece") or "piece"
    name = detail.get("name") or facts.partner_name
    match reason.kind:
        case Kind.ANNIVERSARY:
            years = f"{ordinal(int(detail['years']))} " if detail.get("years") else ""  # type: ignore[call-overload]
            return f"your {years}anniversary is coming up on {when}. Shall I put together a few ideas?"
        case Kind.BIRTHDAY:
            return f"your birthday is coming up on {when} and we'd love to celebrate with you."
        case Kind.PARTNER_BIRTHDAY:
            who = f"{name}'s" if name else "a special"
            for_whom = f"for {name}" if name else "for you"
            return f"{who} birthday is on {when}. Want me to set aside a few ideas {for_whom}?"
        case Kind.FAMILY_DATE:
            return f"a special date is coming up on {when}. Can I help you find something for it?"
        case Kind.VALENTINES:
            for_whom = f"for {name}" if name else "for you"
            return f"Valentine's Day is around the corner. Want me to set aside a few ideas {for_whom}?"
        case Kind.MOTHERS_DAY:
            return f"Mother's Day is on {when}. Can I help you find something special?"
        case Kind.HOLIDAY_LIST:
            if on is not None and reason.occasion_on and (reason.occasion_on - on).days <= HOLIDAY_LATE_DAYS:
                return "there's still time to find something for everyone on your holiday list. Who's left?"
            return "we're helping clients get their holiday lists done early. Who's on yours this year?"
        case Kind.STORE_EVENT:
            if detail.get("campaign_id"):  # a campaign (services/owner/campaigns.py), not an event day
                return str(detail.get("message") or "I thought of you and wanted to share what's new.")
            what = detail.get("what") or "a special event"
            return f"we're hosting {what} on {when} and I'd love for you to come."
        case Kind.CHECK_IN:
            return f"how are you enjoying the {piece}?"
        case Kind.CARE:
            return f"it's been a few months since you got the {piece}. Bring it by for a cleaning and check?"
        case Kind.CLEANING:
            return f"your {piece} is due for its free cleaning and prong check. When would you like to drop by?"
        case Kind.NEW_ARRIVALS:
            category = detail.get("category")
            what = f"{category}" if category and category not in ("other", "repair") else "pieces"
            return f"we just got some new {what} in that made me think of you."
        case Kind.PURCHASE_ANNIVERSARY:
            return f"it's been a year since the {piece}. How is it holding up?"
        case Kind.REFERRAL_THANKS:
            referred = detail.get("name")
            return (
                f"thank you so much for sending {referred} our way!"
                if referred
                else "thank you so much for the referral!"
            )
        case Kind.SERVICE:
            what = detail.get("what")
            return (
                f"a quick note: {str(what)[:1].lower()}{str(what)[1:]}."
                if what
                else f"a quick reminder about your visit on {when}."
            )
    if facts.open_wish_items:
        return (
            f"it's been a while! I was thinking of you and the {facts.open_wish_items[0]} on your wish list."
        )
    return "it's been a while, and I'd love to catch up and show you what's new."


def _wish_list_offer(facts: ClientFacts, on: date | None) -> str:
    """For a person's list the client is the giver: offer to send it. The client's own list goes to their
    partner, so it is never mentioned to the client (it would spoil the surprise)."""
    nudge = wish_list_nudge(facts, on) if on is not None else None
    if nudge is None or nudge.person_id is None:
        return ""
    return f" {nudge.owner_name}'s {nudge.occasion} is {nudge.when}: shall I send you {nudge.owner_name}'s wish list?"


def opening_line(first_name: str, reasons: Sequence[Reason], facts: ClientFacts, channel: Channel,
                 on: date | None = None) -> str:
    """A friendly first sentence for the card's strongest reason, shaped for a call, a text or an email."""
    body = _body(reasons[0] if reasons else None, facts, on) + _wish_list_offer(facts, on)
    if channel == Channel.TEXT:
        return f"Hi {first_name}! {_capitalized(body)}"
    if channel == Channel.CALL:
        return f"Hi {first_name}, it's the store calling. {_capitalized(body)}"
    return f"Hi {first_name}, {body}"
