"""Insert-ready rows for the bulk writers that make whole books at once: the demo seed and bench/generate.py.

One builder a table (client, person, important date, purchase, purchase item), so a new column is added
here once and both books get it. A client's derived columns come from domain.client_columns, like every
other path that writes a client. Enum values are stored as plain strings: a StrEnum handed to a driver may
be dumped by its member name. The callers add what is theirs (the bench assigns ids itself) and insert.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..domain.client_columns import client_columns, month_day
from ..domain.vocab import Frequency, Tier

# Read once: the bench builds a million of these rows.
_TIER, _FREQUENCY, _ZERO = Tier.C.value, Frequency.NORMAL.value, Decimal("0")


def client_row(store_id: int, first_name: str, last_name: str, phone: str | None, *, first_seen_on: date,
               created_at: datetime, updated_at: datetime, **columns: Any) -> dict[str, Any]:
    """A clients row: every column but the id, at its default unless given in `columns`."""
    if not columns.keys() <= _SETTABLE:
        raise TypeError(f"client_row() sets no column {', '.join(sorted(columns.keys() - _SETTABLE))} "
                        "(derived columns come from the name and phone)")
    row = _client_defaults(store_id, first_name, last_name, phone, first_seen_on, created_at, updated_at)
    row.update(columns)
    return row


def _client_defaults(store_id: int, first_name: str, last_name: str, phone: str | None, first_seen_on: date,
                     created_at: datetime, updated_at: datetime) -> dict[str, Any]:
    return {
        "store_id": store_id, "client_number": None, "first_name": first_name, "last_name": last_name,
        "email": None, "phone": phone, "phone2": None, **client_columns(first_name, last_name, phone),
        "phone_kind": None, "phone2_kind": None, "company": None, "preferred_name": None, "imported_spend": None,
        "imported_orders": None,
        "address_line1": None, "address_line2": None, "city": None, "region": None, "postal_code": None,
        "country": None, "assigned_to_id": None, "tier": _TIER, "spend_24m": _ZERO, "lifetime_spend": _ZERO,
        "loyalty_tier": None, "notes": None, "metals": [], "stones": [], "brands": [], "styles": [], "tags": [],
        "ring_size": None, "preferred_channel": None, "frequency": _FREQUENCY, "opted_out": [],
        "do_not_contact": False, "referred_by_id": None, "source": None, "first_seen_on": first_seen_on,
        "time_zone": None, "email_bounced_to": None, "email_bounced_at": None,
        "last_reached_on": None, "last_touch_on": None, "erased_at": None, "created_at": created_at,
        "updated_at": updated_at,
    }


# What `columns` may set: every column but the derived ones.
_SETTABLE = (frozenset(_client_defaults(0, "", "", None, date.min, datetime.min, datetime.min))
             - frozenset(client_columns(None, None, None)))


def person_row(store_id: int, client_id: int, name: str, relation: str, *, notes: str | None = None,
               created_at: datetime) -> dict[str, Any]:
    return {"store_id": store_id, "client_id": client_id, "name": name, "relation": str(relation), "notes": notes,
            "created_at": created_at}


def date_row(store_id: int, client_id: int, kind: str, month: int, day: int, year: int | None, *,
             person_id: int | None = None, label: str | None = None) -> dict[str, Any]:
    """An important_dates row of the client (person_id None) or of one of their people."""
    return {"store_id": store_id, "client_id": client_id, "person_id": person_id, "kind": str(kind), "label": label,
            "month": month, "day": day, "year": year, "md": month_day(month, day)}


def purchase_row(store_id: int, client_id: int, purchased_on: date, total: Decimal, *, receipt_number: str,
                 associate_id: int | None, occasion: str | None = None, recipient_person_id: int | None = None,
                 note: str | None = None, created_at: datetime) -> dict[str, Any]:
    return {"store_id": store_id, "client_id": client_id, "associate_id": associate_id, "purchased_on": purchased_on,
            "receipt_number": receipt_number, "occasion": occasion, "recipient_person_id": recipient_person_id,
            "total": total, "note": note, "created_at": created_at}


def item_row(store_id: int, purchase_id: int, category: str, price: Decimal, *, description: str | None = None,
             metal: str | None = None, stone: str | None = None, brand: str | None = None) -> dict[str, Any]:
    return {"store_id": store_id, "purchase_id": purchase_id, "description": description, "category": str(category),
            "metal": metal, "stone": stone, "brand": brand, "price": price}
