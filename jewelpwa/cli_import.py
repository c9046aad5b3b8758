"""`flask --app wsgi import clients|purchases FILE.csv [--dry-run] [--store SLUG_OR_NAME]`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from .services.errors import Invalid

import_group = AppGroup("import", help="Import clients and purchases from a point-of-sale CSV export (docs/import.md).")

_file = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_dry_run = click.option("--dry-run", is_flag=True, help="Check the whole file and report what would change; write nothing.")
_store = click.option("--store", "store_ref", metavar="SLUG_OR_NAME",
                      help="Store to import into; defaults to the only store when there is one.")


def _run(importer: Callable, file: Path, dry_run: bool, store_ref: str | None) -> None:
    from .engine_cli import store_from_option
    from .services.clock import store_today

    store = store_from_option(store_ref)
    try:
        report = importer(store.id, file, dry_run, today=store_today(store))
    except Invalid as e:
        raise click.UsageError("; ".join(e.errors.values()) or e.message) from e
    click.echo(f"{store.name}: {report.summary}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    for error in report.rejected:
        click.echo(str(error))
    if report.rejected:
        click.echo("Nothing was written: fix these rows and import the file again.")
        sys.exit(1)


@import_group.command("clients")
@_file
@_dry_run
@_store
def import_clients_command(file: Path, dry_run: bool, store_ref: str | None) -> None:
    """Import clients (with partner, children and dates); re-importing updates them by client_number."""
    from .services.importing import import_clients

    _run(import_clients, file, dry_run, store_ref)


@import_group.command("purchases")
@_file
@_dry_run
@_store
def import_purchases_command(file: Path, dry_run: bool, store_ref: str | None) -> None:
    """Import purchases; rows sharing a receipt_number are one purchase, re-imports never duplicate it."""
    from .services.importing import import_purchases

    _run(import_purchases, file, dry_run, store_ref)
