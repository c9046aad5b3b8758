"""`import_clients`: a clients file (with partners, children and yearly dates) into one store, all rows or none."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ....domain.client_columns import display_name
from ....extensions import db
from ....models import Client
from ...batching import chunks
from .client_rows import ClientRow, validate_client
from .client_writer import ClientWriter, book_clients, load_existing
from .reading import Progress, Source, counting, open_file
from .report import ImportReport, PossibleDuplicate
from .writing import CHUNK, refresh_statistics


def import_clients(store_id: int, path_or_text: Source, dry_run: bool = False, *, today: date,
                   mapping: list[str] | None = None, commit: bool = True,
                   progress: Progress | None = None, date_order: str | None = None) -> ImportReport:
    """Import a clients CSV into one store: all rows or none; re-importing the same file changes nothing.

    With commit=False a clean apply is left in the session for the caller to commit with its own rows.
    `date_order` ("day_first" / "month_first") overrides the store's country for this file's slash dates.
    """
    report, errors, warnings, rows, staff, rules = open_file(store_id, path_or_text, dry_run, "clients", mapping,
                                                             today, date_order)
    valid: list[ClientRow] = []
    first_line: dict[str, int] = {}
    for row in counting(rows, progress):
        if not row.cells["client_number"]:
            # Any id will do when the client number is blank (Square's "Reference ID" often is; its own id is not).
            row.cells["client_number"] = row.cells["other_id"]
        number = row.cells["client_number"]
        parsed = validate_client(row, staff, errors, rules, warnings)
        if number and number in first_line:
            errors.add(row.line, "client_number", f'"{number}" is already on row {first_line[number]}: one row per client')
            continue
        first_line.setdefault(number, row.line)
        if parsed is not None:
            valid.append(parsed)

    by_number = book_clients(store_id)
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

    # An empty book has no client to be a duplicate of: a first import skips a lookup per 500 phones and emails.
    if by_number:
        report.duplicates = _possible_duplicates(store_id, [p for p in valid if p.number not in by_number])
    matched = [by_number[p.number].id for p in valid if p.number in by_number]
    writer = ClientWriter(store_id, today, load_existing(matched), warnings, rules.region)
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
    refresh_statistics(report.created + report.updated)
    if commit:
        db.session.commit()
    return report


def _possible_duplicates(store_id: int, new: list[ClientRow]) -> list[PossibleDuplicate]:
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
                                                        display_name(client.first_name, client.last_name), by)
    return sorted(found.values(), key=lambda d: d.row)
