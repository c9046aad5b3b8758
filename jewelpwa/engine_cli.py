"""Engine commands: `plan --date D` and `agenda --date D --json`, plus the `import` group."""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask

from .models import Store
from .services.errors import Invalid


def parse_day(_ctx, _param, value: str) -> date:  # noqa: ANN001 - click callback
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}” is not a date: use YYYY-MM-DD, e.g. 2026-11-22.") from None


def store_from_option(ref: str | None) -> Store:
    """The store a --store option names (or the only one), as a usage error when it cannot be told."""
    from .services.accounts.stores import find_store

    try:
        return find_store(ref)
    except Invalid as e:
        raise click.UsageError("; ".join(e.errors.values()) or e.message) from e


@click.command("plan")
@click.option("--date", "on", required=True, callback=parse_day, help="Day to plan, YYYY-MM-DD.")
@click.option("--store", "store_name", default=None, help="Store slug or name (default: the only store).")
def plan_command(on: date, store_name: str | None) -> None:
    """Plan a store's day: create due follow-ups, expire stale ones, gate and rank the lists."""
    from .services.engine.day_lists import build_day_lists
    from .services.engine.planner import plan_store_day

    store = store_from_option(store_name)
    result = plan_store_day(store, on)
    build_day_lists(store.id, on)
    click.echo(f"Planned {on}: {result.created} follow-ups created, {result.expired} expired, {result.moved} moved.")
    for user_id, size in sorted(result.list_sizes.items()):
        click.echo(f"  associate {user_id}: {size} clients on the list")


@click.command("agenda")
@click.option("--date", "on", required=True, callback=parse_day, help="Day to list, YYYY-MM-DD.")
@click.option("--store", "store_name", default=None)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def agenda_command(on: date, store_name: str | None, as_json: bool) -> None:
    """Every open follow-up on a day, one per line (the day is planned first if it was not yet)."""
    from .services.engine.agenda import agenda
    from .services.engine.planner import plan_store_day

    store = store_from_option(store_name)
    if store.last_planned_on is None or store.last_planned_on < on:
        # Planning is idempotent, so an agenda never shows a day the engine has not looked at.
        click.echo(f"(planning {on} first)", err=True)
        plan_store_day(store, on)
    for line in agenda(store, on):
        if as_json:
            sys.stdout.write(json.dumps(line) + "\n")
        else:
            click.echo(f"{line['rank']:>3} {line['assignee'] or '-':<28} {line['client_number'] or '-':<10} "
                       f"{line['kind']:<20} {line['reasons'][0]}")


def register_engine_cli(app: Flask) -> None:
    from .cli_import import import_group

    for command in (plan_command, agenda_command, import_group):
        app.cli.add_command(command)
