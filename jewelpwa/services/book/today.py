"""Today: the associate's call list with what to say, "More" cut to a page, and one client's row after a tap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...models import User
from ..engine.day_lists import CallList, TodayCard, call_list, done_count, ranked
from .contact import contact_links
from .facts import caller_of, client_facts, opening_lines


@dataclass
class TodayPage:
    """What the Today screen shows: the list, with "More" cut to a page (hundreds in holiday season)."""

    listing: CallList
    more_limit: int

    @property
    def more_shown(self) -> list[TodayCard]:
        return self.listing.more[: self.more_limit]

    @property
    def more_hidden(self) -> int:
        return max(self.listing.more_count - len(self.more_shown), 0)


def with_contacts(user: User, items: list[TodayCard], on: date) -> list[TodayCard]:
    """Fill each row's call/text/email links with an opening line in the user's name; facts for every row in one go."""
    facts = client_facts(user.store_id, [item.client_id for item in items], on)
    caller = caller_of(user)
    for item in items:
        openings = opening_lines(item.client, item.reasons, facts.get(item.client_id), caller)
        item.links = contact_links(item.client, openings, item.channel, user.store.country)
    return items


def today_page(user: User, on: date, more_limit: int = 50) -> TodayPage:
    """The Today screen: the list, contact links for the rows it shows, "More" cut to more_limit rows."""
    done = done_count(user, on)
    rows = max(user.daily_target - done, 0) + more_limit
    page = TodayPage(call_list(user, on, rows=rows, done=done), more_limit)
    with_contacts(user, page.listing.today + page.more_shown, on)
    return page


def today_row(user: User, client_id: int, on: date) -> TodayCard | None:
    """One client's card as it now stands on the associate's list, or None when nothing shows today."""
    # By client id: the follow-ups are read through their client_id index. With the day's window conditions in
    # SQL instead, SQLite chose the store's window index and read every showing follow-up of the store (about
    # 100 ms at 50,000 clients, on every outcome logged from Today).
    cards = ranked(user.store_id, on, user.id, client_ids=[client_id])
    return with_contacts(user, cards, on)[0] if cards else None


