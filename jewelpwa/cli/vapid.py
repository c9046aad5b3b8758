"""`flask vapid init [--rotate]`: the Web Push signing keys in instance/vapid/."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..services.push.vapid import init_keys

vapid = AppGroup("vapid", help="Web Push signing keys.")


@vapid.command("init")
@click.option("--rotate", is_flag=True, help="Add a newer key; existing subscriptions keep their old key.")
def vapid_init_command(rotate: bool) -> None:
    """Create the VAPID key pair in instance/vapid/."""
    key, created = init_keys(current_app.instance_path, rotate=rotate)
    state = "Created" if created else "Kept existing"
    click.echo(f"{state} VAPID key {key.key_id} at {key.private_pem_path}")
    click.echo(f"Application server key: {key.application_server_key}")
