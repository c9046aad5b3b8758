"""The daily list: an associate's showing follow-ups, one ranked card per client."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ...domain.gate import suggest_channel
from ...domain.ranking import Candidate, Card, rank_day, score
from ...domain.reasons import reason_text
from ...domain.vocab import Channel, Kind, Tier
from ...domain.windows import Window
from ...extensions import db
from ...models import Client, FollowUp, Outreach, Store, User
from ..batching import chunks
from ..engine.gating import LIVE, SHOWING_COLUMNS, prefs_of, showing, shows
from .contact import ContactLink, contact_links
from .facts import client_facts, opening_lines


@dataclass
class TodayCard:
    card: Card
    client: Client
    channel: Channel | None
    # Filled for the rows a page shows (with_contacts): one facts query for the whole list.
    links: list[ContactLink] = field(default_factory=list)

    @property
    def client_id(self) -> int:
        return self.card.client_id

    @property
    def client_name(self) -> str:
        return self.client.display_name

    @property
    def reasons(self):
        return self.card.reasons


@dataclass
class DayList:
    on: date
    target: int
    done_count: int
    cards: list[TodayCard]
    # How many clients the whole list holds when `cards` is only its top (Today reads a page, not 16,000 rows).
    total: int | None = None

    @property
    def more_count(self) -> int:
        return (len(self.cards) if self.total is None else max(self.total, len(self.cards))) - len(self.today)

    @property
    def today(self) -> list[TodayCard]:
        """The first rows up to what is left of the target; the rest is "more"."""
        return self.cards[: max(self.target - self.done_count, 0)]

    @property
    def more(self) -> list[TodayCard]:
        return self.cards[len(self.today):]


@dataclass
class TodayPage:
    """What the Today screen shows: the list, with "More" cut to a page (hundreds in holiday season)."""

    listing: DayList
    more_limit: int

    @property
    def more_shown(self) -> list[TodayCard]:
        return self.listing.more[: self.more_limit]

    @property
    def more_hidden(self) -> int:
        return max(self.listing.more_count - len(self.more_shown), 0)


# Ranking needs these columns only; loading whole FollowUp entities cost a busy list most of its time.
RANKED_COLUMNS = (FollowUp.id, FollowUp.client_id, FollowUp.kind, FollowUp.opens_on, FollowUp.due_on,
                   FollowUp.expires_on, FollowUp.occasion_on, FollowUp.detail)


def candidate(row: FollowUp, tier: str) -> Candidate:  # a FollowUp, or a row of RANKED_COLUMNS
    window = Window(row.opens_on, row.due_on, row.expires_on)
    return Candidate(row.id, row.client_id, Kind(row.kind), window, row.occasion_on, Tier(tier), row.detail or {})


def ranked(store_id: int, on: date, assignee_id: int, client_id: int | None = None,
           client_ids: list[int] | None = None) -> list[TodayCard]:
    """One associate's cards, ranked by the engine (only one client's card when client_id is given, only
    those clients' cards when client_ids is)."""
    if client_ids is None:
        query = select(*RANKED_COLUMNS).where(*showing(store_id, on), FollowUp.assignee_id == assignee_id)
        if client_id is not None:
            query = query.where(FollowUp.client_id == client_id)
        rows = list(db.session.execute(query))
    else:
        # A page of known clients: read their live follow-ups by client (an index probe each) and check the
        # window here; with the window in SQL the databases scan the store's whole window index instead.
        query = (select(*RANKED_COLUMNS, FollowUp.store_id, FollowUp.assignee_id, *SHOWING_COLUMNS)
                 .where(FollowUp.client_id.in_(client_ids), FollowUp.status.in_(LIVE)))
        rows = [row for row in db.session.execute(query)
                if row.store_id == store_id and row.assignee_id == assignee_id and shows(row, on)]
    # Clients apart from their follow-ups: joined, each client's row (and its six JSON columns) came back,
    # and was decoded, once per follow-up: about five times over on a holiday-season list.
    clients = {client.id: client for ids in chunks(sorted({row.client_id for row in rows}))
               for client in db.session.scalars(select(Client).where(Client.id.in_(ids)))}
    candidates = [candidate(row, clients[row.client_id].tier) for row in rows]
    return [TodayCard(card, clients[card.client_id], suggest_channel(prefs_of(clients[card.client_id])))
            for card in rank_day(candidates, on)]


