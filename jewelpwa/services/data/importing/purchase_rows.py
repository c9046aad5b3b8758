"""One row of a purchases file checked (one item of a receipt), and the rows of one receipt checked to agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ....domain.money import parse_money
from ....domain.yearly_date import parse_full_date
from ....models import User
from .reading import CsvRow, Errors, check_lengths, parse_cell

# A purchases row's item cells, named as the purchase_items columns they are written to.
ITEM_COLUMNS = ("description", "category", "metal", "stone", "brand", "price")
# Cells that describe the whole receipt: every row of one receipt must agree on them.
_RECEIPT_COLUMNS = ("client_number", "purchased_on", "occasion", "associate_email")


@dataclass
class ItemRow:
    line: int
    receipt: str
    client_id: int
    purchased_on: date
    associate_id: int | None
    occasion: str | None
    item: dict[str, Any]


def validate_purchase(row: CsvRow, clients: dict[str, int], staff: dict[str, User], today: date,
                      errors: Errors, day_first: bool = False, locale: str = "en_US") -> ItemRow | None:
    before = len(errors.items)
    cells = row.cells
    check_lengths(row, errors)
    client_id = None
    if not cells["client_number"]:
        errors.add(row.line, "client_number", "is blank: enter the number of the client who bought it")
    elif (client_id := clients.get(cells["client_number"])) is None:
        errors.add(row.line, "client_number", f'"{cells["client_number"]}" is not a client of this store: '
                                              "import the clients file first, or correct the number")
    if not cells["receipt_number"]:
        errors.add(row.line, "receipt_number", "is blank: re-imports match purchases by receipt number")
    purchased_on = None
    if not cells["purchased_on"]:
        errors.add(row.line, "purchased_on", "is blank: enter the sale date as YYYY-MM-DD")
    else:
        purchased_on = parse_cell(row, "purchased_on", lambda v: parse_full_date(v, "purchased_on", day_first), errors)
        if purchased_on and purchased_on > today:
            errors.add(row.line, "purchased_on", f'"{cells["purchased_on"]}" is in the future (today is {today.isoformat()})')
    price = None
    if not cells["price"]:
        errors.add(row.line, "price", "is blank: enter the item's price (0 for no charge)")
    else:
        price = parse_cell(row, "price", lambda v: parse_money(v, locale, "price"), errors)
        # An order export gives the unit price and the quantity (Shopify's "Lineitem price" × "Lineitem quantity").
        quantity = parse_cell(row, "quantity", _quantity, errors)
        if price is not None and quantity:
            price *= quantity
    associate_id = None
    if associate := cells["associate_email"].lower():
        if (user := staff.get(associate)) is None:
            errors.add(row.line, "associate_email", f'"{cells["associate_email"]}" is not a staff email in this store')
        else:
            associate_id = user.id  # a sale by someone who has since left still counts for them
    if len(errors.items) > before or client_id is None or purchased_on is None:  # each missing one is an error
        return None
    item = {name: cells[name] or None for name in ITEM_COLUMNS if name != "price"}
    item["price"] = price
    return ItemRow(row.line, cells["receipt_number"], client_id, purchased_on, associate_id,
                   cells["occasion"] or None, item)


def _quantity(value: str) -> int:
    text = value.strip().removesuffix(".0")
    if not text.isdigit() or not 1 <= int(text) <= 9999:
        raise ValueError(f'quantity "{value}" is not a whole number from 1 to 9999')
    return int(text)


def fill_from_first_line(rows: list[CsvRow]) -> None:
    """A blank receipt cell on a later line means "same as the receipt's first line": an order export fills the
    order's own cells (buyer, date) on its first line item only (Shopify's orders export does)."""
    first: dict[str, CsvRow] = {}
    for row in rows:
        receipt = row.cells["receipt_number"]
        if not receipt:
            continue
        head = first.setdefault(receipt, row)
        if head is not row:
            for column in (*_RECEIPT_COLUMNS, "client_email"):
                if not row.cells[column]:
                    row.cells[column] = head.cells[column]


def receipt_conflicts(rows: list[CsvRow], errors: Errors) -> None:
    """Rows of one receipt describe one sale: client, date, occasion and associate must agree."""
    first: dict[str, CsvRow] = {}
    for row in rows:
        receipt = row.cells["receipt_number"]
        if not receipt:
            continue
        if (head := first.setdefault(receipt, row)) is row:
            continue
        for column in _RECEIPT_COLUMNS:
            mine, theirs = row.cells[column], head.cells[column]
            if column == "associate_email":
                mine, theirs = mine.lower(), theirs.lower()
            # A blank occasion or associate on a later line means "same as the first line".
            if mine != theirs and (mine and theirs or column in ("client_number", "purchased_on")):
                errors.add(row.line, column, f'"{row.cells[column]}" differs from row {head.line} of receipt '
                                             f'"{receipt}" ("{head.cells[column]}"): one receipt is one sale')
