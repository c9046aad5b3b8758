"""Gift-giver wish lists: when to suggest sending one, and the message that carries the link. Pure: today comes in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

from jewelpwa.domain.occasions import next_yearly_on
from jewelpwa.domain.reasons import span

# Three weeks before the occasion a giver still has time to come in, choose and have it sized or engraved.
SHARE_LEAD_DAYS = 21


@dataclass(frozen=True)
class WishListFacts:
    """One wish list: the client's own (person_id None) or one person's, with the dates that make it urgent.

    occasions are (label, month, day): "birthday" or "anniversary". giver_name is who would buy from it:
    the client for a person's list, the client's partner (when known) for the client's own list.
    """

    owner_name: str
    person_id: int | None
    open_items: int
    occasions: Sequence[tuple[str, int, int]] = ()
    giver_name: str | None = None
    shared_on: date | None = None  # the newest link still live for this list


@dataclass(frozen=True)
class WishListNudge:
    owner_name: str
    person_id: int | None
    occasion: str
    occasion_on: date
    giver_name: str | None
    days: int

    @property
    def when(self) -> str:
        return "tomorrow" if self.days == 1 else f"in {span(self.days)}"

    @property
    def text(self) -> str:
        """ "Anna's birthday is in 3 weeks — send Tom Anna's wish list"."""
        head = f"{self.owner_name}'s {self.occasion} is {self.when}"
        if self.giver_name:
            return f"{head} — send {self.giver_name} {self.owner_name}'s wish list"
        return f"{head} — send {self.owner_name}'s wish list to a gift-giver"


def wish_list_nudges(lists: Sequence[WishListFacts], on: date) -> list[WishListNudge]:
    """Lists with open items whose owner's occasion is 1..21 days away and that were not sent since the window opened.

    The soonest occasion of each list counts; nudges come soonest first.
    """
    nudges = []
    for wish_list in lists:
        if wish_list.open_items <= 0:
            continue
        upcoming = sorted((next_yearly_on(month, day, on), label) for label, month, day in wish_list.occasions)
        for occasion_on, label in upcoming:
            days = (occasion_on - on).days
            if not 1 <= days <= SHARE_LEAD_DAYS:
                continue
            opened_on = occasion_on - timedelta(days=SHARE_LEAD_DAYS)
            if wish_list.shared_on is not None and wish_list.shared_on >= opened_on:
                break  # already sent for this occasion
            nudges.append(WishListNudge(wish_list.owner_name, wish_list.person_id, label, occasion_on,
                                        wish_list.giver_name, days))
            break
    return sorted(nudges, key=lambda n: (n.occasion_on, n.owner_name))


def share_message(giver_name: str | None, owner_name: str, store_name: str, url: str, own_list: bool) -> str:
    """The prefilled text the giver receives with the link."""
    hello = f"Hi {giver_name}" if giver_name else "Hi"
    if own_list:
        return f"{hello}! {owner_name} has a wish list at {store_name}: {url}"
    return f"{hello}! Here is {owner_name}'s wish list at {store_name}: {url}"


def sms_href(phone: str | None, body: str) -> str:
    """An sms: link; without a number the phone asks whom to send it to (iOS and Android both read ?&body=)."""
    return f"sms:{phone or ''}?&body={quote(body, safe='')}"


def mailto_href(email: str | None, subject: str, body: str) -> str:
    return f"mailto:{quote(email or '', safe='@')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
