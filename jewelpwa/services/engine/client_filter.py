"""Which clients an owner's filter picks (store events' invitations): parsed from a form, kept as JSON, said in
words, and turned into SQL conditions on Client that the events page and the planner both use."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import exists, func, select

from ...domain.vocab import Tier
from ...models import Client, Purchase, PurchaseItem
from ..errors import Invalid


@dataclass(frozen=True)
class EventFilter:
    """Who is invited. Stored in StoreEvent.client_filter; the planner reads `tiers` and `assigned_to_id`."""

    tiers: tuple[str, ...] = ()
    assigned_to_id: int | None = None
    category: str = ""
    stone: str = ""
    min_spend: Decimal | None = None

    @classmethod
    def parse(cls, form) -> EventFilter:  # noqa: ANN001 - a MultiDict of the form or query string
        errors: dict[str, str] = {}
        tiers = tuple(sorted({t for t in form.getlist("tier") if t in {x.value for x in Tier}}))
        who = (form.get("assigned_to_id") or "").strip()
        spend_text = (form.get("min_spend") or "").strip().replace(",", "").lstrip("$")
        min_spend = None
        if spend_text:
            try:
                min_spend = Decimal(spend_text)
                if min_spend < 0 or not min_spend.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors["min_spend"] = "Enter an amount like 2500, or leave it empty."
                min_spend = None
        if who and not who.isdigit():
            errors["assigned_to_id"] = "Choose an associate from the list."
        if errors:
            raise Invalid("Check the client filter", errors)
        return cls(tiers, int(who) if who else None, (form.get("category") or "").strip().lower()[:40],
                   (form.get("stone") or "").strip().lower()[:40], min_spend)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.tiers:
            out["tiers"] = list(self.tiers)
        if self.assigned_to_id:
            out["assigned_to_id"] = self.assigned_to_id
        if self.category:
            out["category"] = self.category
        if self.stone:
            out["stone"] = self.stone
        if self.min_spend is not None:
            out["min_spend"] = str(self.min_spend)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EventFilter:
        spend = d.get("min_spend")
        return cls(tuple(d.get("tiers") or ()), d.get("assigned_to_id") or None, d.get("category") or "",
                   d.get("stone") or "", Decimal(str(spend)) if spend not in (None, "") else None)

    def describe(self, names: dict[int, str]) -> str:
        parts = []
        if self.tiers:
            parts.append("tier " + "/".join(self.tiers))
        if self.assigned_to_id:
            parts.append(f"{names.get(self.assigned_to_id, 'someone')}'s clients")
        if self.category:
            parts.append(f"bought {self.category}")
        if self.stone:
            parts.append(f"{self.stone} buyers")
        if self.min_spend is not None:
            parts.append(f"spent ${self.min_spend:,.0f}+ in 24 months")
        return ", ".join(parts) or "every client"


def matching(store_id: int, wanted: EventFilter) -> list:
    """SQL conditions on Client for an event filter (the events page counts with them, the planner invites)."""
    conditions = [Client.store_id == store_id, Client.erased_at.is_(None)]
    if wanted.tiers:
        conditions.append(Client.tier.in_(wanted.tiers))
    if wanted.assigned_to_id:
        conditions.append(Client.assigned_to_id == wanted.assigned_to_id)
    if wanted.min_spend is not None:
        conditions.append(Client.spend_24m >= wanted.min_spend)
    if wanted.category or wanted.stone:
        item = [Purchase.client_id == Client.id, Purchase.store_id == store_id]
        if wanted.category:
            item.append(func.lower(PurchaseItem.category) == wanted.category)
        if wanted.stone:
            item.append(func.lower(PurchaseItem.stone) == wanted.stone)
        conditions.append(exists(select(PurchaseItem.id).join(Purchase, PurchaseItem.purchase_id == Purchase.id)
                                 .where(*item)))
    return conditions
