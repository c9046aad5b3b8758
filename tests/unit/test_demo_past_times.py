"""The demo's past logs each associate's touches through a working day, not all at one moment."""

from __future__ import annotations

import random
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from jewelpwa.demo.past import CALLS_END, day_of_touches

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize("count", [0, 1, 10, 15, 40])
def test_touches_start_mid_morning_move_on_and_end_by_half_past_five(count):
    rng = random.Random(count)
    times = day_of_touches(rng, NY, date(2026, 3, 14), count)
    assert len(times) == count
    if not count:
        return
    assert time(9, 30) <= times[0].timetz().replace(tzinfo=None) <= time(10, 30)
    assert times[-1].timetz().replace(tzinfo=None) <= time(*CALLS_END)
    assert all(a <= b for a, b in zip(times, times[1:], strict=False))
    assert all(t.tzinfo == NY and t.date() == date(2026, 3, 14) for t in times)
    if count >= 10:
        assert len({t.hour for t in times}) >= 2, "a list is worked over hours, not in one burst"
