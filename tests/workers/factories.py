"""Rows for the worker tests, made through the real services where one exists."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from jewelpwa.database import read_only
from jewelpwa.domain.client_columns import client_columns, month_day
from jewelpwa.extensions import db
from jewelpwa.models import Appointment, Client, Notification, PushSubscription
from jewelpwa.services.accounts.users import create_user
from jewelpwa.services.push import devices as push

_n = itertools.count(1)


def make_user(store: str = "Gem Store", role: str = "associate", **fields):
    user = create_user(f"{role}{next(_n)}@gemstore.test", fields.pop("name", "Dana Associate"), role, store,
                       "correct horse battery")
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def subscribe(user, *devices):
    return [push.subscribe(user, device.subscription(), label=device.name) for device in devices]


def make_client(user, **fields) -> Client:
    n = next(_n)
    client = Client(store_id=user.store_id, first_name=fields.pop("first_name", f"Ava{n}"),
                    last_name=fields.pop("last_name", "Stone"), assigned_to_id=user.id,
                    phone="+1 555 0100", email=f"ava{n}@example.com",
                    first_seen_on=fields.pop("first_seen_on", datetime.now(UTC).date() - timedelta(days=400)),
                    **fields)
    for name, value in client_columns(client.first_name, client.last_name, client.phone).items():
        setattr(client, name, value)
    db.session.add(client)
    db.session.commit()
    return client


def make_appointment(user, client, in_minutes: int, kind: str = "consultation") -> Appointment:
    appt = Appointment(store_id=user.store_id, client_id=client.id, user_id=user.id, kind=kind,
                       starts_at=datetime.now(UTC) + timedelta(minutes=in_minutes), duration_min=30)
    db.session.add(appt)
    db.session.commit()
    return appt


def notifications(**where) -> list[Notification]:
    """Fresh from the database (a worker process wrote them), detached: reading an attribute later must not
    open a transaction that holds SQLite's write lock while the worker waits for it."""
    db.session.rollback()
    with read_only():
        rows = list(db.session.scalars(db.select(Notification).filter_by(**where).order_by(Notification.id)))
        for row in rows:
            db.session.expunge(row)
        db.session.rollback()
    return rows


def subscription_count(user_id: int) -> int:
    db.session.rollback()
    with read_only():
        n = db.session.scalar(db.select(db.func.count()).select_from(PushSubscription)
                              .where(PushSubscription.user_id == user_id))
        db.session.rollback()
    return n


def make_date(client, kind: str, on, year: int | None = None):
    """A yearly date (birthday/anniversary) of the client falling on on's month and day."""
    from jewelpwa.models import ImportantDate

    row = ImportantDate(store_id=client.store_id, client_id=client.id, kind=kind, month=on.month, day=on.day,
                        year=year, md=month_day(on.month, on.day))
    db.session.add(row)
    db.session.commit()
    return row
