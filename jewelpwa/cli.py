"""`flask --app wsgi ...` commands: users, demo data, VAPID keys (engine commands register beside them)."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .services.errors import Invalid

users = AppGroup("users", help="Staff accounts.")
demo = AppGroup("demo", help="The demo store.")
vapid = AppGroup("vapid", help="Web Push signing keys.")


def fail(error: Invalid) -> None:
    click.echo(f"Error: {error.message}", err=True)
    for field, message in error.errors.items():
        click.echo(f"  {field}: {message}", err=True)
    sys.exit(2)


@users.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["owner", "manager", "associate"]), default="associate", show_default=True)
@click.option("--store", "store_name", required=True, help="Store name; created when it does not exist yet.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (keeps it out of shell history).")
def create_user_command(email: str, name: str, role: str, store_name: str, password_stdin: bool) -> None:
    """Create a staff account."""
    from .services.accounts.users import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name, role, store_name, password)
    except Invalid as e:
        fail(e)
    click.echo(f"Created {user.role} {user.email} in store '{user.store.name}'.")


@users.command("deactivate")
@click.argument("email")
@click.option("--by", "by_email", required=True, help="Email of the owner or manager doing it (recorded in the audit).")
def deactivate_user_command(email: str, by_email: str) -> None:
    """Deactivate a staff account; every session it has ends at once."""
    from sqlalchemy import select

    from .extensions import db
    from .models import User
    from .services.accounts.users import deactivate_user, normalise_email
    from .services.errors import NotAllowed, NotFound

    actor = db.session.scalar(select(User).where(User.email == normalise_email(by_email)))
    target = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if actor is None or target is None:
        fail(Invalid("Unknown account", {"email": "No account with that email."}))
    try:
        deactivate_user(actor, target.id)
    except Invalid as e:
        fail(e)
    except (NotAllowed, NotFound):
        fail(Invalid("Not allowed", {"by": f"{by_email} cannot deactivate {email} (owners and managers of the same store only)."}))
    click.echo(f"Deactivated {email}; their sessions have ended.")


@demo.command("seed")
@click.option("--clients", default=1500, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when a store already exists (used by `make run`).")
def seed_command(clients: int, if_empty: bool) -> None:
    """Create the realistic demo store and print its logins."""
    from .demo.seed import seed_demo_store

    try:
        result = seed_demo_store(clients=clients, if_empty=if_empty)
    except Invalid as e:
        fail(e)
    if result is None:
        click.echo("A store already exists; demo seed skipped.")
        return
    click.echo(f"Demo store '{result.store_name}': {result.clients} clients, {result.purchases} purchases.")
    click.echo(f"Demo logins (password for all: {result.password}):")
    for email, role in result.logins:
        click.echo(f"  {role:<9} {email}")


@vapid.command("init")
@click.option("--rotate", is_flag=True, help="Add a newer key; existing subscriptions keep their old key.")
def vapid_init_command(rotate: bool) -> None:
    """Create the VAPID key pair in instance/vapid/."""
    from .services.push.vapid import init_keys

    key, created = init_keys(current_app.instance_path, rotate=rotate)
    state = "Created" if created else "Kept existing"
    click.echo(f"{state} VAPID key {key.key_id} at {key.private_pem_path}")
    click.echo(f"Application server key: {key.application_server_key}")


def register_cli(app: Flask) -> None:
    from .engine_cli import register_engine_cli

    for group in (users, demo, vapid):
        app.cli.add_command(group)
    register_engine_cli(app)
