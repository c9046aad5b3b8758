"""CSV import of a point-of-sale export: clients (with their people and dates) and purchases.

Every row is validated before anything is written; one rejected row means nothing is written and the
report lists every problem with its line number. A clean file is written in one transaction. Re-importing
the same file changes nothing: clients are matched by client_number and purchases by receipt_number.

Rows are written layer by layer (clients, then people, then dates) with add_all and one flush per layer,
so the database hands out ids in bulk instead of one round trip per row. Follow-ups are not made here:
the planner makes them from these dates and purchases when it plans the day.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, delete, insert, select, text, update

from ...clock import utcnow
from ...domain.client_columns import MAX_PHONE_DIGITS, phone_digits, search_name
from ...domain.money import parse_price
from ...domain.vocab import Channel, DateKind, Frequency, Relation
from ...domain.yearly_date import YearlyDate, parse_full_date, parse_yearly_date
from ...extensions import db
from ...models import Client, ConsentEvent, ImportantDate, Person, Purchase, PurchaseItem, Store, User
from ..batching import chunks
from ..engine.client_value import recompute_spend_and_tiers
from ..engine.planner import engine_settings
from ..errors import Invalid, NotFound
from . import import_mapping, pos_csv

CLIENT_COLUMNS = import_mapping.CLIENT_FIELDS
CLIENT_REQUIRED = import_mapping.REQUIRED["clients"]
PURCHASE_COLUMNS = import_mapping.PURCHASE_FIELDS
PURCHASE_REQUIRED = import_mapping.REQUIRED["purchases"]
# How often the validation loop reports progress to a background job.
PROGRESS_EVERY = 2000

# Column widths of the tables; PostgreSQL refuses longer text, so it is a row error, not a crash.
MAX_LENGTH = {
    "client_number": 40, "first_name": 80, "last_name": 80, "email": 254, "phone": 40,
    "partner_name": 120, "receipt_number": 40, "description": 200, "category": 40, "metal": 40,
    "stone": 40, "brand": 60, "occasion": 40, "associate_email": 254,
}
# IN lists are sent in chunks: SQLite caps bound parameters and PostgreSQL plans big lists slowly.
CHUNK = 500

# Plain strings: StrEnum member lookups are slow enough to show in a 50,000-row profile.
_BIRTHDAY, _ANNIVERSARY = DateKind.BIRTHDAY.value, DateKind.ANNIVERSARY.value
_PARTNER, _CHILD = Relation.PARTNER.value, Relation.CHILD.value
_NORMAL = Frequency.NORMAL.value
_CHANNELS = frozenset(c.value for c in Channel)
_FREQUENCIES = frozenset(f.value for f in Frequency)
_YES = {"yes", "y", "true", "t", "1"}
_NO = {"no", "n", "false", "f", "0", ""}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the line it is on (header = 1), the column, and what to fix."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}" if self.column else f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class PossibleDuplicate:
    """Row `row` (new client `client_number`) has the phone or email of the book's client `existing_number`."""

    row: int
    client_number: str
    existing_id: int
    existing_number: str | None
    existing_name: str
    by: str  # "phone" or "email"

    def __str__(self) -> str:
        return (f"row {self.row}: client {self.client_number} has the {self.by} of {self.existing_name} "
                f"(client {self.existing_number or 'without a number'})")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do). Nothing was written when `rejected` is not empty."""

    kind: str  # "clients" or "purchases"
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    items: int = 0  # purchase items written (purchases only)
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    # New clients whose phone or email is already a client's under another number: offered, never merged.
    duplicates: list[PossibleDuplicate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.rejected})

    @property
    def summary(self) -> str:
        """One line, e.g. "Would create 120 clients, update 3; 0 rows rejected"."""
        rows = f"{self.rejected_rows} row{'' if self.rejected_rows == 1 else 's'} rejected"
        if self.rejected:
            return f"Nothing imported: {rows} ({len(self.rejected)} problem{'' if len(self.rejected) == 1 else 's'})"
        create, update = ("Would create", "update") if self.dry_run else ("Created", "updated")
        noun = self.kind if self.created != 1 else self.kind.removesuffix("s")
        text = f"{create} {self.created} {noun}, {update} {self.updated}"
        if self.unchanged:
            text += f", {self.unchanged} unchanged"
        return f"{text}; {rows}"


# --------------------------------------------------------------------------------------------- reading

@dataclass
class _Row:
    line: int
    cells: dict[str, str]


class _Errors:
    """Collects row errors; a row with any error is left out of the write plan."""

    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append(RowError(row, column, message))


Source = str | bytes | os.PathLike[str]


def read_text(path_or_text: Source) -> tuple[str, str]:
    """The file's text and encoding (UTF-8 with or without BOM, else Windows-1252); a str with a line break
    is the text itself."""
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        return path_or_text.removeprefix("\ufeff"), "text"
    if isinstance(path_or_text, bytes):
        return pos_csv.decode(path_or_text)
    try:
        with open(path_or_text, "rb") as f:
            return pos_csv.decode(f.read())
    except OSError as e:
        raise Invalid("File not read", {"file": f"{path_or_text}: {e.strerror}"}) from e


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _read_rows(text: str, kind: str, store_id: int, mapping: list[str] | None,
               errors: _Errors, warnings: _Errors) -> list[_Row]:
    """Rows as {field: stripped cell}; header problems are errors on row 1 and stop the import.

    Without a mapping the header names decide (documented names, then the store's remembered choices and
    the names point-of-sale systems use); the upload page passes the mapping the owner confirmed.
    """
    columns, required = import_mapping.FIELDS[kind], import_mapping.REQUIRED[kind]
    try:
        table = pos_csv.read_table(text)
    except csv.Error as e:
        errors.add(1, "", f"the header cannot be read ({e}): save the file as CSV")
        return []
    if not table.header:
        errors.add(1, "", f"the file is empty: the first line must name the columns ({', '.join(required)} at least)")
        return []
    if mapping is None:
        names = [_normalise_header(h) for h in table.header]
        seen: set[str] = set()
        for name in names:
            if name in seen and name in columns:
                errors.add(1, name, "this column appears twice in the header: keep one")
            seen.add(name)
        mapping = import_mapping.recognise(table.header, kind, import_mapping.remembered(store_id, kind))
        for name, field_ in zip(table.header, mapping, strict=True):
            if name.strip() and not field_:
                warnings.add(1, _normalise_header(name), "not an import column, ignored")
    elif len(mapping) != len(table.header):
        raise Invalid("The mapping does not fit the file", {"mapping": "choose a field for each column again"})
    for name in required:
        if name not in mapping:
            errors.add(1, name, f"column is missing from the header: the file needs {', '.join(required)}")
    if errors.items:
        return []
    wanted = [(i, f) for i, f in enumerate(mapping) if f]
    width = len(mapping)
    rows: list[_Row] = []
    unescape = pos_csv.unescape_formula
    line = 1
    try:
        for line, cells in table.rows:
            if len(cells) > width:
                errors.add(line, "", f"the row has {len(cells)} cells but the header names {width} columns: "
                                     "quote cells that contain the separator")
                continue
            row = dict.fromkeys(columns, "")
            for i, name in wanted:
                if i < len(cells):
                    row[name] = unescape(cells[i].strip())
            rows.append(_Row(line, row))
    except csv.Error as e:
        errors.add(line + 1, "", f"this line cannot be read as CSV ({e}): check its quotes")
    return rows


# --------------------------------------------------------------------------------------------- cells

def parse_flag(value: str, column: str) -> bool | None:
    """yes/no/true/false/1/0; blank is None (not given)."""
    word = value.lower()
    if word == "":
        return None
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(f'{column} "{value}" is not yes or no: use yes, no, true, false, 1, 0 or leave it blank')


def parse_children(value: str) -> list[tuple[str, YearlyDate | None]]:
    """"Emma:2015-06-01; Liam:03-14; Noah" → [(name, date or None)]; a name given twice counts once."""
    children: dict[str, tuple[str, YearlyDate | None]] = {}
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, when = (s.strip() for s in part.partition(":"))
        if not name:
            raise ValueError(f'children "{part}" has no name: write name:YYYY-MM-DD, name:MM-DD or just the name')
        if len(name) > 120:
            raise ValueError(f'children "{name[:30]}…" is longer than 120 characters')
        born = parse_yearly_date(when, f"{name}'s birthday") if when else None
        children[name.lower()] = (name, born)
    return list(children.values())


def _check_lengths(row: _Row, errors: _Errors) -> bool:
    ok = True
    for column, limit in MAX_LENGTH.items():
        value = row.cells.get(column)
        if value and len(value) > limit:
            errors.add(row.line, column, f"is {len(value)} characters long: at most {limit} fit")
            ok = False
    return ok


def _parse(row: _Row, column: str, parser: Callable[[str], Any], errors: _Errors) -> Any:
    """Parse one non-blank cell; on failure record the parser's message and return None."""
    value = row.cells[column]
    if not value:
        return None
    try:
        return parser(value)
    except ValueError as e:
        errors.add(row.line, column, str(e))
        return None


