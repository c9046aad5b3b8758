"""Segments: a client filter built from the owner's questions, counted and sampled in SQL, saved by name."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import String, cast, func, or_, select

from ...domain.vocab import DateKind, Relation, Tier
from ...extensions import db
from ...models import AuditEvent, Client, ImportantDate, Person, Purchase, PurchaseItem, Segment, User
from ..access import get_scoped, require_manager
from ..errors import Invalid

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
CATEGORIES = ("ring", "earrings", "necklace", "pendant", "bracelet", "watch", "brooch")
SAMPLE_SIZE = 20
MAX_TAGS = 10


@dataclass(frozen=True)
class SegmentFilter:
    """Who is in a segment. Every field narrows; an empty filter is the whole (not erased) book."""

    stone: str = ""
    category: str = ""
    spend_min: Decimal | None = None
    spend_max: Decimal | None = None
    tiers: tuple[str, ...] = ()
    touched_before: date | None = None
    anniversary_month: int | None = None
    birthday_month: int | None = None
    has_partner: bool | None = None
    assigned_to_id: int | None = None
    tags: tuple[str, ...] = field(default=())

    # ------------------------------------------------------------------------------------------- parsing

    @classmethod
    def parse(cls, form) -> SegmentFilter:  # noqa: ANN001 - a MultiDict of the form or query string
        """Read the builder's fields; Invalid carries one message per field that cannot be understood."""
        errors: dict[str, str] = {}
        spend_min = _money(form.get("spend_min"), "spend_min", errors)
        spend_max = _money(form.get("spend_max"), "spend_max", errors)
        if spend_min is not None and spend_max is not None and spend_min > spend_max:
            errors["spend_max"] = "The most must be at least the least; swap them or widen the range."
        touched_text = (form.get("touched_before") or "").strip()
        touched_before = None
        if touched_text:
            try:
                touched_before = date.fromisoformat(touched_text)
            except ValueError:
                errors["touched_before"] = "Enter a date like 2026-01-31, or leave it empty."
        anniversary = _month(form.get("anniversary_month"), "anniversary_month", errors)
        birthday = _month(form.get("birthday_month"), "birthday_month", errors)
        partner_text = (form.get("has_partner") or "").strip()
        if partner_text not in ("", "yes", "no"):
            errors["has_partner"] = "Choose any, yes or no."
        who = (form.get("assigned_to_id") or "").strip()
        if who and not who.isdigit():
            errors["assigned_to_id"] = "Choose an associate from the list."
        tags = tuple(sorted({t.strip().lower() for t in (form.get("tags") or "").split(",") if t.strip()}))
        if len(tags) > MAX_TAGS or any(len(t) > 40 for t in tags):
            errors["tags"] = f"Up to {MAX_TAGS} tags of at most 40 characters, separated by commas."
        category = (form.get("category") or "").strip().lower()
        if category and category not in CATEGORIES:
            errors["category"] = "Choose a category from the list."
        if errors:
            raise Invalid("Check the filter", errors)
        return cls(
            stone=(form.get("stone") or "").strip().lower()[:40], category=category,
            spend_min=spend_min, spend_max=spend_max,
            tiers=tuple(sorted({t for t in form.getlist("tier") if t in {x.value for x in Tier}})),
            touched_before=touched_before, anniversary_month=anniversary, birthday_month=birthday,
            has_partner={"yes": True, "no": False}.get(partner_text), assigned_to_id=int(who) if who else None,
            tags=tags)

    def to_dict(self) -> dict[str, Any]:
        """The saved form of the filter: only the fields set, in the words of the form (round-trips to parse)."""
        out: dict[str, Any] = {}
        for name in ("stone", "category", "anniversary_month", "birthday_month", "assigned_to_id"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.spend_min is not None:
            out["spend_min"] = str(self.spend_min)
        if self.spend_max is not None:
            out["spend_max"] = str(self.spend_max)
        if self.tiers:
            out["tier"] = list(self.tiers)
        if self.touched_before:
            out["touched_before"] = self.touched_before.isoformat()
        if self.has_partner is not None:
            out["has_partner"] = "yes" if self.has_partner else "no"
        if self.tags:
            out["tags"] = ", ".join(self.tags)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentFilter:
        return cls.parse(FormDict(data))

    # ------------------------------------------------------------------------------------------- words

    def describe(self, names: dict[int, str]) -> str:
        """The filter as a sentence fragment: "tier A, bought sapphire, birthday in March"."""
        parts = []
        if self.tiers:
            parts.append("tier " + "/".join(self.tiers))
        if self.assigned_to_id:
            parts.append(f"{names.get(self.assigned_to_id, 'someone')}'s clients")
        if self.category or self.stone:
            parts.append("bought " + " ".join(x for x in (self.stone, self.category) if x))
        if self.spend_min is not None and self.spend_max is not None:
            parts.append(f"spent ${self.spend_min:,.0f}–${self.spend_max:,.0f} in 24 months")
        elif self.spend_min is not None:
            parts.append(f"spent ${self.spend_min:,.0f}+ in 24 months")
        elif self.spend_max is not None:
            parts.append(f"spent up to ${self.spend_max:,.0f} in 24 months")
        if self.touched_before:
            parts.append(f"no touch since {self.touched_before:%b %-d, %Y}")
        if self.anniversary_month:
            parts.append(f"anniversary in {MONTHS[self.anniversary_month - 1]}")
        if self.birthday_month:
            parts.append(f"birthday in {MONTHS[self.birthday_month - 1]}")
        if self.has_partner is not None:
            parts.append("with a partner" if self.has_partner else "no partner on file")
        if self.tags:
            parts.append("tagged " + " + ".join(self.tags))
        return ", ".join(parts) or "every client"


class FormDict(dict):
    """A saved filter read back through parse(): the same validation as the form, one code path."""

    def getlist(self, key: str) -> list[str]:
        value = self.get(key)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def get(self, key: str, default: Any = None) -> Any:
        value = super().get(key, default)
        return value if value is None or isinstance(value, list) else str(value)


def _money(text: str | None, name: str, errors: dict[str, str]) -> Decimal | None:
    text = (text or "").strip().replace(",", "").lstrip("$")
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0:
            raise InvalidOperation
        return value
    except InvalidOperation:
        errors[name] = "Enter an amount like 2500, or leave it empty."
        return None


def _month(text: str | None, name: str, errors: dict[str, str]) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 12:
        errors[name] = "Choose a month from the list."
        return None
    return int(text)


# ----------------------------------------------------------------------------------------------------- SQL

def _month_range(month: int) -> tuple[int, int]:
    """Month-days (month * 100 + day) of a month: a range on the (store_id, md) index, no function on a column."""
    return month * 100 + 1, month * 100 + 31


def conditions(store_id: int, wanted: SegmentFilter) -> list:
    """SQL conditions on Client for a filter: set-based, one statement, scoped to the store.

    Purchases, dates and people are semi-joins (`client id IN (one scan of the store's rows)`), not correlated
    EXISTS: SQLite would otherwise probe them once per client; both databases read each side once.
    """
    where = [Client.store_id == store_id, Client.erased_at.is_(None)]
    if wanted.tiers:
        where.append(Client.tier.in_(wanted.tiers))
    if wanted.assigned_to_id:
        where.append(Client.assigned_to_id == wanted.assigned_to_id)
    if wanted.spend_min is not None:
        where.append(Client.spend_24m >= wanted.spend_min)
    if wanted.spend_max is not None:
        where.append(Client.spend_24m <= wanted.spend_max)
    if wanted.touched_before:
        # "No touch since": never touched counts too (the clients most in need of a call).
        where.append(or_(Client.last_touch_on.is_(None), Client.last_touch_on < wanted.touched_before))
    if wanted.stone or wanted.category:
        bought = [PurchaseItem.store_id == store_id]
        if wanted.stone:
            bought.append(func.lower(PurchaseItem.stone) == wanted.stone)
        if wanted.category:
            bought.append(func.lower(PurchaseItem.category) == wanted.category)
        where.append(Client.id.in_(select(Purchase.client_id).join(PurchaseItem, PurchaseItem.purchase_id == Purchase.id)
                                   .where(*bought)))
    for kind, month in ((DateKind.ANNIVERSARY, wanted.anniversary_month), (DateKind.BIRTHDAY, wanted.birthday_month)):
        if month:
            low, high = _month_range(month)
            # The client's own date (person_id null), not a child's birthday.
            where.append(Client.id.in_(select(ImportantDate.client_id).where(
                ImportantDate.store_id == store_id, ImportantDate.md.between(low, high),
                ImportantDate.kind == kind.value, ImportantDate.person_id.is_(None))))
    if wanted.has_partner is not None:
        partners = select(Person.client_id).where(Person.store_id == store_id, Person.relation == Relation.PARTNER.value)
        where.append(Client.id.in_(partners) if wanted.has_partner else Client.id.not_in(partners))
    for tag in wanted.tags:
        where.append(json_list_has(Client.tags, tag))
    return where


def json_list_has(column, value: str):  # noqa: ANN001, ANN201 - a JSON list column; a SQL condition
    """A JSON list of strings holds `value`: a LIKE on its text, the same on SQLite and PostgreSQL.

    Both store what json.dumps wrote (PostgreSQL's `json` keeps the text as given), so the quoted value
    appears verbatim; the quotes keep "vip" from matching "vip-gold". Lower-cased on both sides.
    """
    return func.lower(cast(column, String)).contains(json.dumps(value.lower()), autoescape=True)


@dataclass(frozen=True)
class SegmentPreview:
    count: int
    sample: list[tuple[int, str]]


def preview(actor: User, wanted: SegmentFilter) -> SegmentPreview:
    """How many clients match and the first names (alphabetical) as a sample."""
    require_manager(actor)
    _check_associate(actor, wanted, {})
    where = conditions(actor.store_id, wanted)
    count = db.session.scalar(select(func.count()).select_from(Client).where(*where)) or 0
    rows = db.session.execute(select(Client.id, Client.first_name, Client.last_name).where(*where)
                              .order_by(Client.search_name, Client.id).limit(SAMPLE_SIZE))
    return SegmentPreview(count, [(r.id, f"{r.first_name} {r.last_name}".strip()) for r in rows])


def _check_associate(actor: User, wanted: SegmentFilter, errors: dict[str, str]) -> None:
    """Another store's associate in the filter is refused, not silently matched to nobody."""
    if wanted.assigned_to_id:
        user = db.session.get(User, wanted.assigned_to_id)
        if user is None or user.store_id != actor.store_id:
            errors["assigned_to_id"] = "Choose an associate from the list."
            raise Invalid("Check the filter", errors)


# ------------------------------------------------------------------------------------------- saved segments

def list_segments(actor: User) -> list[Segment]:
    require_manager(actor)
    return list(db.session.scalars(select(Segment).where(Segment.store_id == actor.store_id).order_by(Segment.name)))


def get_segment(actor: User, segment_id: int) -> Segment:
    """The store's segment (NotFound for another store's id, before the role check answers 403)."""
    segment = get_scoped(actor, Segment, segment_id)
    require_manager(actor)
    return segment


def filter_of(segment: Segment) -> SegmentFilter:
    return SegmentFilter.from_dict(segment.filter or {})


def _validated(actor: User, form, segment_id: int | None) -> tuple[str, SegmentFilter]:  # noqa: ANN001
    errors: dict[str, str] = {}
    name = " ".join((form.get("name") or "").split())
    if not name:
        errors["name"] = "Name the segment, like Sapphire buyers with a March anniversary."
    elif len(name) > 120:
        errors["name"] = "Keep the name under 120 characters."
    else:
        clash = db.session.scalar(select(Segment.id).where(Segment.store_id == actor.store_id, Segment.name == name))
        if clash is not None and clash != segment_id:
            errors["name"] = "Another segment has this name; choose another."
    try:
        wanted = SegmentFilter.parse(form)
    except Invalid as exc:
        errors.update(exc.errors)
        wanted = SegmentFilter()
    who = (form.get("assigned_to_id") or "").strip()
    if who.isdigit() and "assigned_to_id" not in errors:
        # Checked even when other fields are wrong, so every message shows at once.
        try:
            _check_associate(actor, SegmentFilter(assigned_to_id=int(who)), errors)
        except Invalid:
            pass
    if errors:
        raise Invalid("Segment not saved", errors)
    return name, wanted


def save_segment(actor: User, form, segment_id: int | None = None) -> Segment:  # noqa: ANN001
    """Create a segment, or change the name and filter of one (its campaigns keep the filter they ran with)."""
    segment = get_segment(actor, segment_id) if segment_id is not None else None
    require_manager(actor)
    name, wanted = _validated(actor, form, segment_id)
    if segment is None:
        segment = Segment(store_id=actor.store_id, created_by_id=actor.id, name=name)
        db.session.add(segment)
    segment.name = name
    segment.filter = wanted.to_dict()
    db.session.flush()
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="segment_saved",
                              target=f"segment:{segment.id}"))
    db.session.commit()
    return segment


def delete_segment(actor: User, segment_id: int) -> str:
    """Remove a saved segment; campaigns made from it stay, with their own copy of the filter."""
    segment = get_segment(actor, segment_id)
    name = segment.name
    db.session.delete(segment)
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="segment_deleted",
                              target=f"segment:{segment_id}"))
    db.session.commit()
    return name


def staff_names(actor: User) -> dict[int, str]:
    return dict(db.session.execute(select(User.id, User.name).where(User.store_id == actor.store_id)).all())
