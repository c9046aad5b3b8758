"""Checked receipts against the book: the store's purchases and items with those receipt numbers are read in
chunks, and the inserts, updates and deletes that bring them in line are collected, then written with one
statement per table. Items are matched by position and changed in place, so their ids (and any trade-up
credit) survive."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, delete, select

from ....clock import utcnow
from ....extensions import db
from ....models import Purchase, PurchaseItem
from ...batching import chunks
from ..app_names import app_purchase_id, app_receipt
from .purchase_rows import ITEM_COLUMNS, ItemRow
from .writing import CHUNK, differs, insert_rows, update_rows

_PURCHASE_COLUMNS = ("client_id", "purchased_on", "associate_id", "occasion", "total")


def purchases_by_receipt(store_id: int, receipts: list[str], *columns: Any) -> list[Row]:
    """The store's purchases with these receipt numbers, and those without one named JP-P<id>."""
    wanted = (Purchase.id, Purchase.receipt_number, *columns)
    found = list(db.session.execute(select(*wanted).where(Purchase.store_id == store_id,
                                                          Purchase.receipt_number.in_(receipts))))
    ids = [id_ for r in receipts if (id_ := app_purchase_id(r)) is not None]
    if ids:
        found += db.session.execute(select(*wanted).where(Purchase.store_id == store_id, Purchase.id.in_(ids),
                                                          Purchase.receipt_number.is_(None)))
    return found


@dataclass
class Existing:
    """The book's purchases for the receipts in the file, with their items."""

    purchases: dict[str, Row] = field(default_factory=dict)  # receipt as the file names it → purchase
    items: dict[int, list[Row]] = field(default_factory=dict)  # purchase id → its items, in id order


def load_existing(store_id: int, receipts: list[str]) -> Existing:
    existing = Existing()
    for chunk in chunks(receipts, CHUNK):
        found = purchases_by_receipt(store_id, chunk, *(getattr(Purchase, f) for f in _PURCHASE_COLUMNS))
        existing.purchases.update((app_receipt(p.id, p.receipt_number), p) for p in found)
        for item in db.session.execute(
            select(PurchaseItem.id, PurchaseItem.purchase_id, *(getattr(PurchaseItem, f) for f in ITEM_COLUMNS))
            .where(PurchaseItem.purchase_id.in_([p.id for p in found])).order_by(PurchaseItem.id)
        ):
            existing.items.setdefault(item.purchase_id, []).append(item)
    return existing


def _header(lines: list[ItemRow]) -> dict[str, Any]:
    """The purchase a receipt's rows describe: the first row's client and date, the first occasion and
    associate given, the sum of the prices."""
    return {"client_id": lines[0].client_id, "purchased_on": lines[0].purchased_on,
            "associate_id": next((x.associate_id for x in lines if x.associate_id), None),
            "occasion": next((x.occasion for x in lines if x.occasion), None),
            "total": sum((line.item["price"] for line in lines), Decimal("0"))}


class PurchaseWriter:
    """Compares checked receipts with the book and collects the inserts, updates and deletes that bring it in line."""

    def __init__(self, store_id: int, existing: Existing) -> None:
        self.store_id, self.existing = store_id, existing
        self.now = utcnow()
        self.new_purchases: list[dict[str, Any]] = []
        self.new_items: list[tuple[str | int, dict[str, Any]]] = []  # (receipt of a new purchase, or purchase id; values)
        self.purchase_updates: list[dict[str, Any]] = []
        self.item_updates: list[dict[str, Any]] = []
        self.item_deletes: list[int] = []

    def create(self, receipt: str, lines: list[ItemRow]) -> None:
        self.new_purchases.append({"store_id": self.store_id, "receipt_number": receipt, "note": None,
                                   "recipient_person_id": None, "created_at": self.now, **_header(lines)})
        self.new_items.extend((receipt, line.item) for line in lines)

    def update(self, purchase: Row, lines: list[ItemRow]) -> bool:
        """Bring an existing purchase and its items in line with the receipt's rows; True when anything changed."""
        header, wanted = _header(lines), [line.item for line in lines]
        current = self.existing.items.get(purchase.id, [])
        changed = differs(purchase, header) or len(current) != len(wanted)
        if differs(purchase, header):
            self.purchase_updates.append({"id": purchase.id, **header})
        for old, new in zip(current, wanted, strict=False):
            if differs(old, new):
                changed = True
                self.item_updates.append({"id": old.id, **new})
        self.item_deletes.extend(old.id for old in current[len(wanted):])
        self.new_items.extend((purchase.id, item) for item in wanted[len(current):])
        return changed

    def write(self) -> None:
        update_rows(Purchase, self.purchase_updates)
        update_rows(PurchaseItem, self.item_updates)
        for chunk in chunks(self.item_deletes, CHUNK):
            db.session.execute(delete(PurchaseItem).where(PurchaseItem.id.in_(chunk)))
        purchase_ids = {receipt: id_ for id_, receipt in insert_rows(Purchase, self.new_purchases,
                                                                     "id", "receipt_number")}
        insert_rows(PurchaseItem, [{"store_id": self.store_id, **item,
                                    "purchase_id": ref if isinstance(ref, int) else purchase_ids[ref]}
                                   for ref, item in self.new_items])