def _store(store_id: int) -> Store:
    store = db.session.get(Store, store_id)
    if store is None:
        raise NotFound("store")
    return store


Progress = Callable[[int, int], None]


def _open(store_id: int, path_or_text: Source, dry_run: bool, kind: str, mapping: list[str] | None):
    """The start both imports share: the store exists, the file decodes, its rows are split and staff loaded."""
    report = ImportReport(kind=kind, dry_run=dry_run)
    errors, warnings = _Errors(), _Errors()
    _store(store_id)
    text, _encoding = read_text(path_or_text)
    rows = _read_rows(text, kind, store_id, mapping, errors, warnings)
    return report, errors, warnings, rows, _staff_by_email(store_id)


def _counting(rows: list[_Row], progress: Progress | None):
    """The rows, telling `progress` (a background job's) how far the checks have got every few thousand."""
    total = len(rows)
    for i, row in enumerate(rows):
        if progress and i % PROGRESS_EVERY == 0:
            progress(i, total)
        yield row
    if progress:
        progress(total, total)


def _staff_by_email(store_id: int) -> dict[str, User]:
    return {u.email.lower(): u for u in db.session.scalars(select(User).where(User.store_id == store_id))}


# --------------------------------------------------------------------------------------------- clients

@dataclass
class _ClientRow:
    line: int
    number: str
    first_name: str
    last_name: str | None
    email: str | None
    phone: str | None
    phone_digits: str | None
    birthday: YearlyDate | None
    anniversary: YearlyDate | None
    partner_name: str | None
    partner_birthday: YearlyDate | None
    children: list[tuple[str, YearlyDate | None]]
    associate_id: int | None
    preferred_channel: str | None
    do_not_contact: bool | None
    frequency: str | None
    notes: str | None


