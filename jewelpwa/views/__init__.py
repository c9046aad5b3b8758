"""Blueprints: thin routes that parse, call one service, render."""

from flask import Flask

from . import (
    admin,
    appointments,
    audit,
    auth,
    campaigns,
    capture,
    card,
    clients,
    counter,
    data,
    feeds,
    health,
    me,
    messages,
    outreach,
    owner,
    push,
    pwa,
    relations,
    repairs,
    segments,
    share,
    today,
    upcoming,
)

BLUEPRINTS = (auth, today, outreach, capture, clients, card, counter, upcoming, me, owner, admin, pwa, push, appointments,
              repairs, relations, share, data, segments, campaigns, feeds, audit, messages,
              health)


def register_blueprints(app: Flask) -> None:
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)
