"""What time it is: the one place a request, a job or a test asks for "now" and "today".

A store's day is a day in the store's timezone: every day the engine talks about is one. Tests pin the clock
by setting `CLOCK_NOW` (an aware datetime) in the app's config; requests, services, jobs and the browser tests'
live server all read it, so a route test chooses its day instead of patching functions. Outside an app
context (the domain's callers pass today in) the real clock answers. `make test-on DATE=` moves the whole
process's clock with libfaketime instead, for the suite as a whole.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

CONFIG_KEY = "CLOCK_NOW"


class Store(Protocol):
    """A store as the clock sees it (the models import this module for their timestamps' default)."""

    timezone: str


def utcnow() -> datetime:
    """Now, aware and in UTC: the app's pinned moment when a test has set one, else the real clock."""
    if has_app_context():
        pinned = current_app.config.get(CONFIG_KEY)
        if pinned is not None:
            return pinned
    return datetime.now(UTC)


def store_now(store: Store, now: datetime | None = None) -> datetime:
    """`now` (default: this moment) on the store's wall clock."""
    return (now or utcnow()).astimezone(ZoneInfo(store.timezone))


def store_today(store: Store, now: datetime | None = None) -> date:
    """The store's calendar day at `now` (default: this moment)."""
    return store_now(store, now).date()