def _validate_client(row: _Row, staff: dict[str, User], errors: _Errors) -> _ClientRow | None:
    before = len(errors.items)
    cells = row.cells
    _check_lengths(row, errors)
    if not cells["client_number"]:
        errors.add(row.line, "client_number", "is blank: every client needs the number the point of sale gave them "
                                              "(re-imports find the client by it)")
    if not cells["first_name"]:
        errors.add(row.line, "first_name", "is blank: enter the client's first name")
    email = cells["email"].lower() or None
    if email and not _EMAIL.fullmatch(email):
        errors.add(row.line, "email", f'"{cells["email"]}" is not an email address: write it like name@example.com')
    phone = cells["phone"] or None
    digits = phone_digits(phone)
    if phone and not digits:
        errors.add(row.line, "phone", f'"{phone}" has no digits: enter the phone number or leave it blank')
    elif digits and len(digits) > MAX_PHONE_DIGITS:
        errors.add(row.line, "phone", f'"{phone}" has {len(digits)} digits: at most {MAX_PHONE_DIGITS} fit')
    birthday = _parse(row, "birthday", lambda v: parse_yearly_date(v, "birthday"), errors)
    anniversary = _parse(row, "anniversary", lambda v: parse_yearly_date(v, "anniversary"), errors)
    partner_birthday = _parse(row, "partner_birthday", lambda v: parse_yearly_date(v, "partner_birthday"), errors)
    if cells["partner_birthday"] and not cells["partner_name"]:
        errors.add(row.line, "partner_birthday", "is given without partner_name: add the partner's name in the same row")
    children = _parse(row, "children", parse_children, errors) or []
    channel = cells["preferred_channel"].lower() or None
    if channel and channel not in _CHANNELS:
        errors.add(row.line, "preferred_channel",
                   f'"{cells["preferred_channel"]}" is not a channel: use call, text, email, visit or mail')
    dnc = _parse(row, "do_not_contact", lambda v: parse_flag(v, "do_not_contact"), errors)
    frequency = cells["frequency"].lower() or None
    if frequency and frequency not in _FREQUENCIES:
        errors.add(row.line, "frequency", f'"{cells["frequency"]}" is not a frequency: use low, normal or high')
    associate_id = None
    if associate := cells["associate_email"].lower():
        user = staff.get(associate)
        if user is None:
            errors.add(row.line, "associate_email", f'"{cells["associate_email"]}" is not a staff email in this store')
        elif not user.active:
            errors.add(row.line, "associate_email",
                       f'"{cells["associate_email"]}" is a deactivated account: assign an active associate or leave it blank')
        else:
            associate_id = user.id
    if len(errors.items) > before:
        return None
    return _ClientRow(
        line=row.line, number=cells["client_number"], first_name=cells["first_name"],
        last_name=cells["last_name"] or None, email=email, phone=phone, phone_digits=digits,
        birthday=birthday, anniversary=anniversary, partner_name=cells["partner_name"] or None,
        partner_birthday=partner_birthday, children=children, associate_id=associate_id,
        preferred_channel=channel, do_not_contact=dnc, frequency=frequency, notes=cells["notes"] or None,
    )


