"""Blueprints: thin routes that parse, call one service, render."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, auth, card, clients, counter, me, outreach, owner, push, pwa, today, upcoming

    for module in (auth, today, outreach, clients, card, counter, upcoming, me, owner, admin, pwa, push):
        app.register_blueprint(module.bp)
