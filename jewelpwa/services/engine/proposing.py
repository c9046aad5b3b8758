"""Set-based candidate queries: which dates, purchases and clients could have a window open on a day.

SQL narrows the book to the rows whose window can hold `on` (by month-day, purchase date range, clock);
the pure domain then computes each window exactly. No loop over every client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, and_, cast, exists, false, func, literal, or_, select

from ...domain import cleaning as C
from ...domain import proposals as P
from ...domain.cadence import CADENCE_KINDS, ItemFacts, purchase_cadence
from ...domain.occasions import month_days_between
from ...domain.proposals import dedupe_key
from ...domain.settings import PACE_WINDOW_DAYS, TOUCH_GOAL, EngineSettings
from ...domain.vocab import (
    TOUCH_OUTCOMES,
    AppointmentKind,
    AppointmentStatus,
    DateKind,
    ItemCategory,
    Kind,
    Relation,
    Tier,
)
from ...domain.windows import window_for
from ...extensions import db
from ...models import (
    Appointment,
    Client,
    ImportantDate,
    Outreach,
    Person,
    Purchase,
    PurchaseItem,
    Referral,
    StoreEvent,
)
from ..batching import among
from ..errors import Invalid
from .client_filter import ClientFilter, conditions

log = logging.getLogger(__name__)

YEARLY_KINDS = (Kind.ANNIVERSARY, Kind.BIRTHDAY, Kind.PARTNER_BIRTHDAY, Kind.FAMILY_DATE)


@dataclass(frozen=True)
class Found:
    """A proposal for one client, with the associate who will own it."""

    client_id: int
    assignee_id: int | None
    proposal: P.Proposal


def _contactable(store_id: int):
    """Marketing follow-ups are never made for do-not-contact or erased clients."""
    return and_(Client.store_id == store_id, Client.do_not_contact.is_(false()), Client.erased_at.is_(None))


def made_sources(known: set[str]) -> set[str]:
    """"kind:source" of each dedupe key (the occasion day cut off): what already has a follow-up in window.

    Every proposal found on a day has a window holding it, and a source has at most one such window per
    kind, so a known "kind:source" means its proposal exists: the candidate loops skip it before computing
    any window (on a steady day that is nearly every row). A key with a qualifier never matches here and is
    simply computed and found known later.
    """
    return {key.rsplit(":", 1)[0] for key in known}


def yearly_kind(person_id: int | None, relation: str | None, date_kind: str) -> Kind:
    if person_id is None:
        return {DateKind.ANNIVERSARY: Kind.ANNIVERSARY, DateKind.BIRTHDAY: Kind.BIRTHDAY}.get(
            DateKind(date_kind), Kind.FAMILY_DATE)
    if relation == Relation.PARTNER and date_kind == DateKind.BIRTHDAY:
        return Kind.PARTNER_BIRTHDAY
    return Kind.FAMILY_DATE


def yearly_dates(store_id: int, on: date, settings: EngineSettings, made: set[str] | None = None) -> Iterator[Found]:
    """Birthdays, anniversaries, partners' and family dates whose window holds `on` (not in `made`)."""
    rules = [settings.windows[k] for k in YEARLY_KINDS]
    # The occasion lies in [on - expires, on - opens] for some kind: only those month-days can qualify.
    first = on - timedelta(days=max(r.expires for r in rules))
    last = on - timedelta(days=min(r.opens for r in rules))
    mds = sorted(m * 100 + d for m, d in month_days_between(first, last))
    query = (
        select(ImportantDate.id, ImportantDate.client_id, ImportantDate.person_id, ImportantDate.kind,
               ImportantDate.label, ImportantDate.month, ImportantDate.day, ImportantDate.year,
               Person.name, Person.relation, Client.assigned_to_id)
        .join(Client, Client.id == ImportantDate.client_id)
        .outerjoin(Person, Person.id == ImportantDate.person_id)
        .where(_contactable(store_id), ImportantDate.store_id == store_id, ImportantDate.md.in_(mds))
    )
    return _yearly_found(db.session.execute(query).all(), on, settings, made or set())


