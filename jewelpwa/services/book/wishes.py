"""add_wish: something the client (or someone in their life) would love, for talking points and gift ideas."""

from __future__ import annotations

from ...domain.money import field_message
from ...domain.vocab import ItemCategory
from ...extensions import db
from ...models import Person, User, WishItem
from ..access import get_client, get_scoped
from ..errors import Invalid


def add_wish(actor: User, client_id: int, description: str, person_id: int | None = None, category: str = "",
             metal: str = "", stone: str = "", price_hint: str = "") -> WishItem:
    """Save an open wish item on the client's card."""
    client = get_client(actor, client_id)
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = "Describe the piece, e.g. “sapphire stud earrings”."
    elif len(description) > 200:
        errors["description"] = "Shorten the description to 200 characters."
    category = (category or "").strip().lower()
    if category and category not in {c.value for c in ItemCategory}:
        errors["category"] = "Choose a category from the list, or leave it empty."
    metal, stone = (metal or "").strip(), (stone or "").strip()
    for name, value in (("metal", metal), ("stone", stone)):
        if len(value) > 40:
            errors[name] = f"Shorten the {name} to 40 characters."
    price = None
    if (price_hint or "").strip():
        try:
            price = actor.store.locale_rules.parse_money(price_hint, "Price")
        except ValueError as exc:
            errors["price_hint"] = field_message(exc)
    if person_id is not None:
        person = db.session.get(Person, person_id)
        if person is None or person.client_id != client.id:
            errors["person_id"] = "Choose the client or one of their people."
    if errors:
        raise Invalid("Wish not saved", errors)
    wish = WishItem(store_id=client.store_id, client_id=client.id, person_id=person_id, description=description,
                    category=category or None, metal=metal or None, stone=stone or None, price_hint=price)
    db.session.add(wish)
    db.session.commit()
    return wish


WISH_STATUSES = ("bought", "removed", "open")


def set_wish_status(actor: User, wish_id: int, status: str) -> WishItem:
    """Mark a wish item bought or removed (it leaves the card and every shared list at once), or open again."""
    wish = get_scoped(actor, WishItem, wish_id)
    get_client(actor, wish.client_id)
    if status not in WISH_STATUSES:
        raise Invalid("Wish not changed", {"status": "Mark the item bought or removed."})
    wish.status = status
    db.session.commit()
    return wish
