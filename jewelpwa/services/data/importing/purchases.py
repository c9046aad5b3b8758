"""`import_purchases`: a purchases file into one store; rows sharing a receipt_number are one purchase."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ....extensions import db
from ....models import Client
from ...batching import chunks
from ...engine.client_value import recompute_spend_and_tiers
from ...engine.planner import engine_settings
from ..app_names import app_number, app_receipt
from .purchase_rows import ItemRow, fill_from_first_line, receipt_conflicts, validate_purchase
from .purchase_writer import PurchaseWriter, load_existing, purchases_by_receipt
from .reading import CsvRow, Errors, Progress, Source, counting, get_store, open_file
from .report import ImportReport
from .writing import CHUNK, refresh_statistics


def import_purchases(store_id: int, path_or_text: Source, dry_run: bool = False, *, today: date,
                     mapping: list[str] | None = None, commit: bool = True,
                     progress: Progress | None = None, date_order: str | None = None) -> ImportReport:
    """Import a purchases CSV: rows sharing a receipt_number are one purchase with several items."""
    report, errors, warnings, rows, staff, rules = open_file(store_id, path_or_text, dry_run, "purchases", mapping,
                                                             today, date_order)
    clients: dict[str, int] = {app_number(id_, number): id_ for number, id_ in db.session.execute(
        select(Client.client_number, Client.id).where(Client.store_id == store_id, Client.erased_at.is_(None)))}
    fill_from_first_line(rows)
    _numbers_from_emails(store_id, rows, errors)
    rows = _skip_erased(store_id, rows, clients, report, errors)
    receipt_conflicts(rows, errors)
    receipts: dict[str, list[ItemRow]] = {}
    for row in counting(rows, progress):
        if (parsed := validate_purchase(row, clients, staff, today, errors, rules.day_first, rules.locale)) is not None:
            receipts.setdefault(parsed.receipt, []).append(parsed)
    report.warnings = warnings.items
    if errors.items:
        report.rejected = sorted(set(errors.items), key=lambda e: (e.row, e.column))
        if commit:
            db.session.rollback()
        return report

    existing = load_existing(store_id, list(receipts))
    writer = PurchaseWriter(store_id, existing)
    for receipt, lines in receipts.items():
        purchase = existing.purchases.get(receipt)
        if purchase is None:
            writer.create(receipt, lines)
            report.created += 1
            report.items += len(lines)
        elif writer.update(purchase, lines):
            report.updated += 1
            report.items += len(lines)
        else:
            report.unchanged += 1
    if dry_run:
        if commit:
            db.session.rollback()
        return report
    writer.write()
    refresh_statistics(report.created)
    # Cards, search by tier and segments show the imported spend at once, not after the next morning's plan;
    # only the clients whose figures change are written (the planner then rewrites none of them).
    recompute_spend_and_tiers(store_id, today, engine_settings(get_store(store_id)))
    if commit:
        db.session.commit()
    return report


def _numbers_from_emails(store_id: int, rows: list[CsvRow], errors: Errors) -> None:
    """An online shop's order export names the buyer by email (Shopify's orders export has no customer number):
    such a row gets the number of the store's client with that email."""
    wanted = {r.cells["client_email"].strip().lower() for r in rows
              if not r.cells["client_number"] and r.cells["client_email"]}
    if not wanted:
        return
    found: dict[str, list[str]] = {}
    for chunk in chunks(sorted(wanted), CHUNK):
        for id_, number, email in db.session.execute(
            select(Client.id, Client.client_number, func.lower(Client.email))
            .where(Client.store_id == store_id, Client.erased_at.is_(None), func.lower(Client.email).in_(chunk))
        ):
            found.setdefault(email, []).append(app_number(id_, number))
    for row in rows:
        email = row.cells["client_email"].strip().lower()
        if row.cells["client_number"] or not email:
            continue
        numbers = found.get(email, [])
        if len(numbers) == 1:
            row.cells["client_number"] = numbers[0]
        elif not numbers:
            errors.add(row.line, "client_email", f'"{row.cells["client_email"]}" is not the email of a client of '
                                                 "this store: import the clients file first, or add a client_number")
        else:
            errors.add(row.line, "client_email", f'"{row.cells["client_email"]}" is the email of {len(numbers)} '
                                                 f"clients ({', '.join(sorted(numbers))}): add a client_number column")


def _skip_erased(store_id: int, rows: list[CsvRow], clients: dict[str, int], report: ImportReport,
                 errors: Errors) -> list[CsvRow]:
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
        known.update(app_receipt(p.id, p.receipt_number) for p in purchases_by_receipt(store_id, chunk))
    for row in mine:
        if row.cells["receipt_number"] not in known:
            errors.add(row.line, "client_number", f'"{row.cells["client_number"]}" belongs to a client whose data '
                                                  "was erased: a new sale cannot be added to it")
    report.unchanged += len({r.cells["receipt_number"] for r in mine if r.cells["receipt_number"] in known})
    skipped = {id(r) for r in mine}
    return [r for r in rows if id(r) not in skipped]
