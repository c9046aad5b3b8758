"""Store B rows for test_scoping's URL walk: wish items, trade-up credits, share links (issue 8).

FACTORIES maps a route argument to a function(store_b_user) -> row; WORDS maps a word argument to a real value.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jewelpwa.extensions import db
from jewelpwa.models import TradeUpCredit, WishItem

from .factories import add_purchase, make_client


def make_wish(user) -> WishItem:
    client = make_client(user)
    row = WishItem(store_id=user.store_id, client_id=client.id, description="Emerald studs")
    db.session.add(row)
    db.session.commit()
    return row


def make_credit(user) -> TradeUpCredit:
    client = make_client(user)
    purchase = add_purchase(client, date(2026, 1, 5), "1200", category="earrings")
    row = TradeUpCredit(store_id=user.store_id, client_id=client.id, purchase_item_id=purchase.items[0].id,
                        amount=Decimal("1200"), min_price=Decimal("2400"))
    db.session.add(row)
    db.session.commit()
    return row


FACTORIES: dict = {"wish_id": make_wish, "credit_id": make_credit}
# The public share page takes a secret token: one that does not exist must answer 404 (real ones: test_wish_share).
WORDS: dict = {"token": "no-such-share-token-0000000000000000000000"}
