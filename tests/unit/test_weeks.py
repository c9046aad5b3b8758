from datetime import date, timedelta

import pytest

from jewelpwa.domain.weeks import group_by_week, horizon, week_label, week_start

SUNDAY = date(2026, 11, 22)
WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("day", "monday"),
    [(date(2026, 11, 23), date(2026, 11, 23)), (SUNDAY, date(2026, 11, 16)), (WEDNESDAY, date(2026, 11, 23)),
     (date(2027, 1, 1), date(2026, 12, 28))],
)
def test_weeks_start_on_monday(day, monday):
    assert week_start(day) == monday


@pytest.mark.parametrize(
    ("start", "on", "label"),
    [
        (date(2026, 11, 23), WEDNESDAY, "This week"),
        (date(2026, 11, 30), WEDNESDAY, "Next week"),
        (date(2026, 12, 7), WEDNESDAY, "Week of Dec 7"),
        # Sunday is the last day of its week: tomorrow already belongs to next week.
        (date(2026, 11, 16), SUNDAY, "This week"),
        (date(2026, 11, 23), SUNDAY, "Next week"),
        (date(2027, 1, 4), WEDNESDAY, "Week of Jan 4, 2027"),
    ],
)
def test_week_labels_read_like_a_person_would_say_them(start, on, label):
    assert week_label(start, on) == label


def test_horizon_is_eight_weeks_with_today_included():
    first, last = horizon(WEDNESDAY, 8)
    assert first == WEDNESDAY
    assert last == WEDNESDAY + timedelta(days=55)
    assert (last - first).days + 1 == 56


def test_a_date_ten_days_ahead_is_next_week_from_wednesday_but_later_from_sunday():
    # Wed Nov 25 + 10 = Sat Dec 5 (week of Nov 30); Sun Nov 22 + 10 = Wed Dec 2, two Mondays away.
    groups = group_by_week([WEDNESDAY + timedelta(days=10)], WEDNESDAY, lambda d: d)
    assert [g.label for g in groups] == ["Next week"]
    groups = group_by_week([SUNDAY + timedelta(days=10)], SUNDAY, lambda d: d)
    assert [g.label for g in groups] == ["Week of Nov 30"]


def test_groups_are_in_calendar_order_and_items_sorted_within_a_week():
    days = [date(2026, 12, 10), date(2026, 11, 26), date(2026, 12, 8), date(2026, 11, 25)]
    groups = group_by_week(days, WEDNESDAY, lambda d: d)
    assert [(g.label, g.items) for g in groups] == [
        ("This week", [date(2026, 11, 25), date(2026, 11, 26)]),
        ("Week of Dec 7", [date(2026, 12, 8), date(2026, 12, 10)]),
    ]


def test_no_items_no_groups():
    assert group_by_week([], WEDNESDAY, lambda d: d) == []
