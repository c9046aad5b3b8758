"""Checked client rows against the book: what it holds for them is read in a few chunked queries, and the
inserts and updates that bring it in line are collected, then written layer by layer (clients, people,
dates, consent) with one statement per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, select

from ....clock import utcnow
from ....domain.client_columns import client_columns
from ....domain.vocab import Channel, DateKind, Frequency, Relation
from ....domain.yearly_date import YearlyDate
from ....extensions import db
from ....models import Client, ConsentEvent, ImportantDate, Person
from ...batching import chunks
from ..app_names import app_number
from .client_rows import LIST_COLUMNS, TEXT_COLUMNS, ClientRow
from .reading import Errors
from .writing import CHUNK, differs, insert_rows, update_rows

# Plain strings: StrEnum member lookups are slow enough to show in a 50,000-row profile.
_BIRTHDAY, _ANNIVERSARY = DateKind.BIRTHDAY.value, DateKind.ANNIVERSARY.value
_PARTNER, _CHILD = Relation.PARTNER.value, Relation.CHILD.value
_NORMAL = Frequency.NORMAL.value

# The client columns an import sets on a client it finds in the book.
_CLIENT_COLUMNS = ("first_name", "last_name", "search_name", "email", "phone", "phone_digits",
                   "preferred_channel", "frequency", "notes", "assigned_to_id", "do_not_contact",
                   "phone_kind", "phone2", "phone2_kind", *TEXT_COLUMNS, "country", "tags", *LIST_COLUMNS, "ring_size",
                   "opted_out", "first_seen_on", "imported_spend", "imported_orders")
# Opt-outs are kept in the order the card's form lists them.
_OPT_OUT_ORDER = (Channel.CALL.value, Channel.TEXT.value, Channel.EMAIL.value, Channel.MAIL.value)
_DATE_COLUMNS = ("month", "day", "year", "md")

# A person not written yet is named by (relation, name) under its client; a written one by its id.
_PersonRef = int | tuple[str, str]


def book_clients(store_id: int) -> dict[str, Row]:
    """The store's clients, erased ones too, by the number a file names them with."""
    return {app_number(c.id, c.client_number): c for c in db.session.execute(
        select(Client.id, Client.client_number, Client.erased_at, *(getattr(Client, f) for f in _CLIENT_COLUMNS))
        .where(Client.store_id == store_id))}


@dataclass
class Existing:
    """What the book already holds for the clients in the file, read in a few chunked queries."""

    people: dict[int, list[Row]] = field(default_factory=dict)  # client id → partner and child rows
    own_dates: dict[tuple[int, str], Row] = field(default_factory=dict)  # (client id, kind)
    person_birthdays: dict[int, Row] = field(default_factory=dict)  # person id → birthday


def load_existing(client_ids: list[int]) -> Existing:
    # No store_id filter: the ids come from this store's clients already, and with one SQLite plans the
    # query on the store index and scans every person of the store per chunk (quadratic on a re-import).
    existing = Existing()
    for chunk in chunks(client_ids, CHUNK):
        for person in db.session.execute(
            select(Person.id, Person.client_id, Person.relation, Person.name)
            .where(Person.client_id.in_(chunk),
                   Person.relation.in_([_PARTNER, _CHILD])).order_by(Person.id)
        ):
            existing.people.setdefault(person.client_id, []).append(person)
        for when in db.session.execute(
            select(ImportantDate.id, ImportantDate.client_id, ImportantDate.person_id, ImportantDate.kind,
                   *(getattr(ImportantDate, f) for f in _DATE_COLUMNS))
            .where(ImportantDate.client_id.in_(chunk),
                   ImportantDate.kind.in_([_BIRTHDAY, _ANNIVERSARY]))
            .order_by(ImportantDate.id)
        ):
            if when.person_id is None:
                existing.own_dates.setdefault((when.client_id, when.kind), when)
            elif when.kind == _BIRTHDAY:
                existing.person_birthdays.setdefault(when.person_id, when)
    return existing


