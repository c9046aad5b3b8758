"""record_purchase: a sale at the counter, with its cadence scheduled at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ...domain.cadence import ItemFacts, purchase_cadence
from ...domain.locales import StoreLocale
from ...domain.money import MAX_AMOUNT, field_message
from ...extensions import db
from ...models import FollowUp, Person, Purchase, PurchaseItem, User
from ..access import get_client
from ..engine.client_value import add_to_lifetime
from ..engine.follow_ups import insert_new, row_for
from ..engine.planner import engine_settings
from ..errors import Invalid
from .trade_up import grant_credits


@dataclass(frozen=True)
class ItemInput:
    category: str
    price: str
    metal: str | None = None
    stone: str | None = None
    brand: str | None = None
    description: str | None = None


def _price(raw: str, index: int, locale: StoreLocale, errors: dict[str, str]) -> Decimal:
    try:
        return locale.parse_money(str(raw or ""), "Price")
    except ValueError as exc:
        errors[f"items-{index}-price"] = field_message(exc)
        return Decimal("0")


def record_purchase(actor: User, client_id: int, purchased_on: date, items: list[ItemInput],
                    occasion: str | None = None, recipient_person_id: int | None = None,
                    receipt_number: str | None = None, today: date | None = None) -> Purchase:
    """Save the sale, create its check-in, care, new-arrivals and anniversary follow-ups, trade-up credit and loyalty tier."""
    purchase = stage_purchase(actor, client_id, purchased_on, items, occasion, recipient_person_id, receipt_number,
                              today)
    db.session.commit()
    return purchase


def stage_purchase(actor: User, client_id: int, purchased_on: date, items: list[ItemInput],
                   occasion: str | None = None, recipient_person_id: int | None = None,
                   receipt_number: str | None = None, today: date | None = None) -> Purchase:
    """record_purchase without the commit (a Sold outcome and its sale are stored together or not at all)."""
    client = get_client(actor, client_id)
    errors: dict[str, str] = {}
    if not items:
        errors["items"] = "Add at least one item."
    if today is not None and purchased_on > today:
        errors["purchased_on"] = "The sale date cannot be in the future."
    locale = actor.store.locale_rules
    prices = [_price(item.price, i, locale, errors) for i, item in enumerate(items)]
    if sum(prices, Decimal("0")) > MAX_AMOUNT:
        errors["items"] = f"The sale comes to more than {locale.money(MAX_AMOUNT, whole=True)}: check the prices."
    for i, item in enumerate(items):
        if not (item.category or "").strip():
            errors[f"items-{i}-category"] = "Choose what was sold (ring, earrings, necklace…)."
    if recipient_person_id is not None:
        person = db.session.get(Person, recipient_person_id)
        if person is None or person.client_id != client.id:
            errors["recipient"] = "Choose one of this client's people, or leave it empty."
    if receipt_number and db.session.scalar(select(Purchase.id).where(
            Purchase.store_id == actor.store_id, Purchase.receipt_number == receipt_number)):
        errors["receipt_number"] = f"Receipt {receipt_number} is already recorded."
    if errors:
        raise Invalid("Sale not saved", errors)

    purchase = Purchase(store_id=actor.store_id, client_id=client.id, associate_id=actor.id, purchased_on=purchased_on,
                        receipt_number=receipt_number or None, occasion=occasion or None,
                        recipient_person_id=recipient_person_id, total=sum(prices, Decimal("0")))
    for item, price in zip(items, prices, strict=True):
        purchase.items.append(PurchaseItem(store_id=actor.store_id, category=item.category.strip().lower(),
                                           metal=item.metal or None, stone=item.stone or None,
                                           brand=item.brand or None, description=item.description or None,
                                           price=price))
    db.session.add(purchase)
    db.session.flush()
    facts = [ItemFacts(i.category, i.metal, i.stone, i.description) for i in purchase.items]
    proposals = purchase_cadence(purchase.id, purchased_on, facts, engine_settings(actor.store))
    on = today or purchased_on
    assignee = client.assigned_to_id or actor.id
    insert_new([row_for(actor.store_id, client.id, assignee, p, on) for p in proposals
                if p.window.expires_on >= on])
    client.spend_24m = (client.spend_24m or Decimal("0")) + purchase.total
    add_to_lifetime(client, purchase.total)
    grant_credits(purchase)
    db.session.flush()
    return purchase


def cadence_of(purchase: Purchase) -> list[FollowUp]:
    return list(db.session.scalars(select(FollowUp).where(
        FollowUp.store_id == purchase.store_id, FollowUp.source == f"purchase:{purchase.id}").order_by(FollowUp.opens_on)))
