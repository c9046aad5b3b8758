"""Which clients an owner's filter picks: the one client filter of the app.

Assigning clients (pick a book to hand over), store events (whom an event invites; the planner reads the saved
filter when it invites) and segments (campaigns, direct-mail lists) all use it: parsed from a form with a message
per field, kept as JSON under the form's own names, said in words, and turned into SQL conditions on Client.
It lives in the engine because the planner reads it, and the engine imports nothing above itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, func, or_, select

from ...domain.inputs import iso_date, whole_number
from ...domain.locales import DEFAULT_LOCALE, StoreLocale
from ...domain.money import field_message
from ...domain.vocab import DateKind, ItemCategory, Relation, Tier
from ...extensions import db
from ...models import Client, ImportantDate, Person, Purchase, PurchaseItem, User
from ..errors import Invalid

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# What a client may have bought; repairs and "other" are not pieces anyone is invited for.
CATEGORIES = tuple(c.value for c in ItemCategory if c not in (ItemCategory.REPAIR, ItemCategory.OTHER))
TIERS = tuple(t.value for t in Tier)
UNASSIGNED = "none"  # the Associate field's value for clients nobody holds
MAX_TAGS = 10
MAX_WORD = 40
MAX_ID = 2**31 - 1  # ids are INTEGER columns: a longer number is nobody here, and PostgreSQL would refuse to compare it

# The form's field names, which are also the keys of the saved JSON (Segment.filter, Campaign.filter,
# StoreEvent.client_filter), in the order the form shows them.
KEYS = ("assigned_to_id", "tier", "stone", "category", "spend_min", "spend_max", "touched_before", "has_partner",
        "anniversary_month", "birthday_month", "tags")
# Names earlier versions of the forms used. A page opened before the upgrade may still send one; read as absent it
# would silently widen the filter (an event's "spent at least" dropped invites everyone), so it is refused instead.
RETIRED = {"min_spend": "spend_min", "from": "assigned_to_id"}

ASSOCIATE_HELP = "Choose an associate from the list."


@dataclass(frozen=True)
class Choices:
    """What the form offers, for the template macro (components/_client_filter.html); parse accepts exactly these."""

    keys: tuple[str, ...] = KEYS
    tiers: tuple[str, ...] = TIERS
    unassigned: str = UNASSIGNED
    category_options: tuple[tuple[str, str], ...] = tuple((c, c.capitalize()) for c in CATEGORIES)
    month_options: tuple[tuple[str, str], ...] = tuple((str(n), name) for n, name in enumerate(MONTHS, 1))


CHOICES = Choices()


@dataclass(frozen=True)
class ClientFilter:
    """Who is picked. Every field narrows; an empty filter is the whole (not erased) book of the store."""

    assigned_to_id: int | None = None
    unassigned: bool = False  # only clients nobody holds (assigned_to_id is then None)
    tiers: tuple[str, ...] = ()
    stone: str = ""
    category: str = ""
    spend_min: Decimal | None = None
    spend_max: Decimal | None = None
    touched_before: date | None = None
    has_partner: bool | None = None
    anniversary_month: int | None = None
    birthday_month: int | None = None
    tags: tuple[str, ...] = ()

    @property
    def names_associate(self) -> bool:
        """Whose clients is said: someone's, or nobody's (assignment needs one of the two)."""
        return self.unassigned or self.assigned_to_id is not None

    # ------------------------------------------------------------------------------------------- parsing

    @classmethod
    def parse(cls, form, store_id: int | None = None,  # noqa: ANN001 - a MultiDict or FormDict
              locale: StoreLocale = DEFAULT_LOCALE) -> ClientFilter:
        """Read the filter's fields; Invalid carries one message per field that cannot be understood.

        Given the store, an associate who is not its staff is refused too (never silently matched to nobody).
        Amounts are read the store's way (`locale`); a saved filter holds them as amount_text writes them.
        """
        errors: dict[str, str] = {}
        who = _text(form, "assigned_to_id")
        assigned_to_id = None
        if who and who != UNASSIGNED:
            assigned_to_id = parse_id(who)
            if assigned_to_id is None:
                errors["assigned_to_id"] = ASSOCIATE_HELP
        category = _text(form, "category").lower()
        if category and category not in CATEGORIES:
            errors["category"] = "Choose a category from the list."
        spend_min = _money(form, "spend_min", locale, errors)
        spend_max = _money(form, "spend_max", locale, errors)
        if spend_min is not None and spend_max is not None and spend_min > spend_max:
            errors["spend_max"] = "The most must be at least the least; swap them or widen the range."
        touched_before = None
        if touched_text := _text(form, "touched_before"):
            touched_before = iso_date(touched_text)
            if touched_before is None:
                errors["touched_before"] = "Enter a date like 2026-01-31, or leave it empty."
        partner = _text(form, "has_partner")
        if partner not in ("", "yes", "no"):
            errors["has_partner"] = "Choose any, yes or no."
        months = {}
        for name in ("anniversary_month", "birthday_month"):
            text = _text(form, name)
            months[name] = _number(text, 1, 12) if text else None
            if text and months[name] is None:
                errors[name] = "Choose a month from the list."
        tags = tuple(sorted({t.strip().lower() for t in _text(form, "tags").split(",") if t.strip()}))
        if len(tags) > MAX_TAGS or any(len(t) > MAX_WORD for t in tags):
            errors["tags"] = f"Up to {MAX_TAGS} tags of at most {MAX_WORD} characters, separated by commas."
        for old, new in RETIRED.items():
            if _text(form, old):
                errors.setdefault(new, "This page changed since it was opened: reload it and fill in the filter again.")
        wanted = cls(
            assigned_to_id=assigned_to_id, unassigned=who == UNASSIGNED,
            tiers=tuple(sorted({t for t in form.getlist("tier") if t in TIERS})),
            stone=_text(form, "stone").lower()[:MAX_WORD], category=category, spend_min=spend_min, spend_max=spend_max,
            touched_before=touched_before, has_partner={"yes": True, "no": False}.get(partner),
            anniversary_month=months["anniversary_month"], birthday_month=months["birthday_month"], tags=tags)
        if store_id is not None and "assigned_to_id" not in errors:
            errors.update(wanted.staff_errors(store_id))
        if errors:
            raise Invalid("Check the filter", errors)
        return wanted

    def staff_errors(self, store_id: int) -> dict[str, str]:
        """{"assigned_to_id": why} when the filter names someone who is not staff of the store, else {}."""
        if self.assigned_to_id is None:
            return {}
        user = db.session.get(User, self.assigned_to_id)
        return {} if user is not None and user.store_id == store_id else {"assigned_to_id": ASSOCIATE_HELP}

    def check_store(self, store_id: int) -> None:
        """Invalid when the filter names another store's associate (services check what they are handed)."""
        if errors := self.staff_errors(store_id):
            raise Invalid("Check the filter", errors)

    # ------------------------------------------------------------------------------------------- stored

    def to_dict(self) -> dict[str, Any]:
        """The saved form: only the fields set, under the form's names and in its words (from_dict reads it)."""
        out: dict[str, Any] = {}
        if self.unassigned:
            out["assigned_to_id"] = UNASSIGNED
        elif self.assigned_to_id is not None:
            out["assigned_to_id"] = self.assigned_to_id
        if self.tiers:
            out["tier"] = list(self.tiers)
        for name in ("stone", "category", "anniversary_month", "birthday_month"):
            if value := getattr(self, name):
                out[name] = value
        for name in ("spend_min", "spend_max"):
            if (amount := getattr(self, name)) is not None:
                out[name] = amount_text(amount)
        if self.touched_before:
            out["touched_before"] = self.touched_before.isoformat()
        if self.has_partner is not None:
            out["has_partner"] = "yes" if self.has_partner else "no"
        if self.tags:
            out["tags"] = ", ".join(self.tags)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ClientFilter:
        """A saved filter, read back through parse (one validation). A key that is not a field is an error:
        ignoring it would widen the filter (a store event would invite clients its owner left out)."""
        data = data or {}
        unknown = sorted(set(data) - set(KEYS))
        if unknown:
            raise ValueError(f"a saved client filter has keys that are not fields: {', '.join(unknown)}")
        # Only the tier boxes come as a list; a list elsewhere would be read as empty, again a wider filter.
        if nested := sorted(k for k, v in data.items() if isinstance(v, (list, dict)) and k != "tier"):
            raise ValueError(f"a saved client filter has lists where single values belong: {', '.join(nested)}")
        return cls.parse(FormDict(data))

    # ------------------------------------------------------------------------------------------- words

    def describe(self, names: dict[int, str], locale: StoreLocale = DEFAULT_LOCALE) -> str:
        """The filter as a sentence fragment: "tier A, bought sapphire, birthday in March"."""
        parts = []
        if self.tiers:
            parts.append("tier " + "/".join(self.tiers))
        if self.unassigned:
            parts.append("clients with no associate")
        elif self.assigned_to_id:
            parts.append(f"{names.get(self.assigned_to_id, 'someone')}'s clients")
        if self.category or self.stone:
            parts.append("bought " + " ".join(x for x in (self.stone, self.category) if x))
        least, most = (locale.money(v, whole=True) if v is not None else None for v in (self.spend_min, self.spend_max))
        if least and most:
            parts.append(f"spent {least}–{most} in 24 months")
        elif least:
            parts.append(f"spent {least}+ in 24 months")
        elif most:
            parts.append(f"spent up to {most} in 24 months")
        if self.touched_before:
            parts.append(f"no touch since {locale.day(self.touched_before)}")
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
    """A saved filter (or any plain dict) read like the form's MultiDict, so it goes through the same parse."""

    def getlist(self, key: str) -> list[str]:
        value = self.get(key)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def get(self, key: str, default: Any = None) -> Any:
        value = super().get(key, default)
        return value if value is None or isinstance(value, list) else str(value)


