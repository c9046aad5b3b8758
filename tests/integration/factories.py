"""CTFd-style factories: make_client(store_id, **overrides) and friends, writing real rows."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from jewelpwa.domain.client_columns import client_columns, month_day
from jewelpwa.extensions import db
from jewelpwa.models import Client, ImportantDate, Person, Purchase, PurchaseItem

_numbers = itertools.count(1)


def make_client(user, **overrides) -> Client:
    """A contactable client of the user's store, assigned to that user unless told otherwise."""
    n = next(_numbers)
    fields = dict(store_id=user.store_id, client_number=f"T{n:05d}", first_name=f"Client{n}", last_name="Test",
                  phone=f"(555) 010-{n % 10000:04d}", email=f"client{n}@example.com", assigned_to_id=user.id,
                  first_seen_on=date(2026, 1, 1), frequency="normal")
    fields.update(overrides)
    client = Client(**fields)
    for name, value in client_columns(client.first_name, client.last_name, client.phone, user.store.country).items():
        setattr(client, name, value)
    db.session.add(client)
    db.session.commit()
    return client


def add_date(client: Client, kind: str, month: int, day: int, year: int | None = None,
             person: Person | None = None) -> ImportantDate:
    row = ImportantDate(store_id=client.store_id, client_id=client.id, person_id=person.id if person else None,
                        kind=kind, month=month, day=day, year=year, md=month_day(month, day))
    db.session.add(row)
    db.session.commit()
    return row


def add_person(client: Client, name: str, relation: str = "partner") -> Person:
    person = Person(store_id=client.store_id, client_id=client.id, name=name, relation=relation)
    db.session.add(person)
    db.session.commit()
    return person


def add_purchase(client: Client, purchased_on: date, price: str = "1200", **item) -> Purchase:
    purchase = Purchase(store_id=client.store_id, client_id=client.id, purchased_on=purchased_on, total=Decimal(price))
    purchase.items.append(PurchaseItem(store_id=client.store_id, price=Decimal(price),
                                       category=item.get("category", "ring"), metal=item.get("metal"),
                                       stone=item.get("stone"), description=item.get("description")))
    db.session.add(purchase)
    db.session.commit()
    return purchase
