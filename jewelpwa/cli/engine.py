"""Engine commands: `plan --date D` and `agenda --date D --json`."""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from ..services.engine.agenda import agenda
from ..services.engine.day_lists import build_day_lists
from ..services.engine.planner import plan_store_day
from .common import parse_day, store_from_option


@click.command("plan")
@click.option("--date", "on", required=True, callback=parse_day, help="Day to plan, YYYY-MM-DD.")
@click.option("--store", "store_name", default=None, help="Store slug or name (default: the only store).")
def plan_command(on: date, store_name: str | None) -> None:
    """Plan a store's day: create due follow-ups, expire stale ones, gate and rank the lists."""
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
