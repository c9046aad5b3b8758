"""Pin the app's clock (jewelpwa.clock) for a test: the day a route test runs on is the test's choice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask

from jewelpwa.clock import CONFIG_KEY


class Clock:
    """`clock.set_day(d)` (noon in the store's timezone) or `clock.set(moment)`; `clock.unpin()` at teardown."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("pin the clock to an aware datetime")
        self.app.config[CONFIG_KEY] = moment.astimezone(UTC)
        return moment

    def set_day(self, day: date, timezone: str = "America/New_York", at: time = time(12)) -> datetime:
        return self.set(datetime.combine(day, at, ZoneInfo(timezone)))

    def unpin(self) -> None:
        self.app.config.pop(CONFIG_KEY, None)
