"""Names for clients and purchases made in the app, which have no point-of-sale number.

An export names them by id (`JP-<id>`, `JP-P<id>`) and an import of that export finds the same rows by those
names, so a round trip changes nothing instead of adding copies.
"""

from __future__ import annotations

import re

_APP_RECEIPT = re.compile(r"JP-P(\d{1,18})")


def app_number(client_id: int, number: str | None) -> str:
    return number or f"JP-{client_id}"


def app_receipt(purchase_id: int, receipt: str | None) -> str:
    return receipt or f"JP-P{purchase_id}"


def app_purchase_id(receipt: str) -> int | None:
    """The id in a receipt named by `app_receipt` ("JP-P42" → 42); None for a point-of-sale receipt."""
    match = _APP_RECEIPT.fullmatch(receipt)
    return int(match[1]) if match else None
