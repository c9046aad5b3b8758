"""What talking points and opening lines may mention, read for many clients in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, Date, String, and_, bindparam, cast, func, literal, or_, select

from ...clock import utcnow
from ...domain.cadence import ItemFacts, piece_name
from ...domain.line_rules import Caller, is_gift, is_no_pitch
from ...domain.locales import StoreLocale
from ...domain.opening import opening_line
from ...domain.ranking import Reason
from ...domain.settings import EngineSettings
from ...domain.share import WishListFacts
from ...domain.talking import ClientFacts, Gift, HolidayGift
from ...domain.vocab import Channel, DateKind, Kind, Relation, Status
from ...models import (
    Client,
    FollowUp,
    ImportantDate,
    Person,
    Purchase,
    PurchaseItem,
    ShareLink,
    Store,
    TradeUpCredit,
    User,
    WishItem,
)
from ..batching import chunks
from ..rows import read_rows

OPENING_CHANNELS = (Channel.CALL, Channel.TEXT, Channel.EMAIL)
# Gifts are read this far back: a cleaning offer follows a piece for five years (domain.cleaning).
GIFT_YEARS = 5
# A holiday list saved at the counter dates its follow-ups by Dec 24 (domain.seasons): one this close ahead is
# this season's list.
HOLIDAY_AHEAD_DAYS = 60
_LIVE = (Status.OPEN.value, Status.SNOOZED.value)


def _first(name: str | None) -> str | None:
    """People are often stored as "Anna Smith"; an associate says "Anna"."""
    name = (name or "").strip()
    return name.split()[0] if name else None


def _own_date(kind: DateKind):
    """The client's own yearly date of a kind as month*100+day, a scalar subquery (no extra statement)."""
    return (select(func.min(ImportantDate.md))
            .where(ImportantDate.client_id == Client.id, ImportantDate.person_id.is_(None), ImportantDate.kind == kind)
            .correlate(Client).scalar_subquery())


def _md(value: int | None) -> tuple[int, int] | None:
    return divmod(value, 100) if value else None


def _shared_on():
    """When the newest live link to a wish item's list was made (the list is the item's client and person)."""
    same_list = or_(ShareLink.person_id == WishItem.person_id,
                    and_(ShareLink.person_id.is_(None), WishItem.person_id.is_(None)))
    return (select(func.max(ShareLink.created_at))
            .where(ShareLink.client_id == WishItem.client_id, same_list, ShareLink.revoked_at.is_(None))
            .correlate(WishItem).scalar_subquery())


def _holiday_status():
    """The status of a person's gift follow-up on this season's saved holiday list (services.book.gift_list makes
    them with source "person:<id>"), None when the person is not on it: a scalar subquery on Person, for the
    season between the bound days `holiday_from` and `holiday_to`."""
    source = literal("person:", String) + cast(Person.id, String)
    return (select(func.max(FollowUp.status))
            .where(FollowUp.client_id == Person.client_id, FollowUp.kind == Kind.HOLIDAY_LIST.value,
                   FollowUp.source == source, FollowUp.occasion_on >= bindparam("holiday_from", type_=Date),
                   FollowUp.occasion_on <= bindparam("holiday_to", type_=Date))
            .correlate(Person).scalar_subquery())


# The five statements, built once with bound parameters (the store, a chunk of client ids, the days): Today reads
# facts for a page of clients and the card and an outcome's row for one, and building these statements (a dozen
# scalar subqueries) and their cache keys on each call cost more CPU than running them.
_STORE: BindParameter[int] = bindparam("store_id")
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_CLIENTS = (
    select(Client.id, Client.first_name, Client.metals, Client.stones, Client.brands, Client.ring_size,
           Client.tags, Client.last_touch_on, Client.first_seen_on, Client.created_at,
           _own_date(DateKind.BIRTHDAY).label("birthday"), _own_date(DateKind.ANNIVERSARY).label("anniversary"),
           select(func.sum(TradeUpCredit.amount))
           .where(TradeUpCredit.client_id == Client.id, TradeUpCredit.status == "available")
           .correlate(Client).scalar_subquery().label("credit"),
           Store.timezone, Store.country, Store.settings, Store.locale, Store.currency)
    .join(Store, Store.id == Client.store_id)
    .where(Client.store_id == _STORE, Client.id.in_(_IDS)))
