"""Each associate's list for a day: the day's plan as ranked cards, one per client, and the order kept for Today.

The day's list: the planner lays every open follow-up onto a day of its window (services.engine.scheduling);
an associate's list for `on` is what was planned for `on`, ranked by the engine (domain.ranking), then a few
rows pulled ahead from the next days' plan ("More"), never more than LIST_SHARE of the target in all. A store the
planner has not planned for `on` yet (a new store, the worker behind) shows the best of what is showing, cut
the same way.

The kept order: the worker ranks each list once after planning (`build_day_list`); Today then re-ranks only the
first rows plus any client whose follow-ups were made after the build (their ids are above
`max_follow_up_id`), so a sale's cadence or a referral's thanks shows at once.

Why re-ranking the first rows is enough: during a day a client's cards only lose reasons (an outcome closes
or moves them), except through new follow-ups, which are ranked in by id. A client further down cannot
overtake one above it, so the top of the stored order is still the top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BindParameter, bindparam, delete, func, insert, select

from ...domain.gate import retry_channel
from ...domain.ranking import Candidate, Card, rank_day
from ...domain.vocab import RETRY_OUTCOMES, Channel, Kind, Outcome, Tier
from ...domain.windows import Window
from ...extensions import db
from ...models import Client, DayList, DayListCard, FollowUp, Outreach, Store, User
from ..batching import chunks
from ..rows import read_rows, read_scalar
from .gating import LIVE, SHOWING_COLUMNS, prefs_of, showing, shows
from .planner import engine_settings

SWITCHABLE = {Channel.CALL.value, Channel.TEXT.value, Channel.EMAIL.value}
SLACK = 20  # rows read beyond what the page shows, for clients whose list changed since the build
# Today plus More holds at most this share of the associate's target: the plan fills a day to the target and
# the store's margin (settings.plan_above_target), and More pulls ahead from the next days up to this.
LIST_SHARE = 1.5


def list_limit(target: int) -> int:
    """Cards a day's list holds at most: LIST_SHARE x the target (at least one row)."""
    return max(int(target * LIST_SHARE), 1)


@dataclass
class TodayCard:
    card: Card
    client: Client
    channel: Channel | None
    # Call/text/email links with an opening line (book.contact.ContactLink), filled by book.today for the rows a
    # page shows only: one facts query for the whole page. The engine ranks; what to say is the book's business.
    links: list[Any] = field(default_factory=list)

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
class CallList:
    """An associate's call list for a day: progress against the target, today's cards, then "more"."""

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


# Ranking needs these columns only; loading whole FollowUp entities cost a busy list most of its time.
RANKED_COLUMNS = (FollowUp.id, FollowUp.client_id, FollowUp.kind, FollowUp.opens_on, FollowUp.due_on,
                   FollowUp.expires_on, FollowUp.occasion_on, FollowUp.detail)


# Today's statements, built once with bound parameters: building them (and their cache keys) on every request
# cost a fresh Today more CPU than running them. Column reads run on the session's connection (services/rows.py).
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_LIVE_OF_CLIENTS = (select(*RANKED_COLUMNS, FollowUp.store_id, FollowUp.assignee_id, *SHOWING_COLUMNS)
                    .where(FollowUp.client_id.in_(bindparam("client_ids", expanding=True)),
                           FollowUp.status.in_(LIVE)))
_CLIENTS = select(Client).where(Client.id.in_(_IDS))
_TRIES = (select(Outreach.client_id, Outreach.channel, Outreach.outcome)
          .where(Outreach.client_id.in_(_IDS), Outreach.occurred_on > bindparam("since"),
                 Outreach.occurred_on <= bindparam("on"))
          .order_by(Outreach.client_id, Outreach.occurred_at, Outreach.id))
_LAST_PLANNED = select(Store.last_planned_on).where(Store.id == bindparam("store_id"))
_DONE = select(func.count(func.distinct(Outreach.client_id))).where(
    Outreach.user_id == bindparam("user_id"), Outreach.occurred_on == bindparam("on"))
_LISTING = select(DayList).where(DayList.user_id == bindparam("user_id"), DayList.listed_on == bindparam("on"))
_LOGGED_TODAY = select(Outreach.client_id).distinct().where(Outreach.user_id == bindparam("user_id"),
                                                            Outreach.occurred_on == bindparam("on"))
_IN_LIST = select(func.count()).select_from(DayListCard).where(
    DayListCard.day_list_id == bindparam("day_list_id"), DayListCard.client_id.in_(_IDS))