def _yearly_found(rows, on: date, settings: EngineSettings, made: set[str]) -> Iterator[Found]:  # noqa: ANN001
    for row in rows:
        kind = yearly_kind(row.person_id, row.relation, row.kind)
        if f"{kind}:date:{row.id}" in made:
            continue
        detail = {k: v for k, v in (("name", row.name), ("label", row.label)) if v}
        found = P.yearly_date_proposal(kind=kind, source=f"date:{row.id}", month=row.month, day=row.day,
                                       year=row.year, on=on, settings=settings, detail=detail)
        if found is not None:
            yield Found(row.client_id, row.assigned_to_id, found)


def seasonal(store_id: int, on: date, settings: EngineSettings, made: set[str] | None = None) -> Iterator[Found]:
    """Valentine's (clients with a partner), Mother's Day (with children or a mother), the holiday list."""
    made = made or set()
    has_partner = exists().where(Person.client_id == Client.id, Person.relation == Relation.PARTNER)
    has_family = exists().where(Person.client_id == Client.id, Person.relation.in_([Relation.CHILD, Relation.PARENT]))
    for make, condition in ((P.valentines_proposal, has_partner), (P.mothers_day_proposal, has_family),
                            (P.holiday_list_proposal, None)):
        season = make(0, on, settings)
        if season is None:  # the season is closed: no need to ask the database
            continue
        query = select(Client.id, Client.assigned_to_id).where(_contactable(store_id))
        if condition is not None:
            query = query.where(condition)
        for client_id, assignee_id in db.session.execute(query):
            if f"{season.kind}:client:{client_id}" not in made and (found := make(client_id, on, settings)) is not None:
                yield Found(client_id, assignee_id, found)


def reconnects(store_id: int, on: date, settings: EngineSettings, made: set[str] | None = None) -> Iterator[Found]:
    """Clients without a conversation for their reconnect period (not in `made`).

    The period is the tier's clock, or the pace clock for a client short of TOUCH_GOAL touches in the last
    PACE_WINDOW_DAYS (EngineSettings.reconnect_every): the touches are one grouped read of the store's
    outreaches of those days (index on store_id, occurred_on), outer-joined to the clients; no per-client
    query.
    """
    made = made or set()
    rule = settings.windows[Kind.RECONNECT]
    clock = func.coalesce(Client.last_reached_on, Client.first_seen_on)
    days = _days_between(clock, on)

    def in_a_window(every: int):
        # The clock repeats every `every` days: a window holds `on` only when the days since the clock fall
        # inside one cycle's window. Said in SQL, about a third of the quiet clients are read instead of
        # every client past its first period (the rest are between two windows).
        return and_(days >= every + rule.opens, (days - rule.opens) % every <= rule.expires - rule.opens)

    paced = {tier: settings.reconnect_every(tier, 0) for tier in settings.reconnect_days}
    if all(paced[tier] == every for tier, every in settings.reconnect_days.items()):
        # The pace rule changes no tier's clock (turned off, or every tier's clock already as short).
        touched = None
        touches: ColumnElement[int | None] = literal(None, Integer)
        clocks = or_(*[and_(Client.tier == str(tier), in_a_window(every))
                       for tier, every in settings.reconnect_days.items()])
    else:
        touched = pace_touches(store_id, on).subquery("touched")
        touches = func.coalesce(touched.c.touches, 0)
        behind = touches < TOUCH_GOAL
        clocks = or_(*[
            and_(Client.tier == str(tier), in_a_window(every)) if paced[tier] == every else
            and_(Client.tier == str(tier), or_(and_(behind, in_a_window(paced[tier])),
                                               and_(~behind, in_a_window(every))))
            for tier, every in settings.reconnect_days.items()])
    query = select(Client.id, Client.assigned_to_id, Client.last_reached_on, Client.first_seen_on, Client.tier,
                   touches.label("touches"))
    if touched is not None:
        query = query.outerjoin(touched, touched.c.client_id == Client.id)
    query = query.where(_contactable(store_id), clocks)
    return _reconnects_found(db.session.execute(query).all(), on, settings, made)