_PEOPLE = (
    select(Person.id, Person.client_id, Person.name, Person.relation,
           select(func.min(ImportantDate.md))
           .where(ImportantDate.person_id == Person.id, ImportantDate.kind == DateKind.BIRTHDAY)
           .correlate(Person).scalar_subquery().label("birthday"),
           _holiday_status().label("holiday"))
    .where(Person.store_id == _STORE, Person.client_id.in_(_IDS)).order_by(Person.id))
# The newest purchase of each client (n == 1: latest day, then latest row) and, since `gifts_since`, every
# purchase that may be a gift (a recipient or an occasion: domain.line_rules.is_gift decides).
_GIFT = or_(Purchase.recipient_person_id.is_not(None), Purchase.occasion.is_not(None))
_RANKED = (select(Purchase.id, Purchase.client_id, Purchase.purchased_on, Purchase.occasion,
                  Purchase.recipient_person_id,
                  func.row_number().over(partition_by=Purchase.client_id,
                                         order_by=(Purchase.purchased_on.desc(), Purchase.id.desc())).label("n"),
                  and_(_GIFT, Purchase.purchased_on >= bindparam("gifts_since", type_=Date)).label("gift"))
           .where(Purchase.store_id == _STORE, Purchase.client_id.in_(_IDS))
           .subquery())
_PURCHASES = select(_RANKED).where(or_(_RANKED.c.n == 1, _RANKED.c.gift)).order_by(_RANKED.c.n)
_ITEMS = (select(PurchaseItem.purchase_id, PurchaseItem.category, PurchaseItem.metal, PurchaseItem.stone,
                 PurchaseItem.description)
          .where(PurchaseItem.purchase_id.in_(bindparam("purchase_ids", expanding=True))).order_by(PurchaseItem.id))
_WISHES = (select(WishItem.client_id, WishItem.description, WishItem.person_id, _shared_on())
           .where(WishItem.store_id == _STORE, WishItem.client_id.in_(_IDS), WishItem.status == "open")
           .order_by(WishItem.created_at.desc(), WishItem.id.desc()))


