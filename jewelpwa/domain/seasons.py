"""Seasons the counter screens react to: the holiday gift-list season (Nov 15 – Dec 24 by default)."""

from datetime import date, timedelta

from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import Kind
from jewelpwa.domain.windows import Window, window_for

HOLIDAY_ON = (12, 24)  # the holiday list's anchor, as in proposals.holiday_list_proposal
GIFT_DUE_DAYS = 7


def holiday_season(on: date, settings: EngineSettings) -> Window | None:
    """The holiday list's window (store rule, anchored on Dec 24) that holds `on`, or None out of season."""
    # This year's and next year's Dec 24: a store may open its list so early that it starts the year before.
    for year in (on.year, on.year + 1):
        window = window_for(Kind.HOLIDAY_LIST, date(year, *HOLIDAY_ON), settings)
        if window.contains(on):
            return window
    return None


def in_holiday_season(on: date, settings: EngineSettings) -> bool:
    """Whether `on` lies between the holiday list's opening and its expiry (both included)."""
    return holiday_season(on, settings) is not None


def gift_window(on: date, settings: EngineSettings) -> Window | None:
    """A gift-list follow-up made on `on`: opens that day, due about a week later, expires with the season."""
    season = holiday_season(on, settings)
    if season is None:
        return None
    return Window(on, min(on + timedelta(days=GIFT_DUE_DAYS), season.expires_on), season.expires_on)