def _text(form, name: str) -> str:  # noqa: ANN001
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(text: str, low: int, high: int) -> int | None:
    """A whole number written in ASCII digits within [low, high], else None."""
    return whole_number(text, low, high)


def parse_id(text: str | None) -> int | None:
    """A row id as a form sends it ("12"), or None for anything else ("", "²", "1e3", a 30-digit number)."""
    return _number((text or "").strip(), 1, MAX_ID)


def _money(form, name: str, locale: StoreLocale, errors: dict[str, str]) -> Decimal | None:  # noqa: ANN001
    """An amount as people write it ("2500", "$2,500", "2.500,00 €"), through the app's one money parser."""
    text = _text(form, name)
    if not text:
        return None
    try:
        return locale.parse_money(text, "Spend")
    except ValueError as exc:
        errors[name] = f"{field_message(exc)[:-1]}, or leave it empty."
        return None


def amount_text(amount: Decimal) -> str:
    """An amount as the form shows it and parse_money reads it back: "2500", "2500.50" (never "2.5E+3")."""
    return f"{amount:.2f}".removesuffix(".00")


# ----------------------------------------------------------------------------------------------------- SQL

def _month_range(month: int) -> tuple[int, int]:
    """Month-days (month * 100 + day) of a month: a range on the (store_id, md) index, no function on a column."""
    return month * 100 + 1, month * 100 + 31


def conditions(store_id: int, wanted: ClientFilter) -> list:
    """SQL conditions on Client for a filter: set-based, one statement, scoped to the store, erased clients out.

    Purchases, dates and people are semi-joins (`client id IN (one scan of the store's rows)`), not correlated
    EXISTS: SQLite would otherwise probe them once per client; both databases read each side once.
    """
    where = [Client.store_id == store_id, Client.erased_at.is_(None)]
    if wanted.unassigned:
        where.append(Client.assigned_to_id.is_(None))
    elif wanted.assigned_to_id is not None:
        where.append(Client.assigned_to_id == wanted.assigned_to_id)
    if wanted.tiers:
        where.append(Client.tier.in_(wanted.tiers))
    if wanted.spend_min is not None:
        where.append(Client.spend_24m >= wanted.spend_min)
    if wanted.spend_max is not None:
        where.append(Client.spend_24m <= wanted.spend_max)
    if wanted.touched_before:
        # "No touch since": never touched counts too (the clients most in need of a call).
        where.append(or_(Client.last_touch_on.is_(None), Client.last_touch_on < wanted.touched_before))
    if wanted.stone or wanted.category:
        # Both on the same item: "sapphire ring", not a sapphire necklace and a plain ring.
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
