"""Dates and phone numbers read the store's country's way (issue 21)."""

from __future__ import annotations

from datetime import date

import pytest

from jewelpwa.domain.client_columns import dial_number, phone_digits, phone_e164
from jewelpwa.domain.yearly_date import YearlyDate, day_first_in, parse_full_date, parse_yearly_date

# Day-first countries: the ones the issue names, and CLDR's short date patterns (Unicode CLDR, "Date/Time
# Patterns" chart, en_GB dd/MM/y, en_AU d/M/yy, en_IN d/M/yy, de dd.MM.yy, fr dd/MM/y, es d/M/yy).
DAY_FIRST = ("GB", "IE", "AU", "NZ", "ZA", "SG", "IN", "DE", "FR", "ES", "IT", "MX", "BR")
MONTH_FIRST = ("US", "CA", "PH", "JP", "CN", "KR")


@pytest.mark.parametrize("country", DAY_FIRST)
def test_day_first_countries(country):
    assert day_first_in(country)
    assert parse_yearly_date("03/04/1985", "birthday", day_first_in(country)) == YearlyDate(4, 3, 1985)


@pytest.mark.parametrize("country", MONTH_FIRST)
def test_month_first_countries(country):
    assert not day_first_in(country)


@pytest.mark.parametrize("typed", ["14-Feb-1985", "1985/02/14", "1985-02-14", "14 Feb 1985", "Feb 14, 1985",
                                   "14.02.1985", "1985-02-14T10:00:00Z", "1985-02-14 10:11:12 -0500"])
def test_every_store_reads_unambiguous_spellings(typed):
    for day_first in (False, True):
        assert parse_full_date(typed, "date", day_first) == date(1985, 2, 14)


def test_uk_phone_in_both_forms_is_one_number_and_dials_in_e164():
    assert phone_digits("07700 900123", "GB") == phone_digits("+44 7700 900123", "GB") == "447700900123"
    assert dial_number("07700 900123", "GB") == "+447700900123"
    assert phone_e164("12345", "GB") is None and phone_digits("12345", "GB") == "12345"  # kept, flagged