# ------------------------------------------------------------------------------------------ writing
# The book's current rows are read as plain tuples and changed with executemany UPDATE / INSERT statements,
# not as ORM objects: a 50,000-client re-import would otherwise build, compare and expire ~400,000 objects.
# Not add_all + flush either: the ORM must match every returned id to its object by order, SQLite cannot
# promise that order, so SQLAlchemy falls back to one INSERT per object (10,000 clients took 14 s). Here
# RETURNING gives each new id with its natural key (client_number; client, relation and name), which needs
# no order at all.

_CLIENT_FIELDS = ("first_name", "last_name", "search_name", "email", "phone", "phone_digits",
                  "preferred_channel", "frequency", "notes", "assigned_to_id", "do_not_contact")
_DATE_FIELDS = ("month", "day", "year", "md")
_ITEM_FIELDS = ("description", "category", "metal", "stone", "brand", "price")
_PURCHASE_FIELDS = ("client_id", "purchased_on", "associate_id", "occasion", "total")

# A person not written yet is named by (relation, name) under its client; a written one by its id.
_PersonRef = int | tuple[str, str]


def _differs(current: Any, values: dict[str, Any]) -> bool:
    return any(getattr(current, name) != value for name, value in values.items())


def _insert(model: type, rows: list[dict[str, Any]], *returning: str) -> list[tuple]:
    """One executemany INSERT (sent in multi-row batches); with `returning`, those columns of every new row."""
    if not rows:
        return []
    table = model.__table__
    stmt = insert(table)
    if returning:
        return [tuple(r) for r in db.session.execute(stmt.returning(*(table.c[name] for name in returning)), rows)]
    db.session.execute(stmt, rows)
    return []


