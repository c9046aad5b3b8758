from datetime import date

import pytest

from jewelpwa.domain.seasons import gift_window, holiday_season, in_holiday_season
from jewelpwa.domain.settings import EngineSettings

DEFAULT = EngineSettings.default()


@pytest.mark.parametrize(("on", "expected"), [
    (date(2026, 11, 14), False),
    (date(2026, 11, 15), True),
    (date(2026, 12, 1), True),
    (date(2026, 12, 24), True),
    (date(2026, 12, 25), False),
    (date(2027, 1, 10), False),
    (date(2026, 7, 4), False),
    (date(2028, 11, 15), True),  # leap year: the window is counted back from Dec 24, not from a fixed date
])
def test_holiday_season_runs_nov_15_to_dec_24_by_default(on, expected):
    assert in_holiday_season(on, DEFAULT) is expected


def test_a_store_rule_moves_the_season():
    early = EngineSettings.from_dict({"windows": {"holiday_list": [-60, -30, 0]}})
    assert in_holiday_season(date(2026, 10, 25), early)
    assert not in_holiday_season(date(2026, 10, 25), DEFAULT)


def test_a_season_opening_before_new_year_is_found_in_the_year_before():
    very_early = EngineSettings.from_dict({"windows": {"holiday_list": [-400, -30, 0]}})
    season = holiday_season(date(2026, 12, 30), very_early)
    assert season is not None and season.expires_on == date(2027, 12, 24)


def test_gift_window_is_due_in_a_week_and_expires_on_dec_24():
    window = gift_window(date(2026, 11, 20), DEFAULT)
    assert (window.opens_on, window.due_on, window.expires_on) == (date(2026, 11, 20), date(2026, 11, 27), date(2026, 12, 24))


def test_gift_window_late_in_season_is_due_by_dec_24():
    window = gift_window(date(2026, 12, 21), DEFAULT)
    assert (window.due_on, window.expires_on) == (date(2026, 12, 24), date(2026, 12, 24))


def test_no_gift_window_out_of_season():
    assert gift_window(date(2026, 6, 1), DEFAULT) is None
