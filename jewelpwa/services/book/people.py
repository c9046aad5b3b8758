"""People in a client's life and their yearly dates, added at the counter; a date in window gets its follow-up now."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from ...domain import proposals as P
from ...domain.inputs import whole_number
from ...domain.settings import EngineSettings
from ...domain.vocab import DateKind, Relation
from ...domain.yearly_date import YearlyDate, day_first_in, parse_yearly_date
from ...extensions import db
from ...models import Client, ImportantDate, Person, User
from ..access import get_client
from ..engine.follow_ups import insert_new, row_for
from ..engine.planner import engine_settings
from ..engine.proposing import yearly_kind
from ..errors import Invalid

MONTHS = tuple(calendar.month_name[m] for m in range(1, 13))


@dataclass(frozen=True)
class DateInput:
    """A yearly date as a form sends it: month + day (+ optional year), or one YYYY-MM-DD / MM-DD text."""

    month: str = ""
    day: str = ""
    year: str = ""
    text: str = ""

    @property
    def blank(self) -> bool:
        return not (self.month.strip() or self.day.strip() or self.year.strip() or self.text.strip())


def read_yearly_date(value: DateInput, field: str, errors: dict[str, str], country: str = "US") -> YearlyDate | None:
    """The one date parser of the counter forms; a message under `field` says what to fix, None if blank or bad.

    A typed 03/04/1985 is read in the order of the store's `country` (domain.yearly_date), as the import reads it."""
    if value.blank:
        return None
    text = value.text.strip()
    if text:
        # <input type=date> sends YYYY-MM-DD; the parser also takes MM-DD for an unknown year.
        try:
            return parse_yearly_date(text, "The date", day_first_in(country))
        except ValueError as e:
            errors[field] = str(e).replace('"', "“", 1).replace('"', "”", 1)
            return None
    month_raw, day_raw, year_raw = value.month.strip(), value.day.strip(), value.year.strip()
    month = whole_number(month_raw, 1, 12)
    if month is None:
        errors[field] = "Choose the month."
        return None
    day = whole_number(day_raw, 1, 31)
    if day is None:
        errors[field] = "Enter the day of the month as a number, 1 to 31."
        return None
    year = None
    if year_raw:
        year = whole_number(year_raw, 1900, 2200)
        if year is None:
            errors[field] = "Enter the year as four digits (like 1985), or leave it blank if you don't know it."
            return None
    # Without a year, 29 February is allowed (it falls on the 28th in common years).
    longest = calendar.monthrange(year or 2000, month)[1]
    if day > longest:
        if month == 2 and day == 29:
            errors[field] = f"{year} was not a leap year, so February had 28 days: check the date or leave the year blank."
        else:
            errors[field] = f"{MONTHS[month - 1]} has only {longest} days: check the day."
        return None
    return YearlyDate(month, day, year)


def propose_date_follow_up(client: Client, row: ImportantDate, person: Person | None, today: date,
                           settings: EngineSettings) -> None:
    """Insert the follow-up of a new date when its window is open today.

    The proposal is the planner's own (same kind, source "date:<id>", same dedupe key), so tonight's
    plan_store_day sees it as existing and inserts nothing; planning just this one date is far cheaper
    than re-running plan_store_day (tiers, every date, every purchase) while the customer waits.
    The planner's gate moves it later if it would break the client's frequency tolerance.
    """
    if client.do_not_contact or client.erased_at is not None:
        return
    kind = yearly_kind(person.id if person else None, person.relation if person else None, row.kind)
    detail = {k: v for k, v in (("name", person.name if person else None), ("label", row.label)) if v}
    proposal = P.yearly_date_proposal(kind=kind, source=f"date:{row.id}", month=row.month, day=row.day,
                                      year=row.year, on=today, settings=settings, detail=detail)
    if proposal is not None:
        insert_new([row_for(client.store_id, client.id, client.assigned_to_id, proposal, today)])


def new_date_row(client: Client, kind: str, when: YearlyDate, person: Person | None = None,
                 label: str | None = None) -> ImportantDate:
    row = ImportantDate(store_id=client.store_id, client_id=client.id, person_id=person.id if person else None,
                        kind=kind, label=label or None, **when.fields())
    db.session.add(row)
    db.session.flush()
    return row


def _relation(value: str, errors: dict[str, str]) -> str:
    relation = (value or Relation.OTHER).strip().lower()
    if relation not in {r.value for r in Relation}:
        errors["relation"] = "Choose how they relate to the client: partner, child, parent, friend or other."
    return relation


def add_person(actor: User, client_id: int, name: str, relation: str, birthday: DateInput | None,
               today: date) -> Person:
    """Add someone in the client's life, with an optional birthday whose follow-up is made at once if due."""
    client = get_client(actor, client_id)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter their name (a first name is enough)."
    elif len(name) > 120:
        errors["name"] = "Shorten the name to 120 characters."
    relation = _relation(relation, errors)
    when = read_yearly_date(birthday or DateInput(), "birthday", errors, actor.store.country)
    if errors:
        raise Invalid("Person not saved", errors)
    person = Person(store_id=client.store_id, client_id=client.id, name=name, relation=relation)
    db.session.add(person)
    db.session.flush()
    if when is not None:
        row = new_date_row(client, DateKind.BIRTHDAY, when, person)
        propose_date_follow_up(client, row, person, today, engine_settings(actor.store))
    db.session.commit()
    return person


def add_date(actor: User, client_id: int, kind: str, when: DateInput, today: date, person_id: int | None = None,
             label: str | None = None) -> ImportantDate:
    """Add a yearly date of the client or one of their people; its follow-up is made at once if due."""
    client = get_client(actor, client_id)
    errors: dict[str, str] = {}
    kind = (kind or "").strip().lower()
    if kind not in {k.value for k in DateKind}:
        errors["kind"] = "Choose birthday, anniversary or another date."
    label = (label or "").strip() or None
    if kind == DateKind.CUSTOM and not label:
        errors["label"] = "Say what the date is (graduation, first date…)."
    elif label and len(label) > 80:
        errors["label"] = "Shorten the label to 80 characters."
    person = None
    if person_id is not None:
        person = db.session.get(Person, person_id)
        if person is None or person.client_id != client.id:
            errors["person_id"] = "Choose the client or one of their people."
    parsed = read_yearly_date(when, "date", errors, actor.store.country)
    if parsed is None and "date" not in errors:
        errors["date"] = "Choose the month and day."
    if errors or parsed is None:  # no date means errors["date"] says why
        raise Invalid("Date not saved", errors)
    # A label only names custom dates; birthdays and anniversaries read well on their own.
    row = new_date_row(client, kind, parsed, person, label if kind == DateKind.CUSTOM else None)
    propose_date_follow_up(client, row, person, today, engine_settings(actor.store))
    db.session.commit()
    return row
