"""What talking points and opening lines may mention, read for many clients in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, and_, bindparam, func, or_, select

from ...clock import utcnow
from ...domain.cadence import ItemFacts, piece_name
from ...domain.ranking import Reason
from ...domain.settings import EngineSettings
from ...domain.share import WishListFacts
from ...domain.talking import ClientFacts, opening_line
from ...domain.vocab import Channel, DateKind, Kind, Relation
from ...extensions import db
from ...models import (
    Client,
    ImportantDate,
    Person,
    Purchase,
    PurchaseItem,
    ShareLink,
    Store,
    TradeUpCredit,
    WishItem,
)
from ..batching import chunks

OPENING_CHANNELS = (Channel.CALL, Channel.TEXT, Channel.EMAIL)


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


# The five statements, built once with bound parameters (the store, a chunk of client ids, the purchases):
# Today reads facts for a page of clients and the card for one on every request, and building these
# statements and their cache keys cost more than running them (about 4 of 5 ms for one client).
_STORE: BindParameter[int] = bindparam("store_id")
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_CLIENTS = (
    select(Client.id, Client.first_name, Client.metals, Client.stones, Client.brands, Client.ring_size,
           _own_date(DateKind.BIRTHDAY).label("birthday"), _own_date(DateKind.ANNIVERSARY).label("anniversary"),
           select(func.sum(TradeUpCredit.amount))
           .where(TradeUpCredit.client_id == Client.id, TradeUpCredit.status == "available")
           .correlate(Client).scalar_subquery().label("credit"),
           Store.timezone, Store.country, Store.settings)
    .join(Store, Store.id == Client.store_id)
    .where(Client.store_id == _STORE, Client.id.in_(_IDS)))
_PEOPLE = (
    select(Person.id, Person.client_id, Person.name, Person.relation,
           select(func.min(ImportantDate.md))
           .where(ImportantDate.person_id == Person.id, ImportantDate.kind == DateKind.BIRTHDAY)
           .correlate(Person).scalar_subquery().label("birthday"))
    .where(Person.store_id == _STORE, Person.client_id.in_(_IDS)).order_by(Person.id))
# The newest purchase of each client (latest day, then latest row).
_NEWEST = (select(Purchase.id, Purchase.client_id, Purchase.purchased_on, Purchase.occasion,
                  Purchase.recipient_person_id,
                  func.row_number().over(partition_by=Purchase.client_id,
                                         order_by=(Purchase.purchased_on.desc(), Purchase.id.desc())).label("n"))
           .where(Purchase.store_id == _STORE, Purchase.client_id.in_(_IDS))
           .subquery())
_LATEST_PURCHASES = select(_NEWEST).where(_NEWEST.c.n == 1)
_ITEMS = (select(PurchaseItem.purchase_id, PurchaseItem.category, PurchaseItem.metal, PurchaseItem.stone,
                 PurchaseItem.description)
          .where(PurchaseItem.purchase_id.in_(bindparam("purchase_ids", expanding=True))).order_by(PurchaseItem.id))
_WISHES = (select(WishItem.client_id, WishItem.description, WishItem.person_id, _shared_on())
           .where(WishItem.store_id == _STORE, WishItem.client_id.in_(_IDS), WishItem.status == "open")
           .order_by(WishItem.created_at.desc(), WishItem.id.desc()))


def client_facts(store_id: int, client_ids: list[int], on: date | None = None) -> dict[int, ClientFacts]:
    """ClientFacts for each client of the store in client_ids (others are left out): five queries per 2,000 ids.

    Dates, trade-up credit and share links ride along as scalar subqueries, so the count stays at five.
    `on` (the store's today when left out) dates the facts for opening lines that do not get a day."""
    facts: dict[int, ClientFacts] = {}
    for ids in chunks(sorted(set(client_ids))):
        chunk = {"store_id": store_id, "ids": ids}
        clients = db.session.execute(_CLIENTS, chunk).all()
        people = db.session.execute(_PEOPLE, chunk).all()
        latest = db.session.execute(_LATEST_PURCHASES, chunk).all()
        items: dict[int, list[ItemFacts]] = defaultdict(list)
        purchase_ids = [row.id for row in latest]
        if purchase_ids:
            for row in db.session.execute(_ITEMS, {"purchase_ids": purchase_ids}):
                items[row.purchase_id].append(ItemFacts(row.category, row.metal, row.stone, row.description))
        wishes: dict[int, list[str]] = defaultdict(list)
        # (client, person or None) -> [open items, newest live share link]
        lists: dict[tuple[int, int | None], list] = {}
        for client_id, description, person_id, shared_at in db.session.execute(_WISHES, chunk):
            wishes[client_id].append(description)
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
        last = {row.client_id: row for row in latest}
        lead = next((_anniversary_lead(c.country, c.settings) for c in clients if c.credit), None)

        for c in clients:
            purchase = last.get(c.id)
            last_purchase = for_whom = None
            if purchase is not None:
                main = next((i for i in items[purchase.id] if (i.category or "").strip().lower() != "repair"),
                            (items[purchase.id] or [ItemFacts(None, None, None, None)])[0])
                last_purchase = (purchase.purchased_on, piece_name(main), purchase.occasion or None)
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
                as_of=as_of, **({"anniversary_lead": lead} if lead is not None else {}))
    return facts


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


def opening_lines(client, reasons: Sequence[Reason], facts: ClientFacts | None) -> dict[Channel, str]:  # noqa: ANN001
    """A suggested first sentence per channel (call, text, email) for the client's strongest reason."""
    facts = facts or ClientFacts(first_name=client.first_name)
    return {channel: opening_line(client.first_name, reasons, facts, channel, facts.as_of)
            for channel in OPENING_CHANNELS}
