"""The small rules that make an opening line fit the client's moment, each one visible and unit-tested.

- a piece given to someone else is asked about as a gift (`is_gift`, `gift_for`), not before it is given
  (`given_yet`);
- "it's been a while" only after QUIET_DAYS without a touch, a sale or the client being added (`recent_moment`);
- once a holiday list is saved, its names replace "who's on your list?" (`holiday_names`);
- every line says who is calling from which store (`greeting`);
- a client the store marked "no pitch" hears no sales pitch (`is_no_pitch`, PITCH_KINDS);
- every line fits two text-message segments (`fit`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from jewelpwa.domain.ranking import Reason
from jewelpwa.domain.talking import ClientFacts, Gift
from jewelpwa.domain.vocab import Channel, Kind

# "Within 60 days of a touch, a sale or the client being added" nothing says "it's been a while" (issue 18).
QUIET_DAYS = 60
# Occasions whose purchase is a present by nature, even when the store did not record for whom. "self" ("for
# themselves") and the occasions people also buy for themselves (birthday, anniversary) need a recipient.
GIFT_OCCASIONS = frozenset({"gift", "valentines", "mothers_day", "fathers_day", "holiday", "christmas"})
# The tag the notes form sets (services.book.client_edit): a tag, so segments can also filter on it.
NO_PITCH_TAG = "no-pitch"
# Kinds that exist only to sell: a "no pitch" client hears a plain hello instead.
PITCH_KINDS = frozenset({Kind.NEW_ARRIVALS, Kind.STORE_EVENT})
# Two concatenated text segments of GSM-7 (153 characters each): the line goes out as one message on any phone.
# The words here stay in GSM-7 (no curly quotes or dashes), which would drop a segment to 67 characters.
MAX_LINE = 306
ELLIPSIS = "..."

Moment = Literal["sale", "added", "touch"]


def is_gift(occasion: str | None, has_recipient: bool) -> bool:
    """A purchase is a gift when the store recorded whom it was for, or its occasion is a present by nature."""
    return has_recipient or (occasion or "").strip().lower() in GIFT_OCCASIONS


def gift_for(reason: Reason, gifts: Sequence[Gift]) -> Gift | None:
    """The gift a purchase follow-up (check-in, care, cleaning, purchase anniversary) is about, if it was one.

    Those follow-ups are dated by their purchase (a cleaning offer carries it as "bought"); the piece breaks a
    tie between two purchases on one day."""
    bought = reason.detail.get("bought")
    bought_on = date.fromisoformat(str(bought)) if bought else reason.occasion_on
    same_day = [g for g in gifts if g.bought_on == bought_on]
    return next((g for g in same_day if g.piece == reason.detail.get("piece")), same_day[0] if same_day else None)


# A holiday present waits for Christmas Day: until then "did they love it?" comes too early.
HOLIDAY_OCCASIONS = frozenset({"holiday", "christmas"})
GIVING_DAY = (12, 25)


def given_yet(gift: Gift, on: date) -> bool:
    """Whether the present has been given by `on`: a holiday gift bought in November or December is given on
    Christmas Day; any other gift is taken as given (its day is rarely recorded)."""
    if (gift.occasion or "").strip().lower() not in HOLIDAY_OCCASIONS or gift.bought_on.month < 11:
        return True
    return on >= date(gift.bought_on.year, *GIVING_DAY)


def recent_moment(facts: ClientFacts, on: date) -> Moment | None:
    """What happened within QUIET_DAYS that makes "it's been a while" untrue: the latest sale first (the line
    thanks for it), then the client being added, then a touch; None when the client has been quiet that long."""
    def recent(day: date | None) -> bool:
        return day is not None and 0 <= (on - day).days <= QUIET_DAYS

    if facts.last_purchase is not None and recent(facts.last_purchase[0]):
        return "sale"
    if recent(facts.added_on):
        return "added"
    if recent(facts.last_touch_on):
        return "touch"
    return None


def holiday_names(facts: ClientFacts, limit: int = 3) -> str | None:
    """The people still open on the saved holiday list, as said aloud: "Kenji, Aiko and 2 more"."""
    names = [g.name for g in facts.holiday_list if g.open]
    if not names:
        return None
    shown = names[:limit]
    if len(names) > limit:
        return f"{', '.join(shown)} and {len(names) - limit} more"
    return and_list(shown)


def and_list(words: Iterable[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class Caller:
    """Who makes the call: the signed-in associate's first name and their store's name."""

    first_name: str | None
    store: str


def greeting(client_first_name: str, caller: Caller, channel: Channel) -> str:
    """ "Hi Grace, it's Maya at Harbor & Vine." An email introduces rather than announces."""
    who = f"{caller.first_name} at {caller.store}" if caller.first_name else caller.store
    verb = "this is" if channel == Channel.EMAIL else "it's"
    return f"Hi {client_first_name.strip()}, {verb} {who}."


def is_no_pitch(tags: Iterable[str] | None) -> bool:
    return NO_PITCH_TAG in {str(t).strip().lower() for t in tags or ()}


def with_no_pitch(tags: Iterable[str] | None, on: bool) -> list[str]:
    """The client's tags with the no-pitch tag set or cleared, others kept in their order."""
    kept = [t for t in tags or () if str(t).strip().lower() != NO_PITCH_TAG]
    return [*kept, NO_PITCH_TAG] if on else kept


def fit(head: str, extras: Sequence[str] = (), limit: int = MAX_LINE) -> str:
    """The line within `limit`: optional extras only while they fit, then the head cut at a word with "..."."""
    line = head
    for extra in extras:
        if len(line) + len(extra) <= limit:
            line += extra
    if len(line) <= limit:
        return line
    cut = line[: limit - len(ELLIPSIS)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + ELLIPSIS