def _update(model: type, rows: list[dict[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key: one executemany per table."""
    if rows:
        db.session.execute(update(model), rows)


@dataclass
class _Existing:
    """What the book already holds for the clients in the file, read in a few chunked queries."""

    people: dict[int, list[Row]] = field(default_factory=dict)  # client id → partner and child rows
    own_dates: dict[tuple[int, str], Row] = field(default_factory=dict)  # (client id, kind)
    person_birthdays: dict[int, Row] = field(default_factory=dict)  # person id → birthday


def _load_existing(client_ids: list[int]) -> _Existing:
    # No store_id filter: the ids come from this store's clients already, and with one SQLite plans the
    # query on the store index and scans every person of the store per chunk (quadratic on a re-import).
    existing = _Existing()
    for chunk in chunks(client_ids, CHUNK):
        for person in db.session.execute(
            select(Person.id, Person.client_id, Person.relation, Person.name)
            .where(Person.client_id.in_(chunk),
                   Person.relation.in_([_PARTNER, _CHILD])).order_by(Person.id)
        ):
            existing.people.setdefault(person.client_id, []).append(person)
        for when in db.session.execute(
            select(ImportantDate.id, ImportantDate.client_id, ImportantDate.person_id, ImportantDate.kind,
                   *(getattr(ImportantDate, f) for f in _DATE_FIELDS))
            .where(ImportantDate.client_id.in_(chunk),
                   ImportantDate.kind.in_([_BIRTHDAY, _ANNIVERSARY]))
            .order_by(ImportantDate.id)
        ):
            if when.person_id is None:
                existing.own_dates.setdefault((when.client_id, when.kind), when)
            elif when.kind == _BIRTHDAY:
                existing.person_birthdays.setdefault(when.person_id, when)
    return existing


class _ClientWriter:
    """Compares validated rows with the book and collects the inserts and updates that bring it in line."""

    def __init__(self, store_id: int, today: date, existing: _Existing, warnings: _Errors) -> None:
        self.store_id, self.today, self.existing, self.warnings = store_id, today, existing, warnings
        self.now = utcnow()  # one import is one moment; also spares a clock call per inserted row
        self.new_clients: list[dict[str, Any]] = []
        self.new_people: list[tuple[str, dict[str, Any]]] = []  # (client_number, values)
        self.new_dates: list[tuple[str, _PersonRef | None, dict[str, Any]]] = []
        self.new_consents: list[str] = []  # client numbers
        self.client_updates: list[dict[str, Any]] = []
        self.person_updates: list[dict[str, Any]] = []
        self.date_updates: list[dict[str, Any]] = []

    def create(self, row: _ClientRow) -> None:
        last = row.last_name or ""
        self.new_clients.append({
            "store_id": self.store_id, "client_number": row.number, "first_name": row.first_name, "last_name": last,
            "search_name": search_name(row.first_name, last), "email": row.email, "phone": row.phone,
            "phone_digits": row.phone_digits, "assigned_to_id": row.associate_id,
            "preferred_channel": row.preferred_channel, "frequency": row.frequency or _NORMAL,
            "do_not_contact": bool(row.do_not_contact), "notes": row.notes, "first_seen_on": self.today,
            "created_at": self.now, "updated_at": self.now,
        })
        if row.do_not_contact:
            self.new_consents.append(row.number)
        for kind, when in ((_BIRTHDAY, row.birthday), (_ANNIVERSARY, row.anniversary)):
            if when:
                self._new_date(row.number, None, kind, when)
        if row.partner_name:
            self._new_person(row.number, row.partner_name, _PARTNER, row.partner_birthday)
        for name, born in row.children:
            self._new_person(row.number, name, _CHILD, born)

    def update(self, client: Row, row: _ClientRow) -> bool:
        """Bring an existing client in line with the row; blank cells leave what the book holds."""
        values = {name: getattr(client, name) for name in _CLIENT_FIELDS}
        values["first_name"] = row.first_name
        if row.last_name is not None:
            values["last_name"] = row.last_name
        values["search_name"] = search_name(values["first_name"], values["last_name"])
        for name in ("email", "phone", "phone_digits", "preferred_channel", "frequency", "notes"):
            if getattr(row, name) is not None:
                values[name] = getattr(row, name)
        if row.associate_id is not None:
            values["assigned_to_id"] = row.associate_id
        if row.do_not_contact and not client.do_not_contact:
            values["do_not_contact"] = True
            self.new_consents.append(row.number)
        elif row.do_not_contact is False and client.do_not_contact:
            # Consent changes are recorded with who made them; an export cannot lift a client's do-not-contact.
            self.warnings.add(row.line, "do_not_contact", f"client {row.number} is marked do-not-contact in the app; "
                                                          "an import does not lift it: change it on the client's card")
        changed = _differs(client, values)
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
        if not _differs(current, when.fields()):
            return False
        self.date_updates.append({"id": current.id, **when.fields()})
        return True

    def write(self, client_ids: dict[str, int]) -> None:
        """Write everything collected; `client_ids` maps the numbers of the existing clients to their ids."""
        _update(Client, self.client_updates)
        _update(Person, self.person_updates)
        _update(ImportantDate, self.date_updates)
        client_ids = dict(client_ids)
        for id_, number in _insert(Client, self.new_clients, "id", "client_number"):
            client_ids[number] = id_
        people = [{**values, "client_id": client_ids[number]} for number, values in self.new_people]
        person_ids = {(client_id, relation, name): id_ for id_, client_id, relation, name in
                      _insert(Person, people, "id", "client_id", "relation", "name")}
        dates = []
        for number, person, values in self.new_dates:
            client_id = client_ids[number]
            if isinstance(person, tuple):
                person = person_ids[(client_id, *person)]
            dates.append({**values, "client_id": client_id, "person_id": person})
        _insert(ImportantDate, dates)
        _insert(ConsentEvent, [{"store_id": self.store_id, "client_id": client_ids[number], "user_id": None,
                                "channel": None, "what": "do_not_contact", "value": "import", "created_at": self.now}
                               for number in self.new_consents])


BULK_ROWS = 10_000


def _refresh_statistics(rows: int) -> None:
    """After a bulk load PostgreSQL plans with the old table sizes (nested loops, a scan per IN list) until
    autovacuum's next pass; ANALYZE samples each table and blocks neither reads nor writes. SQLite's
    statistics are refreshed by the planner's own runs, so only PostgreSQL needs it here."""
    if rows >= BULK_ROWS and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE clients, people, important_dates, purchases, purchase_items"))


def import_clients(store_id: int, path_or_text: Source, dry_run: bool = False, *, today: date,
                   mapping: list[str] | None = None, commit: bool = True,
                   progress: Progress | None = None) -> ImportReport:
    """Import a clients CSV into one store: all rows or none; re-importing the same file changes nothing.

    With commit=False a clean apply is left in the session for the caller to commit with its own rows.
    """
    report, errors, warnings, rows, staff = _open(store_id, path_or_text, dry_run, "clients", mapping)
    valid: list[_ClientRow] = []
    first_line: dict[str, int] = {}
    for row in _counting(rows, progress):
        number = row.cells["client_number"]
        parsed = _validate_client(row, staff, errors)
        if number and number in first_line:
            errors.add(row.line, "client_number", f'"{number}" is already on row {first_line[number]}: one row per client')
            continue
        first_line.setdefault(number, row.line)
        if parsed is not None:
            valid.append(parsed)

    by_number = {app_number(c.id, c.client_number): c for c in db.session.execute(
        select(Client.id, Client.client_number, Client.erased_at, *(getattr(Client, f) for f in _CLIENT_FIELDS))
        .where(Client.store_id == store_id))}
    for parsed in valid:
        client = by_number.get(parsed.number)
        if client is not None and client.erased_at is not None:
            errors.add(parsed.line, "client_number", f'"{parsed.number}" belongs to a client whose data was erased: '
                                                     "remove the row (an erased client is not brought back)")
    if errors.items:
        report.rejected = sorted(errors.items, key=lambda e: e.row)
        report.warnings = warnings.items
        if commit:
            db.session.rollback()
        return report

    report.duplicates = _possible_duplicates(store_id, [p for p in valid if p.number not in by_number])
    matched = [by_number[p.number].id for p in valid if p.number in by_number]
    writer = _ClientWriter(store_id, today, _load_existing(matched), warnings)
    for parsed in valid:
        client = by_number.get(parsed.number)
        if client is None:
            writer.create(parsed)
            report.created += 1
        elif writer.update(client, parsed):
            report.updated += 1
        else:
            report.unchanged += 1
    report.warnings = sorted(warnings.items, key=lambda e: e.row)
    if dry_run:
        if commit:
            db.session.rollback()
        return report
    writer.write({number: client.id for number, client in by_number.items()})
    _refresh_statistics(report.created + report.updated)
    if commit:
        db.session.commit()
    return report


def _possible_duplicates(store_id: int, new: list[_ClientRow]) -> list[PossibleDuplicate]:
    """New clients whose phone digits or email already belong to a client of the store under another number."""
    by_phone = {p.phone_digits: p for p in new if p.phone_digits and len(p.phone_digits) >= 7}
    by_email = {p.email: p for p in new if p.email}
    found: dict[int, PossibleDuplicate] = {}
    for column, wanted, by in ((Client.phone_digits, by_phone, "phone"), (Client.email, by_email, "email")):
        for chunk in chunks(list(wanted), CHUNK):
            for client in db.session.execute(
                select(Client.id, Client.client_number, Client.first_name, Client.last_name, column.label("value"))
                .where(Client.store_id == store_id, Client.erased_at.is_(None), column.in_(chunk))
            ):
                row = wanted[client.value]
                if row.line not in found and client.client_number != row.number:
                    found[row.line] = PossibleDuplicate(row.line, row.number, client.id, client.client_number,
                                                        f"{client.first_name} {client.last_name}".strip(), by)
    return sorted(found.values(), key=lambda d: d.row)


# --------------------------------------------------------------------------------------------- purchases

@dataclass
class _ItemRow:
    line: int
    receipt: str
    client_id: int
    purchased_on: date
    associate_id: int | None
    occasion: str | None
    item: dict[str, Any]


# Cells that describe the whole receipt: every row of one receipt must agree on them.
_RECEIPT_COLUMNS = ("client_number", "purchased_on", "occasion", "associate_email")


def _validate_purchase(row: _Row, clients: dict[str, int], staff: dict[str, User], today: date,
                       errors: _Errors) -> _ItemRow | None:
    before = len(errors.items)
    cells = row.cells
    _check_lengths(row, errors)
    client_id = None
    if not cells["client_number"]:
        errors.add(row.line, "client_number", "is blank: enter the number of the client who bought it")
    elif (client_id := clients.get(cells["client_number"])) is None:
        errors.add(row.line, "client_number", f'"{cells["client_number"]}" is not a client of this store: '
                                              "import the clients file first, or correct the number")
    if not cells["receipt_number"]:
        errors.add(row.line, "receipt_number", "is blank: re-imports match purchases by receipt number")
    purchased_on = None
    if not cells["purchased_on"]:
        errors.add(row.line, "purchased_on", "is blank: enter the sale date as YYYY-MM-DD")
    else:
        purchased_on = _parse(row, "purchased_on", lambda v: parse_full_date(v, "purchased_on"), errors)
        if purchased_on and purchased_on > today:
            errors.add(row.line, "purchased_on", f'"{cells["purchased_on"]}" is in the future (today is {today.isoformat()})')
    price = None
    if not cells["price"]:
        errors.add(row.line, "price", "is blank: enter the item's price (0 for no charge)")
    else:
        price = _parse(row, "price", parse_price, errors)
    associate_id = None
    if associate := cells["associate_email"].lower():
        if (user := staff.get(associate)) is None:
            errors.add(row.line, "associate_email", f'"{cells["associate_email"]}" is not a staff email in this store')
        else:
            associate_id = user.id  # a sale by someone who has since left still counts for them
    if len(errors.items) > before:
        return None
    item = {name: cells[name] or None for name in _ITEM_FIELDS if name != "price"}
    item["price"] = price
    return _ItemRow(row.line, cells["receipt_number"], client_id, purchased_on, associate_id,
                    cells["occasion"] or None, item)


def _receipt_conflicts(rows: list[_Row], errors: _Errors) -> None:
    """Rows of one receipt describe one sale: client, date, occasion and associate must agree."""
    first: dict[str, _Row] = {}
    for row in rows:
        receipt = row.cells["receipt_number"]
        if not receipt:
            continue
        if (head := first.setdefault(receipt, row)) is row:
            continue
        for column in _RECEIPT_COLUMNS:
            mine, theirs = row.cells[column], head.cells[column]
            if column == "associate_email":
                mine, theirs = mine.lower(), theirs.lower()
            # A blank occasion or associate on a later line means "same as the first line".
            if mine != theirs and (mine and theirs or column in ("client_number", "purchased_on")):
                errors.add(row.line, column, f'"{row.cells[column]}" differs from row {head.line} of receipt '
                                             f'"{receipt}" ("{head.cells[column]}"): one receipt is one sale')


def import_purchases(store_id: int, path_or_text: Source, dry_run: bool = False, *, today: date,
                     mapping: list[str] | None = None, commit: bool = True,
                     progress: Progress | None = None) -> ImportReport:
    """Import a purchases CSV: rows sharing a receipt_number are one purchase with several items."""
    report, errors, warnings, rows, staff = _open(store_id, path_or_text, dry_run, "purchases", mapping)
    clients: dict[str, int] = {app_number(id_, number): id_ for number, id_ in db.session.execute(
        select(Client.client_number, Client.id).where(Client.store_id == store_id, Client.erased_at.is_(None)))}
    rows = _skip_erased(store_id, rows, clients, report, errors)
    _receipt_conflicts(rows, errors)
    receipts: dict[str, list[_ItemRow]] = {}
    for row in _counting(rows, progress):
        if (parsed := _validate_purchase(row, clients, staff, today, errors)) is not None:
            receipts.setdefault(parsed.receipt, []).append(parsed)
    report.warnings = warnings.items
    if errors.items:
        report.rejected = sorted(set(errors.items), key=lambda e: (e.row, e.column))
        if commit:
            db.session.rollback()
        return report

    existing: dict[str, Row] = {}
    items: dict[int, list[Row]] = {}
    for chunk in chunks(list(receipts), CHUNK):
        found = _purchases_by_receipt(store_id, chunk, *(getattr(Purchase, f) for f in _PURCHASE_FIELDS))
        existing.update((app_receipt(p.id, p.receipt_number), p) for p in found)
        for item in db.session.execute(
            select(PurchaseItem.id, PurchaseItem.purchase_id, *(getattr(PurchaseItem, f) for f in _ITEM_FIELDS))
            .where(PurchaseItem.purchase_id.in_([p.id for p in found])).order_by(PurchaseItem.id)
        ):
            items.setdefault(item.purchase_id, []).append(item)

    now = utcnow()
    new_purchases: list[dict[str, Any]] = []
    new_items: list[tuple[str | int, dict[str, Any]]] = []  # (receipt of a new purchase, or purchase id; values)
    purchase_updates: list[dict[str, Any]] = []
    item_updates: list[dict[str, Any]] = []
    item_deletes: list[int] = []
    for receipt, lines in receipts.items():
        wanted = [line.item for line in lines]
        header = {"client_id": lines[0].client_id, "purchased_on": lines[0].purchased_on,
                  "associate_id": next((x.associate_id for x in lines if x.associate_id), None),
                  "occasion": next((x.occasion for x in lines if x.occasion), None),
                  "total": sum((i["price"] for i in wanted), Decimal("0"))}
        purchase = existing.get(receipt)
        if purchase is None:
            report.created += 1
            report.items += len(wanted)
            new_purchases.append({"store_id": store_id, "receipt_number": receipt, "note": None,
                                  "recipient_person_id": None, "created_at": now, **header})
            new_items.extend((receipt, item) for item in wanted)
            continue
        # Items are matched by position and changed in place, so their ids (and any trade-up credit) survive.
        current = items.get(purchase.id, [])
        changed = _differs(purchase, header) or len(current) != len(wanted)
        if _differs(purchase, header):
            purchase_updates.append({"id": purchase.id, **header})
        for old, new in zip(current, wanted, strict=False):
            if _differs(old, new):
                changed = True
                item_updates.append({"id": old.id, **new})
        item_deletes.extend(old.id for old in current[len(wanted):])
        new_items.extend((purchase.id, item) for item in wanted[len(current):])
        if changed:
            report.updated += 1
            report.items += len(wanted)
        else:
            report.unchanged += 1
    if dry_run:
        if commit:
            db.session.rollback()
        return report
    _update(Purchase, purchase_updates)
    _update(PurchaseItem, item_updates)
    for chunk in chunks(item_deletes, CHUNK):
        db.session.execute(delete(PurchaseItem).where(PurchaseItem.id.in_(chunk)))
    purchase_ids = {receipt: id_ for id_, receipt in _insert(Purchase, new_purchases, "id", "receipt_number")}
    _insert(PurchaseItem, [{"store_id": store_id, **item,
                            "purchase_id": ref if isinstance(ref, int) else purchase_ids[ref]}
                           for ref, item in new_items])
    _refresh_statistics(report.created)
    # Cards, search by tier and segments show the imported spend at once, not after the next morning's plan;
    # only the clients whose figures change are written (the planner then rewrites none of them).
    recompute_spend_and_tiers(store_id, today, engine_settings(_store(store_id)))
    if commit:
        db.session.commit()
    return report


# Clients and purchases made in the app have no point-of-sale number: exports name them by id, and a
# re-import of that export finds them by the same name (so it changes nothing instead of adding copies).
_APP_RECEIPT = re.compile(r"JP-P(\d{1,18})")


def app_number(client_id: int, number: str | None) -> str:
    return number or f"JP-{client_id}"


def app_receipt(purchase_id: int, receipt: str | None) -> str:
    return receipt or f"JP-P{purchase_id}"


def _purchases_by_receipt(store_id: int, receipts: list[str], *columns: Any) -> list[Row]:
    """The store's purchases with these receipt numbers, and those without one named JP-P<id>."""
    wanted = (Purchase.id, Purchase.receipt_number, *columns)
    found = list(db.session.execute(select(*wanted).where(Purchase.store_id == store_id,
                                                          Purchase.receipt_number.in_(receipts))))
    ids = [int(m[1]) for r in receipts if (m := _APP_RECEIPT.fullmatch(r))]
    if ids:
        found += db.session.execute(select(*wanted).where(Purchase.store_id == store_id, Purchase.id.in_(ids),
                                                          Purchase.receipt_number.is_(None)))
    return found


def _skip_erased(store_id: int, rows: list[_Row], clients: dict[str, int], report: ImportReport,
                 errors: _Errors) -> list[_Row]:
    """Rows of an erased client: its receipts already in the book are kept as they are (an export taken after
    an erasure re-imports cleanly); a new sale for it is an error."""
    erased = {app_number(id_, number) for id_, number in db.session.execute(select(Client.id, Client.client_number)
                                                                           .where(Client.store_id == store_id,
                                                                                  Client.erased_at.is_not(None)))}
    if not erased:
        return rows
    mine = [r for r in rows if r.cells["client_number"] in erased and r.cells["client_number"] not in clients]
    if not mine:
        return rows
    known: set[str] = set()
    for chunk in chunks(list({r.cells["receipt_number"] for r in mine}), CHUNK):
        known.update(app_receipt(p.id, p.receipt_number) for p in _purchases_by_receipt(store_id, chunk))
    for row in mine:
        if row.cells["receipt_number"] not in known:
            errors.add(row.line, "client_number", f'"{row.cells["client_number"]}" belongs to a client whose data '
                                                  "was erased: a new sale cannot be added to it")
    report.unchanged += len({r.cells["receipt_number"] for r in mine if r.cells["receipt_number"] in known})
    skipped = {id(r) for r in mine}
    return [r for r in rows if id(r) not in skipped]


def error_lines(errors: Iterable[RowError]) -> list[str]:
    """The errors as the CLI and the upload page print them: "row 14, birthday: …"."""
    return [str(e) for e in errors]
