"""The drawn book written table by table: plain executemany inserts in batches, ids read back by natural keys
(client number; client, relation and name; receipt number) to link the next table's rows."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from ..extensions import db
from ..models import (
    Client,
    ConsentEvent,
    ImportantDate,
    Person,
    Purchase,
    PurchaseItem,
    Referral,
    WishItem,
)
from ..services.batching import chunks
from .draw import Story
from .rows import date_row, item_row, person_row, purchase_row

CHUNK = 1000


def write_book(s: Story) -> dict[str, int]:
    """Insert everything drawn; returns the row count of each table."""
    store_id = s.store_id
    session = db.session
    # Plain executemany, then ids read back by natural keys: RETURNING with guaranteed row order makes
    # SQLAlchemy fall back to one statement per row, which is ten times slower on PostgreSQL.
    _insert(Client, [c.row for c in s.clients])
    ids = dict(session.execute(select(Client.client_number, Client.id).where(Client.store_id == store_id)).all())
    for c in s.clients:
        c.id = ids[c.row["client_number"]]
    if s.referrals:
        by_id: dict[int, int] = {}
        for referrer, referred in s.referrals:
            by_id[referred.id] = referrer.id
        session.execute(update(Client), [{"id": k, "referred_by_id": v} for k, v in sorted(by_id.items())])

    people = [p for c in s.clients for p in c.people]
    _insert(Person, [person_row(store_id, p.client.id, p.name, p.relation, notes=p.notes, created_at=s.now)
                     for p in people])
    # (client, relation, name) is unique by construction: no family has two children of the same name.
    keys = session.execute(select(Person.client_id, Person.relation, Person.name, Person.id)
                           .where(Person.store_id == store_id)).all()
    person_ids = {(client_id, relation, name): id_ for client_id, relation, name, id_ in keys}
    assert len(person_ids) == len(people)
    for p in people:
        p.id = person_ids[(p.client.id, str(p.relation), p.name)]

    dates = [date_row(store_id, c.id, d["kind"], d["month"], d["day"], d["year"], label=d["label"],
                      person_id=d["person"].id if d["person"] else None) for c in s.clients for d in c.dates]
    _insert(ImportantDate, dates)

    # Receipts are numbered over every drawn sale; those from the first day of the lived past on are rung
    # up on their day (demo.past), so the engine meets each sale when it happens.
    numbered = [(p, c, f"HV-{p['on'].year}-{n:06d}") for n, (p, c) in enumerate(sorted(
        ((p, c) for c in s.clients for p in c.purchases), key=lambda pc: (pc[0]["on"], pc[1].id)), start=1)]
    purchases = [(p, c) for p, c, _ in numbered if p["on"] < s.past_from]
    s.later_sales = [sale for sale in numbered if sale[0]["on"] >= s.past_from]
    rows = [purchase_row(store_id, c.id, p["on"], p["total"], receipt_number=receipt,
                         associate_id=p["associate_id"], occasion=p["occasion"],
                         recipient_person_id=p["recipient"].id if p["recipient"] else None,
                         created_at=s.at(p["on"], 15))
            for p, c, receipt in numbered if p["on"] < s.past_from]
    _insert(Purchase, rows)
    receipts = dict(session.execute(select(Purchase.receipt_number, Purchase.id)
                                    .where(Purchase.store_id == store_id)).all())
    items = [item_row(store_id, receipts[row["receipt_number"]], **item)
             for (p, _), row in zip(purchases, rows, strict=True) for item in p["items"]]
    _insert(PurchaseItem, items)

    _insert(WishItem, [{"store_id": store_id, "client_id": w["client"].id,
                        "person_id": w["person"].id if w["person"] else None,
                        **{k: v for k, v in w.items() if k not in ("client", "person")}} for w in s.wishes])
    _insert(Referral, [{"store_id": store_id, "referrer_id": a.id, "referred_id": b.id,
                        "recorded_on": b.row["first_seen_on"]} for a, b in s.referrals])
    _insert(ConsentEvent, [{"store_id": store_id, "client_id": e["client"].id,
                            **{k: v for k, v in e.items() if k != "client"}}
                           for e in sorted(s.consents, key=lambda e: e["created_at"])])
    return {"clients": len(s.clients), "people": len(people), "important_dates": len(dates),
            "purchases": len(purchases), "purchase_items": len(items), "wish_items": len(s.wishes),
            "referrals": len(s.referrals), "consent_events": len(s.consents)}


def _insert(model: type, rows: list[dict]) -> None:
    # render_nulls keeps None values in the statement; otherwise the ORM groups rows by which keys are
    # None and sends thousands of tiny batches.
    stmt = insert(model).execution_options(render_nulls=True)
    for chunk in chunks(rows, CHUNK):
        db.session.execute(stmt, list(chunk))
