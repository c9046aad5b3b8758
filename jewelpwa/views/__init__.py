"""Blueprints: thin routes that parse, call one service, render."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import auth, clients, me, owner, push, pwa, today, upcoming

    for module in (auth, today, clients, upcoming, me, owner, pwa, push):
        app.register_blueprint(module.bp)
