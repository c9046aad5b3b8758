"""create_client at the counter, with a duplicate check by phone digits and e-mail inside the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, false, func, or_, select

from ...clock import store_today
from ...domain.client_columns import MAX_PHONE_DIGITS, client_columns, phone_digits, phone_e164
from ...domain.emails import is_email
from ...domain.time_zones import implied_zone
from ...domain.vocab import DateKind, Role
from ...extensions import db
from ...models import Client, User
from ..engine.planner import engine_settings
from ..errors import Invalid
from .people import DateInput, new_date_row, propose_date_follow_up, read_yearly_date

MIN_PHONE_DIGITS = 7


@dataclass(frozen=True)
class Duplicate:
    """An existing client that shares the new client's phone digits or e-mail."""

    client: Client
    field: str  # "phone" or "email"


class DuplicateClient(Invalid):
    """The new client looks like someone already in the book; the view offers their card or "save anyway"."""

    def __init__(self, matches: list[Duplicate]) -> None:
        first = matches[0]
        what = "phone number" if first.field == "phone" else "email"
        super().__init__(f"{first.client.display_name} already has this {what}", {first.field: f"Already used by {first.client.display_name}."})
        self.matches = matches


def _digit_variants(digits: str) -> list[str]:
    # Numbers are compared in E.164 (domain.client_columns.phone_digits); one that could not be read is kept as
    # typed, so a North American number may still be stored with or without its leading 1.
    if len(digits) == 11 and digits.startswith("1"):
        return [digits, digits[1:]]
    if len(digits) == 10:
        return [digits, "1" + digits]
    return [digits]


def find_duplicates(actor: User, phone: str | None, email: str | None) -> list[Duplicate]:
    """Clients of the actor's store with the same phone digits or the same e-mail (case-insensitive)."""
    digits = phone_digits(phone, actor.store.country)
    email = (email or "").strip().lower() or None
    conditions: list[ColumnElement[bool]] = []
    if digits:
        conditions.append(Client.phone_digits.in_(_digit_variants(digits)))
    if email:
        conditions.append(func.lower(Client.email) == email)
    if not conditions:
        return []
    rows = db.session.scalars(select(Client).where(
        Client.store_id == actor.store_id, Client.erased_at.is_(None), or_(*conditions)).order_by(Client.id).limit(5))
    found = []
    for row in rows:
        same_phone = digits is not None and row.phone_digits in _digit_variants(digits)
        found.append(Duplicate(row, "phone" if same_phone else "email"))
    return found


def assignable_staff(actor: User) -> list[User]:
    """Active staff of the actor's store a client can be assigned to, associates first then by name."""
    return list(db.session.scalars(select(User).where(
        User.store_id == actor.store_id, User.active.is_not(false())).order_by(
        (User.role != Role.ASSOCIATE.value), User.name)))


def create_client(actor: User, first_name: str, last_name: str = "", phone: str = "", email: str = "",
                  date_kind: str = "", when: DateInput | None = None, assigned_to_id: int | None = None,
                  confirm_duplicate: bool = False, today: date | None = None) -> Client:
    """Add a client to the store's book, assigned to the actor unless told; a date in window gets its follow-up."""
    errors: dict[str, str] = {}
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    phone, email = (phone or "").strip(), (email or "").strip().lower()
    if not first_name:
        errors["first_name"] = "Enter the client's first name."
    elif len(first_name) > 80:
        errors["first_name"] = "Shorten the first name to 80 characters."
    if len(last_name) > 80:
        errors["last_name"] = "Shorten the last name to 80 characters."
    digits = phone_digits(phone, actor.store.country)
    if phone and (digits is None or len(digits) < MIN_PHONE_DIGITS):
        errors["phone"] = f"“{phone}” is not a phone number: enter at least {MIN_PHONE_DIGITS} digits, like (415) 555-0101."
    elif digits and (len(digits) > MAX_PHONE_DIGITS or len(phone) > 40):
        errors["phone"] = f"“{phone}” is too long for a phone number: at most {MAX_PHONE_DIGITS} digits."
    if email and not is_email(email):
        errors["email"] = f"“{email}” is not an email address: write it like name@example.com."
    if not phone and not email and "first_name" not in errors:
        errors["phone"] = "Enter a phone number (or an email) so the store can reach them."
    when = when or DateInput()
    kind = (date_kind or DateKind.BIRTHDAY).strip().lower()
    if kind not in (DateKind.BIRTHDAY, DateKind.ANNIVERSARY):
        errors["date_kind"] = "Choose birthday or anniversary."
    parsed = read_yearly_date(when, "date", errors, actor.store.country)
    assignee_id = assigned_to_id or actor.id
    if assignee_id != actor.id:
        assignee = db.session.get(User, assignee_id)
        if assignee is None or assignee.store_id != actor.store_id or not assignee.active:
            errors["assigned_to_id"] = "Choose someone on this store's team."
    if errors:
        raise Invalid("Client not saved", errors)
    if not confirm_duplicate:
        matches = find_duplicates(actor, phone, email)
        if matches:
            raise DuplicateClient(matches)

    today = today or store_today(actor.store)
    client = Client(store_id=actor.store_id, first_name=first_name, last_name=last_name, phone=phone or None,
                    email=email or None, assigned_to_id=assignee_id, first_seen_on=today, source="counter",
                    frequency="normal", **client_columns(first_name, last_name, phone, actor.store.country),
                    time_zone=implied_zone(phone_e164(phone, actor.store.country), actor.store.timezone))
    db.session.add(client)
    db.session.flush()
    if parsed is not None:
        row = new_date_row(client, kind, parsed)
        propose_date_follow_up(client, row, None, today, engine_settings(actor.store))
    db.session.commit()
    return client