def _reconnects_found(rows, on: date, settings: EngineSettings, made: set[str]) -> Iterator[Found]:  # noqa: ANN001
    for row in rows:
        if f"reconnect:client:{row.id}" in made:
            continue
        found = P.reconnect_proposal(row.id, row.last_reached_on, row.first_seen_on, Tier(row.tier), on, settings,
                                     pace_touches=row.touches)
        if found is not None:
            yield Found(row.id, row.assigned_to_id, found)


def pace_touches(store_id: int, on: date):
    """Touches per client in the PACE_WINDOW_DAYS up to `on`: the one count both pace rules read, joined here
    for the reconnect clock and read whole by the planner for ranking's lift (gating.touch_counts)."""
    return (
        select(Outreach.client_id, func.count().label("touches"))
        .where(Outreach.store_id == store_id, Outreach.occurred_on > on - timedelta(days=PACE_WINDOW_DAYS),
               Outreach.occurred_on <= on, Outreach.outcome.in_([o.value for o in TOUCH_OUTCOMES]))
        .group_by(Outreach.client_id)
    )


def _days_between(start, on: date):
    """Whole days from the date column `start` to `on`, in the bind's SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(literal(on, Date) - start, Integer)  # date - date is an integer of days
    return cast(func.julianday(literal(on.isoformat())) - func.julianday(start), Integer)


def cadence_candidates(store_id: int, on: date, settings: EngineSettings) -> list[tuple[int, int, int | None, date]]:
    """Purchases with a cadence window holding `on`: (purchase id, client id, assignee, purchased on)."""
    ranges = [(on - timedelta(days=settings.windows[k].expires), on - timedelta(days=settings.windows[k].opens))
              for k in CADENCE_KINDS]
    query = (
        select(Purchase.id, Purchase.client_id, func.coalesce(Client.assigned_to_id, Purchase.associate_id),
               Purchase.purchased_on)
        .join(Client, Client.id == Purchase.client_id)
        .where(_contactable(store_id), Purchase.store_id == store_id,
               or_(*[Purchase.purchased_on.between(a, b) for a, b in ranges]))
    )
    return [(pid, cid, assignee, on_day) for pid, cid, assignee, on_day in db.session.execute(query)]


def items_by_purchase(purchase_ids: list[int]) -> dict[int, list[ItemFacts]]:
    items: dict[int, list[ItemFacts]] = {pid: [] for pid in purchase_ids}
    for wanted in among(PurchaseItem.purchase_id, purchase_ids):
        rows = db.session.execute(
            select(PurchaseItem.purchase_id, PurchaseItem.category, PurchaseItem.metal, PurchaseItem.stone,
                   PurchaseItem.description).where(wanted)
            .order_by(PurchaseItem.purchase_id, PurchaseItem.price.desc()))
        for row in rows:
            items[row.purchase_id].append(ItemFacts(row.category, row.metal, row.stone, row.description))
    return items


def cadence(store_id: int, on: date, settings: EngineSettings, known: set[str] | None = None) -> Iterator[Found]:
    """Check-in, care, new arrivals, purchase anniversary whose window holds `on`.

    Item facts are read only for purchases with a key not yet known, so a steady-state day reads few items.
    """
    candidates = cadence_candidates(store_id, on, settings)
    # Keys first, without items or care advice: only purchases missing a key need the full cadence.
    open_kinds = {purchased_on: [k for k in CADENCE_KINDS if window_for(k, purchased_on, settings).contains(on)]
                  for purchased_on in {c[3] for c in candidates}}
    wanted = [pid for pid, _, _, purchased_on in candidates
              if any(known is None or dedupe_key(k, f"purchase:{pid}", purchased_on) not in known
                     for k in open_kinds[purchased_on])]
    return _cadence_found(candidates, items_by_purchase(wanted), on, settings)


def _cadence_found(candidates, items, on: date, settings: EngineSettings) -> Iterator[Found]:  # noqa: ANN001
    for pid, client_id, assignee_id, purchased_on in candidates:
        if pid not in items:
            continue
        for proposal in purchase_cadence(pid, purchased_on, items[pid], settings, holding=on):
            yield Found(client_id, assignee_id, proposal)


def sources(store_id: int, on: date, settings: EngineSettings, known: set[str]) -> list[Iterable[Found]]:
    """Every candidate query of a plan, run now; the big sources make their follow-ups as they are iterated.

    The planner streams those follow-ups into the database as they are made, so the reads must all be done
    before the first row is written: on PostgreSQL the server then inserts one batch while Python computes
    the next (a store's first plan makes 900k follow-ups at 1M clients). The small sources are made at once.
    """
    made = made_sources(known)
    return [
        yearly_dates(store_id, on, settings, made),
        list(seasonal(store_id, on, settings, made)),
        reconnects(store_id, on, settings, made),
        list(referrals(store_id, on, settings)),
        list(store_events(store_id, on)),
        cadence(store_id, on, settings, known=known),
        list(cleanings(store_id, on, settings, made)),
    ]


def referrals(store_id: int, on: date, settings: EngineSettings) -> Iterator[Found]:
    """Thanks to the referrer: when the referral was recorded, and at the referred client's first purchase."""
    rule = settings.windows[Kind.REFERRAL_THANKS]
    since = on - timedelta(days=rule.expires)
    referrer = Client.__table__.alias("referrer")
    recorded = (
        select(Referral.id, Referral.referrer_id, referrer.c.assigned_to_id, Referral.recorded_on)
        .join(referrer, referrer.c.id == Referral.referrer_id)
        .where(Referral.store_id == store_id, Referral.recorded_on.between(since, on),
               referrer.c.do_not_contact.is_(false()), referrer.c.erased_at.is_(None))
    )
    for row in db.session.execute(recorded):
        found = P.referral_thanks_proposal(row.id, row.recorded_on, on, settings)
        if found is not None:
            yield Found(row.referrer_id, row.assigned_to_id, found)
    first_purchase = (
        select(Referral.id, Referral.referrer_id, referrer.c.assigned_to_id, func.min(Purchase.purchased_on).label("first_on"))
        .join(referrer, referrer.c.id == Referral.referrer_id)
        .join(Purchase, Purchase.client_id == Referral.referred_id)
        .where(Referral.store_id == store_id, referrer.c.do_not_contact.is_(false()), referrer.c.erased_at.is_(None))
        .group_by(Referral.id, Referral.referrer_id, referrer.c.assigned_to_id)
        .having(func.min(Purchase.purchased_on).between(since, on))
    )
    for row in db.session.execute(first_purchase):
        found = P.referral_thanks_proposal(row.id, row.first_on, on, settings, reason="first_purchase")
        if found is not None:
            yield Found(row.referrer_id, row.assigned_to_id, found)


def store_events(store_id: int, on: date) -> Iterator[Found]:
    """Invitations to events whose invite window holds `on`, for clients matching the event's filter."""
    events = db.session.scalars(select(StoreEvent).where(
        StoreEvent.store_id == store_id, StoreEvent.invite_on <= on, StoreEvent.event_on >= on))
    # The owner's filter, read exactly as the events page counted it.
    for event in events:
        try:
            wanted = ClientFilter.from_dict(event.client_filter)
        except (Invalid, ValueError) as exc:
            # A filter this code cannot read invites nobody (never everybody), and the rest of the plan goes on.
            log.warning("store event %s: client filter not read, no invitations made: %s", event.id,
                        getattr(exc, "errors", None) or exc)
            continue
        query = select(Client.id, Client.assigned_to_id).where(_contactable(store_id), *conditions(store_id, wanted))
        for client_id, assignee_id in db.session.execute(query):
            found = P.store_event_proposal(event.id, client_id, event.invite_on, event.event_on, on)
            if found is not None:
                yield Found(client_id, assignee_id, P.Proposal(
                    found.kind, found.window, found.occasion_on, found.dedupe_key, found.source, {"what": event.name}))


def _benefits(item: Any) -> ColumnElement[bool]:
    """domain.cleaning.benefits_from_cleaning said in SQL, from the same word lists (`item`: a purchase_items alias)."""
    def has(column, words):
        return [func.lower(column).like(f"%{word}%") for word in words]

    item = item.c
    category = func.lower(func.coalesce(item.category, ""))
    return and_(category != ItemCategory.REPAIR.value,
                or_(category.in_(C.CATEGORIES), *has(item.stone, C.STONES), *has(item.metal, C.METALS),
                    *has(item.description, C.DESCRIPTION_WORDS)))


def cleanings(store_id: int, on: date, settings: EngineSettings, made: set[str] | None = None) -> Iterator[Found]:
    """Free cleaning offers: the client's latest purchase of a piece that benefits, at each six-month mark.

    First the candidates: each contactable client's latest purchase with a piece that benefits (one pass
    over the store's purchases, numbered per client newest first), kept when it falls on the days whose
    six-month marks can open a window today. Those whose offer is already made are skipped; for the few left
    (all of them on a store's first plan) the pieces and any cleaning booked or done in the last six months
    are read, and domain.cleaning decides each window exactly. It used to ask, for every purchase in range,
    whether a later piece existed: 600k probe chains at 1M clients (12 s on PostgreSQL), now about 4 s.
    """
    made = made or set()
    item = PurchaseItem.__table__.alias("item")
    newest_first = func.row_number().over(partition_by=Purchase.client_id,
                                          order_by=(Purchase.purchased_on.desc(), Purchase.id.desc()))
    pieces = (select(Purchase.id, Purchase.client_id, Purchase.purchased_on, newest_first.label("nth"))
              .join(item, item.c.purchase_id == Purchase.id)
              .where(Purchase.store_id == store_id, _benefits(item)).subquery())
    latest = (select(pieces.c.id, pieces.c.purchased_on).join(Client, Client.id == pieces.c.client_id)
              .where(_contactable(store_id), pieces.c.nth == 1,
                     or_(*[pieces.c.purchased_on.between(first, last)
                           for first, last in C.purchase_ranges(on, settings)])))
    wanted = sorted({pid for pid, purchased_on in db.session.execute(latest)
                     if f"{Kind.CLEANING}:purchase:{pid}" not in made and C.offer_window(purchased_on, on, settings)})
    for chunk in among(Purchase.id, wanted):
        yield from _cleaning_offers(chunk, on, settings)


def _cleaning_offers(wanted, on: date, settings: EngineSettings) -> Iterator[Found]:  # noqa: ANN001
    """The offers of the candidate purchases (`wanted`: a batching.among condition on purchases.id), unless the
    client has a cleaning booked or had one lately."""
    item = PurchaseItem.__table__.alias("item")
    since = datetime.combine(on - timedelta(days=C.RECENT_CLEANING_DAYS), time.min, tzinfo=UTC)
    cleaning = and_(Appointment.client_id == Client.id, Appointment.kind == AppointmentKind.CLEANING.value)
    booked = exists().where(cleaning, Appointment.status == AppointmentStatus.BOOKED.value)
    cleaned = exists().where(cleaning, Appointment.status == AppointmentStatus.DONE.value, Appointment.starts_at >= since)
    query = (
        select(Purchase.id, Purchase.client_id, func.coalesce(Client.assigned_to_id, Purchase.associate_id),
               Purchase.purchased_on, item.c.category, item.c.metal, item.c.stone, item.c.description)
        .join(Client, Client.id == Purchase.client_id)
        .join(item, item.c.purchase_id == Purchase.id)
        .where(wanted, _benefits(item), ~booked, ~cleaned)
        .order_by(Purchase.id, item.c.price.desc())
    )
    seen: set[int] = set()
    for pid, client_id, assignee_id, purchased_on, *facts in db.session.execute(query):
        if pid in seen:
            continue
        seen.add(pid)  # the dearest piece of the purchase names it
        found = C.cleaning_proposal(C.CleaningFacts(pid, purchased_on, ItemFacts(*facts)), on, settings)
        if found is not None:
            yield Found(client_id, assignee_id, found)
