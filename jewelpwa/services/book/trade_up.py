"""Trade-up credit: the store's policy, the credit a sale earns under it, and the client's ledger.

Credits are rows written when a sale is recorded (record_purchase), not computed on read: the terms in force
at the sale (percent and minimum new-piece price) are a promise made to the client, so a later policy change
does not move them, and "used" is a status on the row. Sales from before the policy, or imported, earn none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ...domain.cadence import ItemFacts, piece_name
from ...domain.inputs import whole_number
from ...domain.locales import StoreLocale
from ...domain.trade_up import DEFAULT_CATEGORIES, TradeUpTerms, credit_for, credit_line
from ...domain.vocab import ItemCategory
from ...extensions import db
from ...models import Client, LoyaltyPolicy, Purchase, PurchaseItem, Store, TradeUpCredit, User
from ..access import get_client, get_scoped, require_manager
from ..errors import Invalid

CATEGORIES = tuple(c.value for c in ItemCategory if c not in (ItemCategory.REPAIR, ItemCategory.OTHER))


def policy_of(store_id: int) -> LoyaltyPolicy:
    """The store's policy row, or an unsaved one with the defaults (trade-up off)."""
    row = db.session.scalar(select(LoyaltyPolicy).where(LoyaltyPolicy.store_id == store_id))
    return row or LoyaltyPolicy(store_id=store_id, trade_up_enabled=False, trade_up_percent=100,
                                trade_up_multiple=Decimal("2"), trade_up_categories=list(DEFAULT_CATEGORIES))


def terms_of(policy: LoyaltyPolicy) -> TradeUpTerms:
    return TradeUpTerms(bool(policy.trade_up_enabled), policy.trade_up_percent, Decimal(policy.trade_up_multiple),
                        tuple(policy.trade_up_categories or ()))


def save_policy(actor: User, enabled: bool, percent: str, multiple: str, categories: Sequence[str]) -> LoyaltyPolicy:
    """Set the trade-up terms; they apply to sales recorded from now on."""
    require_manager(actor)
    errors: dict[str, str] = {}
    pct = whole_number((percent or "").strip().rstrip("%"), 1, 100) or 0
    if not 1 <= pct <= 100:
        errors["percent"] = "Give a whole percent from 1 to 100 (100 credits the full original price)."
    try:
        times = Decimal((multiple or "").strip().lower().rstrip("x").strip())
    except InvalidOperation:
        times = Decimal("0")
    if not times.is_finite() or not Decimal("1") <= times <= Decimal("10"):
        errors["multiple"] = "Give a multiple from 1 to 10, e.g. 2 for a new piece at least twice the old one."
    chosen = sorted({c for c in categories if c in CATEGORIES})
    if len(chosen) != len(set(categories)):
        errors["categories"] = "Choose categories from the list."
    elif enabled and not chosen:
        errors["categories"] = "Choose at least one category that earns credit, or turn trade-up off."
    if errors:
        raise Invalid("Trade-up policy not saved", errors)
    policy = policy_of(actor.store_id)
    policy.trade_up_enabled, policy.trade_up_percent = bool(enabled), pct
    policy.trade_up_multiple, policy.trade_up_categories = times.quantize(Decimal("0.01")), chosen
    db.session.add(policy)
    db.session.commit()
    return policy


def save_share_phone(actor: User, phone: str) -> LoyaltyPolicy:
    """The phone number a shared wish list shows the giver."""
    require_manager(actor)
    phone = (phone or "").strip()
    if len(phone) > 40:
        raise Invalid("Phone not saved", {"share_phone": "Shorten the phone number to 40 characters."})
    if phone and sum(ch.isdigit() for ch in phone) < 7:
        raise Invalid("Phone not saved", {"share_phone": "Give the store's phone with at least 7 digits, or leave it empty."})
    policy = policy_of(actor.store_id)
    policy.share_phone = phone or None
    db.session.add(policy)
    db.session.commit()
    return policy


def grant_credits(purchase: Purchase) -> list[TradeUpCredit]:
    """Credits the sale's eligible items earn under the store's policy now (the caller commits)."""
    policy = db.session.scalar(select(LoyaltyPolicy).where(LoyaltyPolicy.store_id == purchase.store_id))
    if policy is None or not policy.trade_up_enabled:
        return []
    terms = terms_of(policy)
    made = []
    for item in purchase.items:
        credit = credit_for(item.category, item.price, terms)
        if credit is not None:
            made.append(TradeUpCredit(store_id=purchase.store_id, client_id=purchase.client_id,
                                      purchase_item_id=item.id, amount=credit.amount, min_price=credit.min_price))
    db.session.add_all(made)
    return made


@dataclass(frozen=True)
class LedgerLine:
    credit: TradeUpCredit
    piece: str
    price: Decimal
    purchased_on: date
    locale: StoreLocale

    @property
    def text(self) -> str:
        return credit_line(self.piece[:1].upper() + self.piece[1:], self.price, self.credit.amount,
                           self.credit.min_price, self.locale)


def ledger(client: Client) -> list[LedgerLine]:
    """The client's trade-up credits, available first, newest sale first (one query)."""
    rows = db.session.execute(
        select(TradeUpCredit, PurchaseItem, Purchase.purchased_on)
        .join(PurchaseItem, PurchaseItem.id == TradeUpCredit.purchase_item_id)
        .join(Purchase, Purchase.id == PurchaseItem.purchase_id)
        .where(TradeUpCredit.client_id == client.id, TradeUpCredit.status != "void")
        .order_by(TradeUpCredit.status, Purchase.purchased_on.desc(), TradeUpCredit.id.desc())).all()
    locale = db.session.get_one(Store, client.store_id).locale_rules
    return [LedgerLine(credit, item.description or piece_name(ItemFacts(item.category, item.metal, item.stone, None)),
                       item.price, on, locale) for credit, item, on in rows]


def set_credit_status(actor: User, credit_id: int, status: str, today: date) -> TradeUpCredit:
    """Mark a credit used (toward a new piece) or available again (a mistaken tap)."""
    credit = get_scoped(actor, TradeUpCredit, credit_id)
    get_client(actor, credit.client_id)
    if status not in ("used", "available"):
        raise Invalid("Credit not changed", {"status": "Mark the credit used or available."})
    credit.status = status
    credit.used_on = today if status == "used" else None
    db.session.commit()
    return credit
