"""`flask --app wsgi import clients|purchases FILE.csv [--dry-run] [--store SLUG_OR_NAME] [--mapping ...]`.

Columns are recognised by their header names (docs/import.md); --mapping names the ones that are not,
e.g. --mapping "Kunde=client_number,Vorname=first_name" (a field left empty leaves that column out).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from ..clock import store_today
from ..services.data import import_mapping, pos_csv
from ..services.data.importing.clients import import_clients
from ..services.data.importing.purchases import import_purchases
from ..services.data.importing.reading import read_text
from ..services.errors import Invalid
from .common import store_from_option

import_group = AppGroup("import", help="Import clients and purchases from a point-of-sale CSV export (docs/import.md).")

_file = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_dry_run = click.option("--dry-run", is_flag=True, help="Check the whole file and report what would change; write nothing.")
_mapping_option = click.option("--mapping", "mapping_text", metavar="HEADER=FIELD,...",
                        help="Say which field a column holds when its header name is not recognised.")
_date_order = click.option("--date-order", type=click.Choice(["day_first", "month_first"]),
                           help="How the file writes slash dates (03/04/1985); default: as the store's country does.")
_store = click.option("--store", "store_ref", metavar="SLUG_OR_NAME",
                      help="Store to import into; defaults to the only store when there is one.")


def _mapping(kind: str, file: Path, store_id: int, mapping_text: str | None) -> list[str] | None:
    """The header's recognised fields with the --mapping choices on top; None without --mapping."""
    if not mapping_text:
        return None
    header = pos_csv.read_table(read_text(file)[0]).header
    mapping = import_mapping.recognise(header, kind, import_mapping.remembered(store_id, kind))
    names = [import_mapping.compact(h) for h in header]
    for pair in mapping_text.split(","):
        name, sep, field = (part.strip() for part in pair.partition("="))
        if not sep or import_mapping.compact(name) not in names:
            raise click.UsageError(f'--mapping "{pair}": no column "{name}" in the header ({", ".join(header)})')
        if field and field not in import_mapping.FIELDS[kind]:
            raise click.UsageError(f'--mapping "{pair}": "{field}" is not a {kind} field '
                                   f'({", ".join(import_mapping.FIELDS[kind])})')
        mapping[names.index(import_mapping.compact(name))] = field
    return mapping


def _run(importer: Callable, kind: str, file: Path, dry_run: bool, store_ref: str | None,
         mapping_text: str | None = None, date_order: str | None = None) -> None:
    store = store_from_option(store_ref)
    try:
        mapping = _mapping(kind, file, store.id, mapping_text)
        report = importer(store.id, file, dry_run, today=store_today(store), mapping=mapping, date_order=date_order)
    except Invalid as e:
        raise click.UsageError("; ".join(e.errors.values()) or e.message) from e
    click.echo(f"{store.name}: {report.summary}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    for duplicate in report.duplicates:
        click.echo(f"possible duplicate: {duplicate}")
    for error in report.rejected:
        click.echo(str(error))
    if report.rejected:
        click.echo("Nothing was written: fix these rows and import the file again.")
        sys.exit(1)


@import_group.command("clients")
@_file
@_dry_run
@_store
@_mapping_option
@_date_order
def import_clients_command(file: Path, dry_run: bool, store_ref: str | None, mapping_text: str | None,
                           date_order: str | None) -> None:
    """Import clients (with partner, children and dates); re-importing updates them by client_number."""
    _run(import_clients, "clients", file, dry_run, store_ref, mapping_text, date_order)


@import_group.command("purchases")
@_file
@_dry_run
@_store
@_mapping_option
@_date_order
def import_purchases_command(file: Path, dry_run: bool, store_ref: str | None, mapping_text: str | None,
                             date_order: str | None) -> None:
    """Import purchases; rows sharing a receipt_number are one purchase, re-imports never duplicate it."""
    _run(import_purchases, "purchases", file, dry_run, store_ref, mapping_text, date_order)
