"""The `jewelpwa` console script: the app's flask commands (`db upgrade`, `users create`, `vapid init`, ...) from an
installed wheel, with no `--app` to remember and no checkout to stand in."""

from __future__ import annotations

from flask.cli import FlaskGroup


def main() -> None:
    from .. import create_app

    FlaskGroup(name="jewelpwa", create_app=create_app, help="JewelPWA's commands (same as `flask --app jewelpwa`).")()
