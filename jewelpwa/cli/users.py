"""`flask users create|deactivate`: staff accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import User
from ..services.accounts.users import create_user, deactivate_user, normalise_email
from ..services.errors import Invalid, NotAllowed, NotFound
from .common import fail

users = AppGroup("users", help="Staff accounts.")


@users.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["owner", "manager", "associate"]), default="associate", show_default=True)
@click.option("--store", "store_name", required=True, help="Store name; created when it does not exist yet.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (keeps it out of shell history).")
def create_user_command(email: str, name: str, role: str, store_name: str, password_stdin: bool) -> None:
    """Create a staff account."""
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
