"""`flask demo seed`: the demo store with a realistic past (a year lived through the engine), and its logins."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..demo.past import PAST_DAYS
from ..demo.seed import seed_demo_store
from ..services.errors import Invalid
from .common import fail

demo = AppGroup("demo", help="The demo store.")
LIVED = {"plan": "morning plans", "day_list": "call lists", "outreach": "touches", "sales": "sales"}


@demo.command("seed")
@click.option("--clients", default=1500, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when a store already exists (used by `make run`).")
@click.option("--past-days", default=PAST_DAYS, show_default=True,
              help="Days the engine lives before today (planned, worked, sold), so reports show a past; 0: none.")
def seed_command(clients: int, if_empty: bool, past_days: int) -> None:
    """Create the realistic demo store, live its past through the engine, and print its logins."""
    try:
        result = seed_demo_store(clients=clients, if_empty=if_empty, past_days=past_days)
    except Invalid as e:
        fail(e)
    if result is None:
        click.echo("A store already exists; demo seed skipped.")
        return
    click.echo(f"Demo store '{result.store_name}': {result.clients} clients, {result.purchases} purchases, "
               f"{result.counts.get('outreaches', 0)} calls, texts and emails logged in the last {past_days} days.")
    if result.timings:
        click.echo(f"Its past lived through the engine in {result.timings['past']:.0f} s (" + ", ".join(
            f"{LIVED[k]} {v:.0f} s" for k, v in result.timings.items() if k in LIVED) + ").")
    click.echo(f"Demo logins (password for all: {result.password}):")
    for email, role in result.logins:
        click.echo(f"  {role:<9} {email}")