_KEPT = (select(DayListCard.client_id)
         .where(DayListCard.day_list_id == bindparam("day_list_id"),
                DayListCard.client_id.not_in(bindparam("skip", expanding=True)))
         .order_by(DayListCard.position).limit(bindparam("limit")))
_NEWER = (select(FollowUp.client_id, FollowUp.store_id, FollowUp.assignee_id, FollowUp.planned_on, *SHOWING_COLUMNS)
          .where(FollowUp.id > bindparam("after")))


def candidate(row: Any, tier: str) -> Candidate:  # a FollowUp, or a row of RANKED_COLUMNS
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
    elif not client_ids:
        rows = []
    else:
        # A page of known clients: read their live follow-ups by client (an index probe each) and check the
        # window here; with the window in SQL the databases scan the store's whole window index instead.
        rows = [row for row in read_rows(_LIVE_OF_CLIENTS, {"client_ids": client_ids})
                if row.store_id == store_id and row.assignee_id == assignee_id and shows(row, on)]
    # Clients apart from their follow-ups: joined, each client's row (and its six JSON columns) came back,
    # and was decoded, once per follow-up: about five times over on a holiday-season list.
    clients = {client.id: client for ids in chunks(sorted({row.client_id for row in rows}))
               for client in db.session.scalars(_CLIENTS, {"ids": ids})}
    candidates = [candidate(row, clients[row.client_id].tier) for row in rows]
    cards = rank_day(candidates, on)
    after = _switch_after(store_id)
    tries = unanswered_tries([card.client_id for card in cards], on) if after and cards else {}
    return [TodayCard(card, clients[card.client_id],
                      retry_channel(prefs_of(clients[card.client_id]), tries.get(card.client_id, []), after))
            for card in cards]


def _switch_after(store_id: int) -> int:
    # The store's settings as the engine reads them everywhere (planner.engine_settings), not the raw JSON.
    return engine_settings(db.session.get_one(Store, store_id)).switch_channel_after


# How far back a run of unanswered tries counts towards switching channel: about one window's retries.
RETRY_LOOKBACK_DAYS = 30


def unanswered_tries(client_ids: list[int], on: date) -> dict[int, list[Channel]]:
    """Per client, the channels of the tries since their last answered outreach (voicemail or no answer only),
    oldest first, within RETRY_LOOKBACK_DAYS: what decides whether the next try switches channel."""
    found: dict[int, list[Channel]] = {}
    for ids in chunks(sorted(set(client_ids))):
        rows = read_rows(_TRIES, {"ids": ids, "since": on - timedelta(days=RETRY_LOOKBACK_DAYS), "on": on})
        for client_id, channel, outcome in rows:
            if Outcome(outcome) in RETRY_OUTCOMES and channel in SWITCHABLE:
                found.setdefault(client_id, []).append(Channel(channel))
            else:
                found[client_id] = []  # an answer (or a visit) starts the count again
    return found


def planned_for(store_id: int, on: date) -> bool:
    """Whether the planner has laid out the store's days from `on` (its last plan is `on` or later)."""
    last = read_scalar(_LAST_PLANNED, {"store_id": store_id})
    return last is not None and last >= on


def day_cards(user: User, on: date) -> list[TodayCard]:
    """The associate's list for `on`: the day's plan ranked, then More pulled ahead from the next days' plan,
    at most list_limit(target) cards; on a day not planned yet, the best of what shows, cut the same way."""
    limit = list_limit(user.daily_target)
    if not planned_for(user.store_id, on):
        return ranked(user.store_id, on, user.id)[:limit]
    # Rows on this day's plan or a coming one that may show today (a later day's row can be pulled ahead).
    rows = db.session.execute(select(FollowUp.id, FollowUp.client_id, FollowUp.planned_on).where(
        *showing(user.store_id, on), FollowUp.assignee_id == user.id, FollowUp.planned_on >= on)).all()
    planned = {row.id: row.planned_on for row in rows}
    cards = ranked(user.store_id, on, user.id, client_ids=sorted({row.client_id for row in rows}))
    cards = [c for c in cards if any(fid in planned for fid in c.card.follow_up_ids)]
    day_of = {c.client_id: min(planned[fid] for fid in c.card.follow_up_ids if fid in planned) for c in cards}
    today = [c for c in cards if day_of[c.client_id] == on]  # ranked order kept
    ahead = sorted((c for c in cards if day_of[c.client_id] > on), key=lambda c: (day_of[c.client_id], -c.card.score))
    return today + ahead[: max(limit - len(today), 0)]