class ClientWriter:
    """Compares validated rows with the book and collects the inserts and updates that bring it in line."""

    def __init__(self, store_id: int, today: date, existing: Existing, warnings: Errors, region: str = "US") -> None:
        self.store_id, self.today, self.existing, self.warnings = store_id, today, existing, warnings
        self.region = region
        self.now = utcnow()  # one import is one moment; also spares a clock call per inserted row
        self.new_clients: list[dict[str, Any]] = []
        self.new_people: list[tuple[str, dict[str, Any]]] = []  # (client_number, values)
        self.new_dates: list[tuple[str, _PersonRef | None, dict[str, Any]]] = []
        self.new_consents: list[tuple[str, str, str | None]] = []  # (client number, what, channel)
        self.client_updates: list[dict[str, Any]] = []
        self.person_updates: list[dict[str, Any]] = []
        self.date_updates: list[dict[str, Any]] = []

    def create(self, row: ClientRow) -> None:
        last = row.last_name or ""
        self.new_clients.append({
            "store_id": self.store_id, "client_number": row.number, "first_name": row.first_name, "last_name": last,
            "email": row.email, "phone": row.phone,
            # phone_digits as the row's check read it: libphonenumber is the import's slowest step, read once.
            **client_columns(row.first_name, last, None), "phone_digits": row.phone_digits,
            "assigned_to_id": row.associate_id,
            "preferred_channel": row.preferred_channel, "frequency": row.frequency or _NORMAL,
            "do_not_contact": bool(row.do_not_contact), "notes": row.notes,
            # The client's first visit as the point of sale knows it, so the reconnect clock is not restarted.
            "first_seen_on": row.client_since or self.today,
            "phone_kind": row.phone_kind, "phone2": row.phone2, "phone2_kind": row.phone2_kind,
            **dict.fromkeys((*TEXT_COLUMNS, "country")), **row.text, "tags": row.tags,
            **{name: row.lists.get(name, []) for name in LIST_COLUMNS}, "ring_size": row.ring_size,
            "opted_out": [c for c in _OPT_OUT_ORDER if c in row.closed],
            "imported_spend": row.imported_spend, "imported_orders": row.imported_orders,
            "created_at": self.now, "updated_at": self.now,
        })
        if row.do_not_contact:
            self.new_consents.append((row.number, "do_not_contact", None))
        self.new_consents += [(row.number, "opt_out", c) for c in _OPT_OUT_ORDER if c in row.closed]
        for kind, when in ((_BIRTHDAY, row.birthday), (_ANNIVERSARY, row.anniversary)):
            if when:
                self._new_date(row.number, None, kind, when)
        if row.partner_name:
            self._new_person(row.number, row.partner_name, _PARTNER, row.partner_birthday)
        for name, born in row.children:
            self._new_person(row.number, name, _CHILD, born)

    def update(self, client: Row, row: ClientRow) -> bool:
        """Bring an existing client in line with the row; blank cells leave what the book holds."""
        values = {name: getattr(client, name) for name in _CLIENT_COLUMNS}
        values["first_name"] = row.first_name
        if row.last_name is not None:
            values["last_name"] = row.last_name
        for name in ("email", "phone", "preferred_channel", "frequency", "notes", "phone2", "ring_size",
                     "imported_spend", "imported_orders"):
            if getattr(row, name) is not None:
                values[name] = getattr(row, name)
        # A header that does not say what the number is ("Phone", our own export's) keeps what the book knows.
        if row.phone is not None and (row.phone_kind or row.phone != client.phone):
            values["phone_kind"] = row.phone_kind
        if row.phone2 is not None and (row.phone2_kind or row.phone2 != client.phone2):
            values["phone2_kind"] = row.phone2_kind
        values.update(row.text)
        values["tags"] = _merged(client.tags, row.tags)  # tags typed in the app (and "no pitch") stay
        for name, items in row.lists.items():
            values[name] = _merged(getattr(client, name), items)
        if row.client_since and row.client_since < client.first_seen_on:
            values["first_seen_on"] = row.client_since
        values.update(client_columns(values["first_name"], values["last_name"], None))
        values["phone_digits"] = row.phone_digits if row.phone is not None else client.phone_digits
        if row.associate_id is not None:
            values["assigned_to_id"] = row.associate_id
        if row.do_not_contact and not client.do_not_contact:
            values["do_not_contact"] = True
            self.new_consents.append((row.number, "do_not_contact", None))
        elif row.do_not_contact is False and client.do_not_contact:
            # Consent changes are recorded with who made them; an export cannot lift a client's do-not-contact.
            self.warnings.add(row.line, "do_not_contact", f"client {row.number} is marked do-not-contact in the app; "
                                                          "an import does not lift it: change it on the client's card")
        # Consent is never lost: the file can close a channel, never re-open one the client has closed.
        before = set(client.opted_out or [])
        closing = row.closed - before
        if closing:
            values["opted_out"] = [c for c in _OPT_OUT_ORDER if c in before | closing] + sorted(
                before - set(_OPT_OUT_ORDER))
            self.new_consents += [(row.number, "opt_out", c) for c in _OPT_OUT_ORDER if c in closing]
        for channel in sorted(row.opened & before):
            self.warnings.add(row.line, _CONSENT_COLUMN[channel],
                              f"client {row.number} opted out of {channel} in the app; the file's yes does not "
                              "re-open it: kept closed (change it on the client's card)")
        changed = differs(client, values)
        if changed:
            self.client_updates.append({"id": client.id, **values, "updated_at": self.now})
        for kind, when in ((_BIRTHDAY, row.birthday), (_ANNIVERSARY, row.anniversary)):
            if when:
                current = self.existing.own_dates.get((client.id, kind))
                changed |= self._set_date(row.number, None, current, kind, when)
        people = self.existing.people.get(client.id, [])
        if row.partner_name:
            partner = next((p for p in people if p.relation == _PARTNER), None)
            changed |= self._upsert_person(row.number, partner, row.partner_name, _PARTNER, row.partner_birthday)
        children = {p.name.strip().lower(): p for p in people if p.relation == _CHILD}
        for name, born in row.children:
            changed |= self._upsert_person(row.number, children.get(name.lower()), name, _CHILD, born)
        return changed

    def _new_person(self, number: str, name: str, relation: str, born: YearlyDate | None) -> None:
        self.new_people.append((number, {"store_id": self.store_id, "name": name, "relation": relation,
                                         "notes": None, "created_at": self.now}))
        if born:
            self._new_date(number, (relation, name), _BIRTHDAY, born)

    def _new_date(self, number: str, person: _PersonRef | None, kind: str, when: YearlyDate) -> None:
        self.new_dates.append((number, person, {"store_id": self.store_id, "kind": kind, "label": None,
                                                **when.fields()}))

    def _upsert_person(self, number: str, person: Row | None, name: str, relation: str,
                       born: YearlyDate | None) -> bool:
        if person is None:
            self._new_person(number, name, relation, born)
            return True
        changed = person.name != name
        if changed:
            self.person_updates.append({"id": person.id, "name": name})
        if born:
            current = self.existing.person_birthdays.get(person.id)
            changed |= self._set_date(number, person.id, current, _BIRTHDAY, born)
        return changed

    def _set_date(self, number: str, person: _PersonRef | None, current: Row | None, kind: str,
                  when: YearlyDate) -> bool:
        """Replace the date of this kind in place (so there is never a second one), or add it."""
        if current is None:
            self._new_date(number, person, kind, when)
            return True
        if not differs(current, when.fields()):
            return False
        self.date_updates.append({"id": current.id, **when.fields()})
        return True

    def write(self, client_ids: dict[str, int]) -> None:
        """Write everything collected; `client_ids` maps the numbers of the existing clients to their ids."""
        update_rows(Client, self.client_updates)
        update_rows(Person, self.person_updates)
        update_rows(ImportantDate, self.date_updates)
        client_ids = dict(client_ids)
        for id_, number in insert_rows(Client, self.new_clients, "id", "client_number"):
            client_ids[number] = id_
        people = [{**values, "client_id": client_ids[number]} for number, values in self.new_people]
        person_ids = {(client_id, relation, name): id_ for id_, client_id, relation, name in
                      insert_rows(Person, people, "id", "client_id", "relation", "name")}
        dates = []
        for number, person, values in self.new_dates:
            client_id = client_ids[number]
            if isinstance(person, tuple):
                person = person_ids[(client_id, *person)]
            dates.append({**values, "client_id": client_id, "person_id": person})
        insert_rows(ImportantDate, dates)
        insert_rows(ConsentEvent, [{"store_id": self.store_id, "client_id": client_ids[number], "user_id": None,
                                    "channel": channel, "what": what, "value": "import",
                                    "created_at": self.now} for number, what, channel in self.new_consents])


def _merged(current: list[str] | None, items: list[str]) -> list[str]:
    """The book's list with the file's new items added (compared without case), in that order."""
    have = list(current or [])
    seen = {item.lower() for item in have}
    return have + [item for item in items if item.lower() not in seen]


_CONSENT_COLUMN = {Channel.EMAIL.value: "accepts_email", Channel.TEXT.value: "accepts_text",
                   Channel.MAIL.value: "accepts_mail", Channel.CALL.value: "accepts_call"}
