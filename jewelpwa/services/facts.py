"""What talking points and opening lines may mention, read for many clients in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select

from ..domain.cadence import ItemFacts, piece_name
from ..domain.ranking import Reason
from ..domain.talking import ClientFacts, opening_line
from ..domain.vocab import Channel, Relation
from ..extensions import db
from ..models import Client, Person, Purchase, PurchaseItem, WishItem
from .batching import chunks

OPENING_CHANNELS = (Channel.CALL, Channel.TEXT, Channel.EMAIL)


def _first(name: str | None) -> str | None:
    """People are often stored as "Anna Smith"; an associate says "Anna"."""
    name = (name or "").strip()
    return name.split()[0] if name else None


def _latest_purchases(store_id: int, client_ids: list[int]):
    """The newest purchase of each client (latest day, then latest row), one query."""
    newest = (select(Purchase.id, Purchase.client_id, Purchase.purchased_on, Purchase.occasion,
                     Purchase.recipient_person_id,
                     func.row_number().over(partition_by=Purchase.client_id,
                                            order_by=(Purchase.purchased_on.desc(), Purchase.id.desc()))
                     .label("n"))
              .where(Purchase.store_id == store_id, Purchase.client_id.in_(client_ids))
              .subquery())
    return db.session.execute(select(newest).where(newest.c.n == 1)).all()


def client_facts(store_id: int, client_ids: list[int]) -> dict[int, ClientFacts]:
    """ClientFacts for each client of the store in client_ids (others are left out): five queries per 2,000 ids."""
    facts: dict[int, ClientFacts] = {}
    for ids in chunks(sorted(set(client_ids))):
        clients = db.session.execute(
            select(Client.id, Client.first_name, Client.metals, Client.stones, Client.brands, Client.ring_size)
            .where(Client.store_id == store_id, Client.id.in_(ids))).all()
        people = db.session.execute(
            select(Person.id, Person.client_id, Person.name, Person.relation)
            .where(Person.store_id == store_id, Person.client_id.in_(ids)).order_by(Person.id)).all()
        latest = _latest_purchases(store_id, ids)
        items: dict[int, list[ItemFacts]] = defaultdict(list)
        purchase_ids = [row.id for row in latest]
        if purchase_ids:
            for row in db.session.execute(
                    select(PurchaseItem.purchase_id, PurchaseItem.category, PurchaseItem.metal, PurchaseItem.stone,
                           PurchaseItem.description)
                    .where(PurchaseItem.purchase_id.in_(purchase_ids)).order_by(PurchaseItem.id)):
                items[row.purchase_id].append(ItemFacts(row.category, row.metal, row.stone, row.description))
        wishes: dict[int, list[str]] = defaultdict(list)
        for client_id, description in db.session.execute(
                select(WishItem.client_id, WishItem.description)
                .where(WishItem.store_id == store_id, WishItem.client_id.in_(ids), WishItem.status == "open")
                .order_by(WishItem.created_at.desc(), WishItem.id.desc())):
            wishes[client_id].append(description)

        person_name = {p.id: _first(p.name) for p in people}
        partner: dict[int, str | None] = {}
        children: dict[int, list[str]] = defaultdict(list)
        for p in people:
            if p.relation == Relation.PARTNER and p.client_id not in partner:
                partner[p.client_id] = _first(p.name)
            elif p.relation == Relation.CHILD and _first(p.name):
                children[p.client_id].append(_first(p.name))
        last = {row.client_id: row for row in latest}

        for c in clients:
            purchase = last.get(c.id)
            last_purchase = for_whom = None
            if purchase is not None:
                main = next((i for i in items[purchase.id] if (i.category or "").strip().lower() != "repair"),
                            (items[purchase.id] or [ItemFacts(None, None, None, None)])[0])
                last_purchase = (purchase.purchased_on, piece_name(main), purchase.occasion or None)
                for_whom = person_name.get(purchase.recipient_person_id) if purchase.recipient_person_id else None
            facts[c.id] = ClientFacts(
                first_name=c.first_name, partner_name=partner.get(c.id), last_purchase=last_purchase,
                last_purchase_for=for_whom, metals=tuple(c.metals or ()), stones=tuple(c.stones or ()),
                brands=tuple(c.brands or ()), ring_size=c.ring_size, open_wish_items=tuple(wishes[c.id]),
                children=tuple(children[c.id]))
    return facts


def opening_lines(client, reasons: Sequence[Reason], facts: ClientFacts | None) -> dict[Channel, str]:  # noqa: ANN001
    """A suggested first sentence per channel (call, text, email) for the client's strongest reason."""
    facts = facts or ClientFacts(first_name=client.first_name)
    return {channel: opening_line(client.first_name, reasons, facts, channel) for channel in OPENING_CHANNELS}
