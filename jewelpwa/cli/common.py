"""What the commands share: an error printed as the forms print it, a day argument, the store an option names."""

from __future__ import annotations

import sys
from datetime import date
from typing import NoReturn

import click

from ..models import Store
from ..services.accounts.stores import find_store
from ..services.errors import Invalid


def fail(error: Invalid) -> NoReturn:
    click.echo(f"Error: {error.message}", err=True)
    for field, message in error.errors.items():
        click.echo(f"  {field}: {message}", err=True)
    sys.exit(2)


def parse_day(_ctx, _param, value: str) -> date:  # noqa: ANN001 - click callback
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}” is not a date: use YYYY-MM-DD, e.g. 2026-11-22.") from None


def store_from_option(ref: str | None) -> Store:
    """The store a --store option names (or the only one), as a usage error when it cannot be told."""
    try:
        return find_store(ref)
    except Invalid as e:
        raise click.UsageError("; ".join(e.errors.values()) or e.message) from e
