"""log_sale: a sale at the counter, for the client or someone in their life, with its cadence at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ...domain.inputs import iso_date, row_id
from ...domain.locales import DEFAULT_LOCALE, StoreLocale
from ...domain.seasons import in_holiday_season
from ...domain.vocab import KIND_LABEL, Kind, Relation
from ...extensions import db
from ...models import FollowUp, Person, Purchase, User
from ..access import get_client
from ..engine.planner import engine_settings
from ..errors import Invalid
from .purchases import ItemInput, cadence_of, stage_purchase

_ITEM_KEY = re.compile(r"items-(\d+)-(\w+)")


@dataclass
class SaleResult:
    purchase: Purchase
    scheduled: list[FollowUp] = field(default_factory=list)
    gift_list_open: bool = False
    locale: StoreLocale = DEFAULT_LOCALE

    @property
    def scheduled_text(self) -> str:
        """ "Check-in Dec 6, care check Feb 20, …": what the sale just put on the calendar, the store's way."""
        parts = [f"{KIND_LABEL[Kind(f.kind)].lower()} {self.locale.day(f.opens_on, 'month_day')}"
                 for f in self.scheduled]
        if not parts:
            return ""
        text = ", ".join(parts)
        return text[0].upper() + text[1:]


def _sale_date(raw: str, today: date) -> date:
    raw = (raw or "").strip()
    if not raw:
        return today
    day = iso_date(raw)
    if day is None:
        raise Invalid("Sale not saved", {"purchased_on": f"“{raw[:40]}” is not a date: pick the day of the sale."})
    return day


def log_sale(actor: User, client_id: int, purchased_on: str, items: list[ItemInput], occasion: str | None,
             recipient: str, new_recipient_name: str, new_recipient_relation: str, receipt_number: str,
             today: date) -> SaleResult:
    """record_purchase, for a recipient who may be new (saved with the sale, in the same commit).

    Item errors keep record_purchase's `items-<i>-<field>` keys; the message names each row ("Item 2: …").
    """
    try:
        sale = stage_sale(actor, client_id, purchased_on, items, occasion, recipient, new_recipient_name,
                          new_recipient_relation, receipt_number, today)
    except Invalid:
        db.session.rollback()  # the new recipient is only worth keeping with the sale
        raise
    db.session.commit()
    return sale


def stage_sale(actor: User, client_id: int, purchased_on: str, items: list[ItemInput], occasion: str | None,
               recipient: str, new_recipient_name: str, new_recipient_relation: str, receipt_number: str,
               today: date) -> SaleResult:
    """log_sale without the commit or the rollback: the caller stores it with what else belongs to it."""
    client = get_client(actor, client_id)
    on = _sale_date(purchased_on, today)
    recipient_id: int | None = None
    name = (new_recipient_name or "").strip()
    # A name typed while the list still says "themselves" means someone new, not the client.
    if recipient == "new" or (not recipient and name):
        relation = (new_recipient_relation or Relation.OTHER).strip().lower()
        if not name or len(name) > 120 or relation not in {r.value for r in Relation}:
            raise Invalid("Sale not saved", {"new_recipient_name": "Enter the name of the person it is for "
                                                                   "(120 characters at most), or choose someone listed."})
        person = Person(store_id=client.store_id, client_id=client.id, name=name, relation=relation)
        db.session.add(person)
        db.session.flush()
        recipient_id = person.id
    elif recipient:
        recipient_id = row_id(recipient)
    try:
        purchase = stage_purchase(actor, client.id, on, items, occasion or None, recipient_id,
                                  (receipt_number or "").strip() or None, today)
    except Invalid as e:
        raise Invalid(_sale_message(e.errors), e.errors) from None
    return SaleResult(purchase, [f for f in cadence_of(purchase) if f.expires_on >= today],
                      in_holiday_season(today, engine_settings(actor.store)), actor.store.locale_rules)


def _sale_message(errors: dict[str, str]) -> str:
    rows = sorted({int(m.group(1)) for key in errors if (m := _ITEM_KEY.fullmatch(key))})
    if not rows:
        return "Sale not saved: check the fields marked below."
    named = ", ".join(f"item {i + 1}" for i in rows)
    return f"Sale not saved: check {named}."
