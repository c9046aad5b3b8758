from datetime import date

import pytest

from jewelpwa.domain.occasions import (
    anniversary_years,
    easter_on,
    is_milestone,
    month_days_between,
    mothers_day_on,
    next_yearly_on,
    ordinal,
    yearly_on,
)


@pytest.mark.parametrize("year", [2027, 2100, 2025])
def test_feb_29_falls_on_feb_28_in_common_years(year):
    assert yearly_on(2, 29, year) == date(year, 2, 28)


@pytest.mark.parametrize("year", [2028, 2000, 2024])
def test_feb_29_stays_feb_29_in_leap_years(year):
    assert yearly_on(2, 29, year) == date(year, 2, 29)


@pytest.mark.parametrize(
    ("month", "day", "on", "expected"),
    [
        (1, 10, date(2025, 12, 25), date(2026, 1, 10)),
        (6, 3, date(2026, 6, 3), date(2026, 6, 3)),
        (6, 3, date(2026, 6, 4), date(2027, 6, 3)),
        (2, 29, date(2027, 3, 1), date(2028, 2, 29)),
        (2, 29, date(2026, 3, 1), date(2027, 2, 28)),
    ],
)
def test_next_yearly_on_is_first_occurrence_on_or_after_today(month, day, on, expected):
    assert next_yearly_on(month, day, on) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2019, date(2019, 4, 21)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday_by_gregorian_computus(year, expected):
    assert easter_on(year) == expected


@pytest.mark.parametrize("country", ["US", "CA", "AU", "us", "NZ", "JP", "DE", "IT", "ZZ"])
@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, date(2024, 5, 12)),
        (2025, date(2025, 5, 11)),
        (2026, date(2026, 5, 10)),
        (2027, date(2027, 5, 9)),
        (2028, date(2028, 5, 14)),
        (2029, date(2029, 5, 13)),
        (2030, date(2030, 5, 12)),
    ],
)
def test_mothers_day_is_second_sunday_of_may_in_us_and_unknown_countries(country, year, expected):
    assert mothers_day_on(year, country) == expected


@pytest.mark.parametrize("country", ["GB", "UK", "ie"])
@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, date(2024, 3, 10)),
        (2025, date(2025, 3, 30)),
        (2026, date(2026, 3, 15)),
        (2027, date(2027, 3, 7)),
    ],
)
def test_mothering_sunday_is_three_weeks_before_easter_in_britain_and_ireland(country, year, expected):
    assert mothers_day_on(year, country) == expected


def test_mexican_mothers_day_is_always_may_10():
    assert [mothers_day_on(y, "MX") for y in (2026, 2027)] == [date(2026, 5, 10), date(2027, 5, 10)]


@pytest.mark.parametrize(
    ("year", "expected"),
    # Pentecost (Easter + 49 days): 2024 May 19, 2026 May 24, 2015 May 24 — none on the last Sunday of May.
    [(2024, date(2024, 5, 26)), (2026, date(2026, 5, 31)), (2015, date(2015, 5, 31))],
)
def test_french_mothers_day_is_last_sunday_of_may(year, expected):
    assert mothers_day_on(year, "FR") == expected


def test_french_mothers_day_moves_to_june_when_pentecost_takes_the_last_sunday_of_may():
    # 2012: Easter Apr 8, so Pentecost is May 27, the last Sunday of May.
    assert mothers_day_on(2012, "FR") == date(2012, 6, 3)


@pytest.mark.parametrize(
    ("start_year", "occasion_on", "expected"),
    [
        (2001, date(2026, 3, 14), 25),
        (None, date(2026, 3, 14), None),
        (2026, date(2026, 3, 14), None),
        (2025, date(2026, 1, 1), 1),
    ],
)
def test_anniversary_years_counts_whole_years_and_is_unknown_without_a_year(
    start_year, occasion_on, expected
):
    assert anniversary_years(start_year, occasion_on) == expected


@pytest.mark.parametrize(
    ("years", "milestone"),
    [(1, True), (5, True), (25, True), (60, True), (2, False), (12, False), (45, False), (None, False)],
)
def test_milestone_anniversaries(years, milestone):
    assert is_milestone(years) is milestone


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (25, "25th"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(n, text):
    assert ordinal(n) == text


def test_month_days_between_includes_feb_29_when_feb_28_of_a_common_year_is_in_range():
    assert (2, 29) in month_days_between(date(2027, 2, 28), date(2027, 3, 5))
    assert (2, 29) not in month_days_between(date(2027, 3, 1), date(2027, 3, 5))


def test_month_days_between_leap_year_feb_28_does_not_pull_in_feb_29():
    assert month_days_between(date(2028, 2, 20), date(2028, 2, 28)) == {(2, d) for d in range(20, 29)}
    assert (2, 29) in month_days_between(date(2028, 2, 29), date(2028, 3, 1))


def test_month_days_between_wraps_over_new_year():
    assert month_days_between(date(2025, 12, 30), date(2026, 1, 2)) == {(12, 30), (12, 31), (1, 1), (1, 2)}


def test_month_days_between_a_long_span_holds_every_day_and_an_empty_span_none():
    assert len(month_days_between(date(2025, 1, 1), date(2026, 1, 2))) == 366
    assert month_days_between(date(2026, 1, 2), date(2026, 1, 1)) == set()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2027, 1, 20), date(2027, 3, 10)),
        (date(2028, 2, 1), date(2028, 3, 31)),
        (date(2100, 2, 27), date(2100, 3, 1)),
        (date(2025, 11, 15), date(2026, 2, 14)),
    ],
)
def test_month_days_between_matches_yearly_on_exactly(start, end):
    expected = {
        (m, d)
        for m, d in _every_month_day()
        if any(start <= yearly_on(m, d, y) <= end for y in range(start.year, end.year + 1))
    }
    assert month_days_between(start, end) == expected


def _every_month_day():
    # 2000 is a leap year, so this walks all 366 (month, day) pairs.
    return {
        (date.fromordinal(n).month, date.fromordinal(n).day)
        for n in range(date(2000, 1, 1).toordinal(), date(2000, 12, 31).toordinal() + 1)
    }
