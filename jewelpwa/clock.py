"""Store-local time: every day the engine talks about is a day in the store's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from .models import Store


def store_now(store: Store, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(store.timezone))


def store_today(store: Store, now: datetime | None = None) -> date:
    return store_now(store, now).date()
