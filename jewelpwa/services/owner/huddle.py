"""The owner's huddles: each associate's day ahead in the morning, and how it went in the evening."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select

from ...clock import store_now
from ...domain.client_columns import display_name
from ...domain.inputs import iso_date
from ...domain.ranking import Candidate, Card, rank_day, score
from ...domain.settings import EngineSettings
from ...domain.vocab import AppointmentKind, AppointmentStatus, Kind, Role, Status, Tier
from ...domain.windows import Window
from ...extensions import db
from ...models import (
    Appointment,
    Client,
    DayList,
    DayListCard,
    FollowUp,
    Outreach,
    OutreachFollowUp,
    Store,
    User,
)
from ..access import require_manager
from ..engine.day_lists import list_limit, planned_for, ranked
from ..engine.gating import LIVE, SHOWING_COLUMNS, showing, shows
from ..errors import Invalid
from .team_report import Figures, results_by_user

MORNING, EVENING = "morning", "evening"
# The morning huddle is before opening; by mid-afternoon the owner wants the day's results instead.
EVENING_FROM = time(14, 0)
TOP = 3
# Ranking a whole book's lists costs seconds at 50,000 clients; the huddle needs three rows per associate.
# Candidates are scored one by one (cheap), and only the best few clients are ranked into cards (reason
# texts, bundling). A client's card scores at least its best reason, so the top cards come from these.
SHORTLIST = 12
# The stored list is read a page at a time for its first milestones, at most MAX_SCAN clients deep.
SCAN_PAGE, MAX_SCAN = 50, 2000
MILESTONE_KINDS = (Kind.ANNIVERSARY.value, Kind.BIRTHDAY.value, Kind.PARTNER_BIRTHDAY.value)
PLURAL = {Kind.ANNIVERSARY.value: "Anniversaries", Kind.BIRTHDAY.value: "Birthdays",
          Kind.PARTNER_BIRTHDAY.value: "Partners' birthdays"}
# The reasons of a closed follow-up (its note) as the owner reads them; a note not listed shows as written.
CLOSE_REASONS = {"do not contact": "Do not contact", "no channel the client accepts": "No channel the client accepts",
                 "client asked not to be contacted": "Asked not to be contacted", "client erased": "Client erased",
                 "repair cancelled": "Repair cancelled"}
# Each associate's closed follow-ups are listed in the huddle up to this many per group; the count is always whole.
CLOSED_LISTED = 100


@dataclass(frozen=True)
class Booking:
    starts_at: datetime  # store-local
    client_id: int
    client_name: str
    kind: str

    @property
    def what(self) -> str:
        return AppointmentKind(self.kind).value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class TopCard:
    client_id: int
    client_name: str
    card: Card
    phone: str | None = None  # printed on the call sheet

    @property
    def reasons(self):
        return self.card.reasons


@dataclass
class ClosedClient:
    """A client whose follow-ups were closed unreached on the day for one reason (one outcome can close several)."""
    client_id: int
    client_name: str
    reason: str
    kinds: list[str] = field(default_factory=list)

    @property
    def what(self) -> str:
        return ", ".join(Kind(kind).value.replace("_", " ").capitalize() for kind in self.kinds)


@dataclass
class Closed:
    """Clients whose follow-ups were closed unreached on the day, by reason: by the associate's own outcomes, or
    by the rules. Counted in clients, as the huddle counts contacts."""
    count: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # reason -> clients, most first
    listed: list[ClosedClient] = field(default_factory=list)  # the first CLOSED_LISTED, by reason then name
    unlisted: int = 0  # lines past CLOSED_LISTED


@dataclass
class Associate:
    user_id: int
    name: str
    target: int
    list_length: int = 0
    top: list[TopCard] = field(default_factory=list)
    appointments: list[Booking] = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)
    left_open: int = 0
    # "Skipped" is what the associate's outcomes closed (no answer after the last try, asked not to be contacted);
    # what the contact rules or the store closed is counted apart: the associate did not skip it.
    skipped: Closed = field(default_factory=Closed)
    closed_by_rules: Closed = field(default_factory=Closed)

    @property
    def short(self) -> int:
        """Clients still to contact to reach the target (evening)."""
        return max(self.target - self.figures.clients, 0)


@dataclass
class Huddle:
    on: date
    view: str
    is_today: bool
    associates: list[Associate]
    in_window: dict[str, int]  # kind label -> open follow-ups whose window holds the day
    store: Figures = field(default_factory=Figures)

    @property
    def revenue(self) -> Decimal:
        return self.store.revenue


def _day_bounds(tz: ZoneInfo, on: date) -> tuple[datetime, datetime]:
    start = datetime.combine(on, time(0), tz)
    return start, start + timedelta(days=1)


def huddle_args(now_local: datetime, view: str | None, on: str | None) -> tuple[str, date]:
    """Which huddle and which day: morning before 2 pm store time, evening after; Invalid on a bad date or tab."""
    errors = {}
    if view not in (None, "", MORNING, EVENING):
        errors["view"] = "Choose the morning or the evening huddle."
    day = now_local.date()
    if on:
        found = iso_date(on)
        if found is None:
            errors["date"] = "Enter a date as YYYY-MM-DD."
        else:
            day = found
    if errors:
        raise Invalid("That huddle cannot be shown.", errors)
    if not view:
        view = EVENING if day < now_local.date() or now_local.time() >= EVENING_FROM else MORNING
    return view, day


def _associates(store_id: int) -> list[Associate]:
    rows = db.session.execute(select(User.id, User.name, User.daily_target).where(
        User.store_id == store_id, User.active.is_(True), User.role == Role.ASSOCIATE).order_by(User.name))
    return [Associate(row.id, row.name, row.daily_target) for row in rows]


def _appointments(store_id: int, tz: ZoneInfo, on: date) -> dict[int, list[Booking]]:
    start, end = _day_bounds(tz, on)
    rows = db.session.execute(
        select(Appointment.user_id, Appointment.starts_at, Appointment.kind, Client.id, Client.first_name,
               Client.last_name)
        .join(Client, Client.id == Appointment.client_id)
        .where(Appointment.store_id == store_id, Appointment.starts_at >= start, Appointment.starts_at < end,
               Appointment.status != AppointmentStatus.CANCELLED.value)
        .order_by(Appointment.starts_at))
    found: dict[int, list[Booking]] = defaultdict(list)
    for row in rows:
        found[row.user_id].append(Booking(row.starts_at.astimezone(tz), row.id, display_name(row.first_name, row.last_name),
                                          row.kind))
    return found


def _expiring_by(store: Store, on: date) -> date:
    """The latest a milestone follow-up open on `on` can expire: its window is never longer than the store's rule.

    Milestone windows are a few weeks long, so this bound turns a scan of every live follow-up into a short
    range on the (store_id, expires_on) index.
    """
    windows = EngineSettings.from_dict(store.settings or {}).windows
    return on + timedelta(days=max(windows[Kind(k)].expires - windows[Kind(k)].opens for k in MILESTONE_KINDS))


def _in_window(store: Store, on: date) -> dict[str, int]:
    """Store-wide open anniversary and birthday follow-ups whose window holds `on`, by kind."""
    rows = dict(db.session.execute(
        select(FollowUp.kind, func.count()).where(
            FollowUp.store_id == store.id, FollowUp.kind.in_(MILESTONE_KINDS), FollowUp.status.in_(LIVE),
            FollowUp.opens_on <= on, FollowUp.expires_on >= on, FollowUp.expires_on <= _expiring_by(store, on))
        .group_by(FollowUp.kind)).all())
    return {PLURAL[kind]: rows.get(kind, 0) for kind in MILESTONE_KINDS}


def _list_lengths(store_id: int, on: date, targets: dict[int, int]) -> dict[int, int]:
    """Clients on each associate's list for `on` (in the evening: the ones not contacted or moved): the day's
    plan; on a day not planned yet, what Today would show (the best of what is showing, cut at list_limit)."""
    planned = planned_for(store_id, on)
    conditions = (*showing(store_id, on), FollowUp.planned_on == on) if planned else showing(store_id, on)
    rows = db.session.execute(select(FollowUp.assignee_id, func.count(func.distinct(FollowUp.client_id)))
                              .where(*conditions).group_by(FollowUp.assignee_id))
    return {assignee: n if planned else min(n, list_limit(targets.get(assignee, n)))
            for assignee, n in rows if assignee is not None}


def _top_milestones(store: Store, on: date, user_ids: list[int]) -> dict[int, list[TopCard]]:
    """Each associate's three best-ranked clients with an anniversary or birthday on today's list."""
    rows = db.session.execute(
        select(FollowUp.id, FollowUp.client_id, FollowUp.assignee_id, FollowUp.kind, FollowUp.opens_on,
               FollowUp.due_on, FollowUp.expires_on, FollowUp.occasion_on, FollowUp.detail, Client.tier)
        .join(Client, Client.id == FollowUp.client_id)
        .where(*showing(store.id, on), FollowUp.kind.in_(MILESTONE_KINDS), FollowUp.assignee_id.in_(user_ids),
               FollowUp.expires_on <= _expiring_by(store, on)))
    by_user: dict[int, list[Candidate]] = defaultdict(list)
    kinds, tiers = {k: Kind(k) for k in MILESTONE_KINDS}, {t.value: t for t in Tier}  # thousands of rows
    for row in rows:
        by_user[row.assignee_id].append(Candidate(
            row.id, row.client_id, kinds[row.kind], Window(row.opens_on, row.due_on, row.expires_on), row.occasion_on,
            tiers[row.tier], row.detail or {}))
    cards: dict[int, list[Card]] = {}
    for user_id, candidates in by_user.items():
        best: dict[int, float] = {}
        for c in candidates:
            best[c.client_id] = max(best.get(c.client_id, 0.0), score(c, on))
        shortlist = set(sorted(best, key=lambda client_id: best[client_id], reverse=True)[:SHORTLIST])
        cards[user_id] = rank_day([c for c in candidates if c.client_id in shortlist], on)[:TOP]
    ids = {card.client_id for top in cards.values() for card in top}
    found = {row.id: row for row in db.session.execute(
        select(Client.id, Client.first_name, Client.last_name, Client.phone).where(Client.id.in_(ids)))} if ids else {}

    def top_card(card: Card) -> TopCard:
        row = found[card.client_id]
        return TopCard(card.client_id, display_name(row.first_name, row.last_name), card, row.phone)

    return {user_id: [top_card(c) for c in top] for user_id, top in cards.items()}


def _first_with_milestone(day_list_id: int, user_id: int, on: date) -> list[int]:
    """The first TOP clients of a stored list, in its order, with an anniversary or birthday showing today.

    Read a page of the list at a time and probe those clients' follow-ups by client: milestones weigh most, so
    the first page nearly always holds them. (One query with EXISTS let PostgreSQL hash every milestone of the
    store first: 70 ms an associate.)"""
    found: list[int] = []
    for offset in range(0, MAX_SCAN, SCAN_PAGE):
        page = list(db.session.scalars(select(DayListCard.client_id).where(DayListCard.day_list_id == day_list_id)
                                       .order_by(DayListCard.position).offset(offset).limit(SCAN_PAGE)))
        if not page:
            break
        with_milestone = {row.client_id for row in db.session.execute(
            select(FollowUp.client_id, FollowUp.assignee_id, FollowUp.kind, *SHOWING_COLUMNS)
            .where(FollowUp.client_id.in_(page), FollowUp.status.in_(LIVE)))
            if row.assignee_id == user_id and row.kind in MILESTONE_KINDS and shows(row, on)}
        found += [client_id for client_id in page if client_id in with_milestone]
        if len(found) >= TOP:
            break
    return found[:TOP]


def _from_day_lists(store: Store, on: date, user_ids: list[int]) -> tuple[dict[int, int], dict[int, list[TopCard]]]:
    """List lengths and top milestones read from the lists the planner ranked this morning (services.day_lists).

    Walking one associate's stored order until three clients with a milestone turn up costs a few index probes;
    scoring every milestone in the store (thousands of rows with their details) cost 100-300 ms at 50,000
    clients. Follow-ups made after the build (ids above its watermark) are ranked in, as Today does. Associates
    whose list was not built (a day not planned yet) are left out, for the caller to compute.
    """
    listings = db.session.execute(select(DayList.id, DayList.user_id, DayList.cards, DayList.max_follow_up_id)
                                  .where(DayList.user_id.in_(user_ids), DayList.listed_on == on)).all()
    lengths, tops = {}, {}
    for listing in listings:
        first = _first_with_milestone(listing.id, listing.user_id, on)
        # Only the id range in SQL (see services.day_lists.top_client_ids): the rows made since the build are few.
        newer = [row.client_id for row in db.session.execute(
            select(FollowUp.client_id, FollowUp.store_id, FollowUp.assignee_id, FollowUp.kind)
            .where(FollowUp.id > listing.max_follow_up_id))
            if row.store_id == store.id and row.assignee_id == listing.user_id and row.kind in MILESTONE_KINDS]
        cards = ranked(store.id, on, listing.user_id, client_ids=list(dict.fromkeys([*first, *newer])))
        with_milestone = [c for c in cards if any(r.kind.value in MILESTONE_KINDS for r in c.card.reasons)]
        lengths[listing.user_id] = listing.cards
        tops[listing.user_id] = [TopCard(c.client.id, c.client.display_name, c.card, c.client.phone)
                                 for c in with_milestone[:TOP]]
    return lengths, tops


def _reason(note: str | None) -> str:
    text = (note or "").strip()
    if text.startswith("no answer after"):
        return text.replace("no answer", "No answer", 1)
    return CLOSE_REASONS.get(text, text.capitalize() or "No reason recorded")


def _closed(store_id: int, tz: ZoneInfo, on: date) -> dict[tuple[int, bool], Closed]:
    """(associate, by their own outcome) -> the clients whose follow-ups were closed as skipped on the day, by reason.

    A follow-up an outcome closed is linked to that outreach (outreach_follow_ups); one the planner's contact gate,
    a do-not-contact edit, an erasure or a cancelled repair closed has no outreach by its assignee behind it.
    """
    start, end = _day_bounds(tz, on)
    by_outcome = exists().where(OutreachFollowUp.follow_up_id == FollowUp.id,
                                Outreach.id == OutreachFollowUp.outreach_id,
                                Outreach.user_id == FollowUp.assignee_id)
    rows = db.session.execute(
        select(FollowUp.assignee_id, FollowUp.note, FollowUp.kind, by_outcome.label("by_outcome"), Client.id,
               Client.first_name, Client.last_name)
        .join(Client, Client.id == FollowUp.client_id)
        .where(FollowUp.store_id == store_id, FollowUp.status == Status.SKIPPED.value,
               FollowUp.closed_at >= start, FollowUp.closed_at < end, FollowUp.assignee_id.is_not(None)))
    grouped: dict[tuple[int, bool], dict[tuple[int, str], ClosedClient]] = defaultdict(dict)
    for row in rows:
        reason = _reason(row.note)
        item = grouped[(row.assignee_id, bool(row.by_outcome))].setdefault(
            (row.id, reason), ClosedClient(row.id, display_name(row.first_name, row.last_name), reason))
        item.kinds.append(row.kind)
    found = {}
    for key, by_client in grouped.items():
        items = list(by_client.values())
        reasons: dict[str, int] = defaultdict(int)
        for item in items:
            item.kinds.sort()
            reasons[item.reason] += 1
        order = sorted(reasons, key=lambda r: (-reasons[r], r))
        items.sort(key=lambda i: (order.index(i.reason), i.client_name.casefold(), i.client_id))
        found[key] = Closed(len({i.client_id for i in items}), {r: reasons[r] for r in order}, items[:CLOSED_LISTED],
                            max(len(items) - CLOSED_LISTED, 0))
    return found


def huddle(actor: User, view: str | None = None, on: str | None = None, now: datetime | None = None) -> Huddle:
    """Morning: list length against target, top reasons, appointments; evening: contacts, outcomes, revenue."""
    require_manager(actor)
    store = actor.store
    now_local = store_now(store, now)
    view, day = huddle_args(now_local, view, on)
    tz = ZoneInfo(store.timezone)
    people = _associates(store.id)
    result = Huddle(day, view, day == now_local.date(), people, _in_window(store, day) if view == MORNING else {})
    bookings = _appointments(store.id, tz, day)
    for person in people:
        person.appointments = bookings.get(person.user_id, [])
    targets = {p.user_id: p.target for p in people}
    if view == MORNING:
        lengths, tops = _from_day_lists(store, day, [p.user_id for p in people])
        unlisted = [p.user_id for p in people if p.user_id not in lengths]
        if unlisted:
            tops.update(_top_milestones(store, day, unlisted))
        if planned_for(store.id, day):
            # "On the list" is the day's plan for everyone alike (a kept list also holds the rows More pulls ahead).
            lengths = {**lengths, **_list_lengths(store.id, day, targets)}
        elif unlisted:  # a day not planned yet: a kept list's length stands, the others are counted
            lengths = {**_list_lengths(store.id, day, targets), **lengths}
        for person in people:
            person.list_length, person.top = lengths.get(person.user_id, 0), tops.get(person.user_id, [])
        return result
    lengths = _list_lengths(store.id, day, targets)
    figures = results_by_user(store.id, day, day)
    closed = _closed(store.id, tz, day)
    for person in people:
        person.figures = figures.get(person.user_id, Figures())
        person.left_open = lengths.get(person.user_id, 0)
        person.skipped = closed.get((person.user_id, True), Closed())
        person.closed_by_rules = closed.get((person.user_id, False), Closed())
    for row in figures.values():
        result.store.add(row)
    return result