def done_count(user: User, on: date) -> int:
    """Clients this associate has contacted on `on` (any outcome: a ring that went unanswered was still work)."""
    return db.session.scalar(select(func.count(func.distinct(Outreach.client_id))).where(
        Outreach.user_id == user.id, Outreach.occurred_on == on)) or 0


def day_list(user: User, on: date, rows: int | None = None, done: int | None = None) -> DayList:
    """The associate's list for `on`: progress against target, today's cards, then the rest.

    With `rows`, only the first rows are ranked, from the list the worker kept (services/engine/day_lists.py), and
    `total` says how long the whole list is; without, the whole list is ranked now (exact, slower)."""
    done = done_count(user, on) if done is None else done
    if rows is None:
        return DayList(on, user.daily_target, done, ranked(user.store_id, on, user.id))
    from ..engine.day_lists import top_client_ids

    client_ids, total = top_client_ids(user, on, rows)
    cards = ranked(user.store_id, on, user.id, client_ids=client_ids)[:rows] if client_ids else []
    return DayList(on, user.daily_target, done, cards, total)


def with_contacts(store_id: int, items: list[TodayCard]) -> list[TodayCard]:
    """Fill each row's call/text/email links with an opening line; facts for every row in one go."""
    facts = client_facts(store_id, [item.client_id for item in items])
    for item in items:
        openings = opening_lines(item.client, item.reasons, facts.get(item.client_id))
        item.links = contact_links(item.client, openings, item.channel)
    return items


def today_page(user: User, on: date, more_limit: int = 50) -> TodayPage:
    """The Today screen: the list, contact links for the rows it shows, "More" cut to more_limit rows."""
    done = done_count(user, on)
    rows = max(user.daily_target - done, 0) + more_limit
    page = TodayPage(day_list(user, on, rows=rows, done=done), more_limit)
    with_contacts(user.store_id, page.listing.today + page.more_shown)
    return page


def today_row(user: User, client_id: int, on: date) -> TodayCard | None:
    """One client's card as it now stands on the associate's list, or None when nothing shows today."""
    cards = ranked(user.store_id, on, user.id, client_id)
    return with_contacts(user.store_id, cards)[0] if cards else None


def agenda(store: Store, on: date) -> list[dict]:
    """Every open follow-up showing on `on`, one entry each, with its card's rank within its assignee's list."""
    query = (select(FollowUp, Client, User.email).join(Client, Client.id == FollowUp.client_id)
             .outerjoin(User, User.id == FollowUp.assignee_id).where(*showing(store.id, on)))
    rows = db.session.execute(query).all()
    by_assignee: dict[int | None, list] = defaultdict(list)
    for follow_up, client, email in rows:
        by_assignee[follow_up.assignee_id].append((follow_up, client, email))
    lines = []
    for group in by_assignee.values():
        cards = rank_day([candidate(f, c.tier) for f, c, _ in group], on)
        rank_of = {fid: (rank, card) for rank, card in enumerate(cards, start=1) for fid in card.follow_up_ids}
        for follow_up, client, email in group:
            rank, card = rank_of[follow_up.id]
            one = candidate(follow_up, client.tier)
            channel = suggest_channel(prefs_of(client))
            lines.append({
                "client_number": client.client_number, "kind": follow_up.kind,
                "opens_on": follow_up.opens_on.isoformat(), "due_on": follow_up.due_on.isoformat(),
                "expires_on": follow_up.expires_on.isoformat(), "occasion_on": follow_up.occasion_on.isoformat(),
                "assignee": email, "rank": rank, "score": round(score(one, on), 4),
                "reasons": [reason_text(one.kind, one.occasion_on, on, one.detail), card.why],
                "channel": channel.value if channel else None,
            })
    lines.sort(key=lambda line: (line["assignee"] or "", line["rank"], line["kind"]))
    return lines
