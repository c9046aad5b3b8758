"""`flask --app wsgi ...` commands: users, the demo store, VAPID keys, the engine's plan and agenda, imports."""

from __future__ import annotations

from flask import Flask

from .demo import demo
from .engine import agenda_command, plan_command
from .imports import import_group
from .users import users
from .vapid import vapid


def register_cli(app: Flask) -> None:
    for command in (users, demo, vapid, plan_command, agenda_command, import_group):
        app.cli.add_command(command)
