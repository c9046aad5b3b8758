"""The start both imports share: the file read into rows of {field: cell}, the cell checks both files use,
problems collected by row, and progress told to a background job."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ....domain.inputs import text_problem
from ....domain.yearly_date import day_first_in
from ....extensions import db
from ....models import Store, User
from ...errors import Invalid, NotFound
from ...stored_text import TEXT_MAX
from .. import import_mapping, pos_csv
from .report import ImportReport, RowError

# How often the validation loop reports progress to a background job.
PROGRESS_EVERY = 2000

# Column widths of the tables; PostgreSQL refuses longer text, so it is a row error, not a crash.
MAX_LENGTH = {
    "client_number": 40, "first_name": 80, "last_name": 80, "email": 254, "phone": 40, "phone2": 40,
    "partner_name": 120, "receipt_number": 40, "description": 200, "category": 40, "metal": 40,
    "stone": 40, "brand": 60, "occasion": 40, "associate_email": 254, "company": 120, "preferred_name": 80,
    "address_line1": 200, "address_line2": 200, "city": 100, "region": 100, "postal_code": 20, "other_id": 40,
    "client_email": 254,
}
DATE_ORDERS = ("day_first", "month_first")

Source = str | bytes | os.PathLike[str]
Progress = Callable[[int, int], None]


@dataclass
class CsvRow:
    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Rules:
    """How this store reads a file's cells: phone numbers in its country, slash dates in its country's order
    (or the order chosen for this import), the kind of each phone column its header names, and amounts in its
    locale ("1.250,00" is 1250 in a German store; "1250.00", as exports write it, reads everywhere)."""

    region: str
    day_first: bool
    phone_kinds: dict[str, str | None]  # "phone" / "phone2" → "mobile", "home", "work" or None
    today: date
    locale: str = "en_US"


class Errors:
    """Collects row errors; a row with any error is left out of the write plan."""

    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append(RowError(row, column, message))


def read_text(path_or_text: Source) -> tuple[str, str]:
    """The file's text and encoding (UTF-8 with or without BOM, else Windows-1252); a str with a line break
    is the text itself."""
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        return path_or_text.removeprefix("\ufeff"), "text"
    try:
        if isinstance(path_or_text, bytes):
            return pos_csv.decode(path_or_text)
        with open(path_or_text, "rb") as f:
            return pos_csv.decode(f.read())
    except OSError as e:
        raise Invalid("File not read", {"file": f"{path_or_text!s}: {e.strerror}"}) from e
    except pos_csv.NotText as e:
        raise Invalid("File not read", {"file": str(e)}) from e


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _read_rows(text: str, kind: str, store_id: int, mapping: list[str] | None,
               errors: Errors, warnings: Errors, kinds: dict[str, str | None]) -> list[CsvRow]:
    """Rows as {field: stripped cell}; header problems are errors on row 1 and stop the import.

    Without a mapping the header names decide (documented names, then the store's remembered choices and
    the names point-of-sale systems use); the upload page passes the mapping the owner confirmed.
    """
    columns, required = import_mapping.FIELDS[kind], import_mapping.REQUIRED[kind]
    needs = ", ".join(import_mapping.required_names(kind))
    try:
        table = pos_csv.read_table(text)
    except csv.Error as e:
        errors.add(1, "", f"the header cannot be read ({e}): save the file as CSV")
        return []
    if not table.header:
        errors.add(1, "", f"the file is empty: the first line must name the columns ({needs} at least)")
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
    for need in required:
        if not any(name in mapping for name in need):
            errors.add(1, need[0], f"column is missing from the header: the file needs {needs}")
    if errors.items:
        return []
    for field_ in ("phone", "phone2"):
        if field_ in mapping:
            kinds[field_] = import_mapping.phone_kind(table.header[mapping.index(field_)])
    wanted = [(i, f) for i, f in enumerate(mapping) if f]
    width = len(mapping)
    rows: list[CsvRow] = []
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
            rows.append(CsvRow(line, row))
    except csv.Error as e:
        errors.add(line + 1, "", f"this line cannot be read as CSV ({e}): check its quotes")
    return rows


def open_file(store_id: int, path_or_text: Source, dry_run: bool, kind: str, mapping: list[str] | None,
              today: date, date_order: str | None = None
              ) -> tuple[ImportReport, Errors, Errors, list[CsvRow], dict[str, User], Rules]:
    """The start both imports share: the store exists, the file decodes, its rows are split and staff loaded.
    Returns the empty report, the errors and warnings collectors, the rows, the staff by email and the rules
    the store reads cells by (`date_order` "day_first" / "month_first" overrides its country's)."""
    if date_order not in (None, "", *DATE_ORDERS):
        raise Invalid("Choose how dates are written", {"date_order": "choose day first or month first"})
    report = ImportReport(kind=kind, dry_run=dry_run)
    errors, warnings = Errors(), Errors()
    store = get_store(store_id)
    text, _encoding = read_text(path_or_text)
    kinds: dict[str, str | None] = {}
    rows = _read_rows(text, kind, store_id, mapping, errors, warnings, kinds)
    day_first = date_order == "day_first" if date_order else day_first_in(store.country)
    rules = Rules(store.country, day_first, kinds, today, store.locale_rules.locale)
    return report, errors, warnings, rows, _staff_by_email(store_id), rules


def get_store(store_id: int) -> Store:
    store = db.session.get(Store, store_id)
    if store is None:
        raise NotFound("store")
    return store


def _staff_by_email(store_id: int) -> dict[str, User]:
    return {u.email.lower(): u for u in db.session.scalars(select(User).where(User.store_id == store_id))}


def counting(rows: list[CsvRow], progress: Progress | None) -> Iterator[CsvRow]:
    """The rows, telling `progress` (a background job's) how far the checks have got every few thousand."""
    total = len(rows)
    for i, row in enumerate(rows):
        if progress and i % PROGRESS_EVERY == 0:
            progress(i, total)
        yield row
    if progress:
        progress(total, total)


# --------------------------------------------------------------------------------------------- cells

def check_lengths(row: CsvRow, errors: Errors) -> bool:
    """Every cell as the tables check it on apply (stored_text): no NUL or control character, not too long, so
    a dry run that passes cannot fail on apply."""
    ok = True
    for column, limit in MAX_LENGTH.items():
        value = row.cells.get(column)
        if value and len(value) > limit:
            errors.add(row.line, column, f"is {len(value)} characters long: at most {limit} fit")
            ok = False
    for column, value in row.cells.items():
        problem = value and text_problem(value, None if column in MAX_LENGTH else TEXT_MAX)
        if problem:
            errors.add(row.line, column, problem)
            ok = False
    return ok


def parse_cell(row: CsvRow, column: str, parser: Callable[[str], Any], errors: Errors) -> Any:
    """Parse one non-blank cell; on failure record the parser's message and return None."""
    value = row.cells[column]
    if not value:
        return None
    try:
        return parser(value)
    except ValueError as e:
        errors.add(row.line, column, str(e))
        return None