def client_facts(store_id: int, client_ids: list[int], on: date | None = None,
                 read_wishes: bool = True) -> dict[int, ClientFacts]:
    """ClientFacts for each client of the store in client_ids (others are left out): five queries per 2,000 ids.

    Dates, trade-up credit and share links ride along as scalar subqueries, so the count stays at five.
    `on` (the store's today when left out) dates the facts for opening lines that do not get a day. `read_wishes`
    False: the caller knows none of these clients has an open wish item (the card asked), and they are not read."""
    facts: dict[int, ClientFacts] = {}
    for ids in chunks(sorted(set(client_ids))):
        chunk = {"store_id": store_id, "ids": ids}
        clients = read_rows(_CLIENTS, chunk).all()
        if not clients:
            continue
        day = on or store_today_in(clients[0].timezone)  # one store, one timezone
        people = read_rows(_PEOPLE, {**chunk, "holiday_from": day,
                                              "holiday_to": day + timedelta(days=HOLIDAY_AHEAD_DAYS)}).all()
        purchases = read_rows(_PURCHASES, {
            **chunk, "gifts_since": day.replace(year=day.year - GIFT_YEARS, day=min(day.day, 28))}).all()
        latest = [row for row in purchases if row.n == 1]
        items: dict[int, list[ItemFacts]] = defaultdict(list)
        purchase_ids = [row.id for row in purchases]
        if purchase_ids:
            for row in read_rows(_ITEMS, {"purchase_ids": purchase_ids}):
                items[row.purchase_id].append(ItemFacts(row.category, row.metal, row.stone, row.description))
        wishes: dict[int, list[str]] = defaultdict(list)
        person_wish: dict[int, str] = {}  # the newest open wish on each person's list
        # (client, person or None) -> [open items, newest live share link]
        lists: dict[tuple[int, int | None], list] = {}
        for client_id, description, person_id, shared_at in (read_rows(_WISHES, chunk) if read_wishes else ()):
            wishes[client_id].append(description)
            if person_id is not None:
                person_wish.setdefault(person_id, description)
            entry = lists.setdefault((client_id, person_id), [0, shared_at])
            entry[0] += 1

        person_name = {p.id: _first(p.name) for p in people}
        partner: dict[int, str | None] = {}
        children: dict[int, list[str]] = defaultdict(list)
        for p in people:
            if p.relation == Relation.PARTNER and p.client_id not in partner:
                partner[p.client_id] = _first(p.name)
            elif p.relation == Relation.CHILD and (child := _first(p.name)):
                children[p.client_id].append(child)
        person_birthdays = {p.id: _md(p.birthday) for p in people}
        holiday: dict[int, list[HolidayGift]] = defaultdict(list)
        for p in people:
            if p.holiday is not None and (name := _first(p.name)):
                holiday[p.client_id].append(HolidayGift(name, p.holiday in _LIVE, person_wish.get(p.id)))
        last = {row.client_id: row for row in latest}
        gifts: dict[int, list[Gift]] = defaultdict(list)
        for row in purchases:
            recipient = person_name.get(row.recipient_person_id) if row.recipient_person_id else None
            if row.gift and is_gift(row.occasion, row.recipient_person_id is not None):
                gifts[row.client_id].append(Gift(row.purchased_on, _piece(items[row.id]), recipient,
                                                 row.occasion or None))
        lead = next((_anniversary_lead(c.country, c.settings) for c in clients if c.credit), None)

        for c in clients:
            purchase = last.get(c.id)
            last_purchase = for_whom = None
            if purchase is not None:
                last_purchase = (purchase.purchased_on, _piece(items[purchase.id]), purchase.occasion or None)
                for_whom = person_name.get(purchase.recipient_person_id) if purchase.recipient_person_id else None
            as_of = on or store_today_in(c.timezone)
            wish_lists = []
            for (client_id, person_id), (count, shared_at) in lists.items():
                if client_id != c.id:
                    continue
                if person_id is None:
                    own = [("birthday", *divmod(c.birthday, 100))] if c.birthday else []
                    own += [("anniversary", *divmod(c.anniversary, 100))] if c.anniversary else []
                    wish_lists.append(WishListFacts(c.first_name, None, count, tuple(own), partner.get(c.id),
                                                    _day_of(shared_at, c.timezone)))
                else:
                    birthday = person_birthdays.get(person_id)
                    wish_lists.append(WishListFacts(person_name.get(person_id) or "Their", person_id, count,
                                                    (("birthday", *birthday),) if birthday else (), c.first_name,
                                                    _day_of(shared_at, c.timezone)))
            facts[c.id] = ClientFacts(
                first_name=c.first_name, partner_name=partner.get(c.id), last_purchase=last_purchase,
                last_purchase_for=for_whom, metals=tuple(c.metals or ()), stones=tuple(c.stones or ()),
                brands=tuple(c.brands or ()), ring_size=c.ring_size, open_wish_items=tuple(wishes[c.id]),
                children=tuple(children[c.id]), wish_lists=tuple(wish_lists),
                trade_up_credit=Decimal(c.credit) if c.credit else None, anniversary=_md(c.anniversary),
                as_of=as_of, gifts=tuple(gifts[c.id]), holiday_list=tuple(holiday[c.id]),
                last_touch_on=c.last_touch_on, added_on=max(c.first_seen_on, _day_of(c.created_at, c.timezone) or
                                                            c.first_seen_on),
                no_pitch=is_no_pitch(c.tags), locale=StoreLocale.of(c.country, c.locale, c.currency), **({"anniversary_lead": lead} if lead is not None else {}))
    return facts


def _piece(items: list[ItemFacts]) -> str:
    """The piece a purchase is named by: its first item that is not a repair."""
    main = next((i for i in items if (i.category or "").strip().lower() != "repair"),
                (items or [ItemFacts(None, None, None, None)])[0])
    return piece_name(main)


def _anniversary_lead(country: str, settings: dict | None) -> int:
    """Days before an anniversary its follow-up opens in this store: trade-up credit is mentioned from then."""
    rules = EngineSettings.from_dict({"country": country, **(settings or {})})
    return -rules.windows[Kind.ANNIVERSARY].opens


def store_today_in(timezone: str) -> date:
    return utcnow().astimezone(ZoneInfo(timezone)).date()


def _day_of(at: datetime | None, timezone: str) -> date | None:
    """A stored UTC time as the store's day."""
    if at is None:
        return None
    return at.astimezone(ZoneInfo(timezone)).date()


def caller_of(user: User) -> Caller:
    """Who the opening lines say is calling: the signed-in person, from their store."""
    return Caller(_first(user.name), user.store.name)


def opening_lines(client, reasons: Sequence[Reason], facts: ClientFacts | None,  # noqa: ANN001 - a Client row
                  caller: Caller) -> dict[Channel, str]:
    """A suggested first sentence per channel (call, text, email) for the client's strongest reason."""
    facts = facts or ClientFacts(first_name=client.first_name)
    return {channel: opening_line(client.first_name, reasons, facts, channel, facts.as_of, caller=caller)
            for channel in OPENING_CHANNELS}