def done_count(user: User, on: date) -> int:
    """Clients this associate has contacted on `on` (any outcome: a ring that went unanswered was still work)."""
    return read_scalar(_DONE, {"user_id": user.id, "on": on}) or 0


def call_list(user: User, on: date, rows: int | None = None, done: int | None = None) -> CallList:
    """The associate's list for `on`: progress against target, today's cards, then the rest.

    With `rows`, only the first rows are ranked, from the list the worker kept (build_day_list), and
    `total` says how long the whole list is; without, the whole list is ranked now (exact, slower)."""
    done = done_count(user, on) if done is None else done
    if rows is None:
        return CallList(on, user.daily_target, done, day_cards(user, on))
    client_ids, total = top_client_ids(user, on, rows)
    cards = ranked(user.store_id, on, user.id, client_ids=client_ids)[:rows] if client_ids else []
    return CallList(on, user.daily_target, done, cards, total)


# --- the kept order ------------------------------------------------------------------------------------


def build_day_list(user: User, on: date, commit: bool = True) -> DayList:
    """Rank the associate's whole list for `on` once and keep the order (replacing an earlier build)."""
    watermark = db.session.scalar(select(func.max(FollowUp.id))) or 0  # read first: later rows are "newer"
    cards = [c.card for c in day_cards(user, on)]
    db.session.execute(delete(DayList).where(DayList.user_id == user.id,
                                             (DayList.listed_on == on) | (DayList.listed_on < on - timedelta(days=2))))
    listing = DayList(store_id=user.store_id, user_id=user.id, listed_on=on, max_follow_up_id=watermark,
                      cards=len(cards))
    db.session.add(listing)
    db.session.flush()
    values = [{"day_list_id": listing.id, "position": i, "client_id": c.client_id, "score": c.score}
              for i, c in enumerate(cards)]
    for batch in chunks(values):
        db.session.execute(insert(DayListCard), batch)
    if commit:
        db.session.commit()
    return listing


def build_day_lists(store_id: int, on: date) -> int:
    """After planning: every active associate's list for the day, in one commit. Returns the cards kept."""
    users = db.session.scalars(select(User).where(User.store_id == store_id, User.active.is_(True)))
    total = sum(build_day_list(user, on, commit=False).cards for user in users)
    db.session.commit()
    return total


def _listing(user: User, on: date) -> DayList:
    listing = db.session.scalar(_LISTING, {"user_id": user.id, "on": on})
    # The first Today of a day the worker has not planned yet (or a brand-new associate) builds it here.
    return listing if listing is not None else build_day_list(user, on)


def top_client_ids(user: User, on: date, rows: int) -> tuple[list[int], int]:
    """Clients whose cards may be among the first `rows` today, and about how many clients the list holds."""
    listing = _listing(user, on)
    # Clients this associate already logged today have left the list (or moved down): skip them in SQL, so a
    # busy afternoon (hundreds logged) still ranks a page of clients, not every one logged so far.
    # A day's contacts are tens, the list thousands: read the contacts, then probe the list for them (an
    # IN over the whole list made SQLite build a temporary index of every card first, 5 ms per request).
    logged_today = list(read_rows(_LOGGED_TODAY, {"user_id": user.id, "on": on}).scalars())
    logged = (read_scalar(_IN_LIST, {"day_list_id": listing.id, "ids": logged_today}) or 0) if logged_today else 0
    kept = list(read_rows(_KEPT, {"day_list_id": listing.id, "skip": logged_today, "limit": rows + SLACK}).scalars())
    # Only the id range in SQL: with the window conditions too, both databases prefer a window index and
    # read every follow-up of the store; the rows made since the build are few, so the rest is checked here.
    # On a planned day only a new row that carries today joins (a reason made during the day); rows a bulk
    # maker left for the next plan wait for it.
    planned = planned_for(user.store_id, on)
    newer = {row.client_id for row in read_rows(_NEWER, {"after": listing.max_follow_up_id})
        if row.store_id == user.store_id and row.assignee_id == user.id and shows(row, on)
        and (not planned or row.planned_on == on)}
    newer_elsewhere = len(newer) - ((read_scalar(_IN_LIST, {"day_list_id": listing.id, "ids": sorted(newer)}) or 0)
                                    if newer else 0)
    return list(dict.fromkeys([*kept, *newer])), max(listing.cards + newer_elsewhere - logged, 0)
