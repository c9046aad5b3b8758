"""Money and dates the store's way (domain.locales, domain.money): what Babel writes, what the one parser reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jewelpwa.domain.emails import is_email
from jewelpwa.domain.locales import COUNTRIES, LOCALES, StoreLocale, currencies, default_currency
from jewelpwa.domain.money import MAX_AMOUNT, parse_money

NNBSP, NBSP = "\u202f", "\u00a0"  # CLDR: French groups with a narrow no-break space; the euro sign follows a no-break one

# (country, locale, 1250 with cents, without, 14 March 2026 "medium", "month_day")
WRITTEN = [
    ("US", "en_US", "$1,250.00", "$1,250", "Mar 14, 2026", "Mar 14"),
    ("GB", "en_GB", "£1,250.00", "£1,250", "14 Mar 2026", "14 Mar"),
    ("DE", "de_DE", f"1.250,00{NBSP}€", f"1.250{NBSP}€", "14.03.2026", "14. März"),
    ("FR", "fr_FR", f"1{NNBSP}250,00{NBSP}€", f"1{NNBSP}250{NBSP}€", "14 mars 2026", "14 mars"),
    ("ES", "es_ES", f"1.250,00{NBSP}€", f"1.250{NBSP}€", "14 mar 2026", "14 mar"),
]


@pytest.mark.parametrize(("country", "locale", "cents", "whole", "medium", "month_day"), WRITTEN)
def test_a_store_writes_money_and_dates_its_countrys_way(country, locale, cents, whole, medium, month_day):
    store = StoreLocale.of(country)
    assert store.locale == locale
    assert store.money(Decimal("1250")) == cents and store.money(Decimal("1250.40"), whole=True) == whole
    assert store.day(date(2026, 3, 14)) == medium and store.day(date(2026, 3, 14), "month_day") == month_day


def test_the_owners_choice_beats_the_countrys_and_every_offered_country_has_a_currency():
    assert StoreLocale.of("CA", "fr_CA", "CAD").money(Decimal("1250")) == f"1{NBSP}250,00{NBSP}$"
    assert StoreLocale.of("US", None, "EUR").money(Decimal("5")) == "€5.00"
    assert {default_currency(code) for code, _, _ in COUNTRIES} == set(currencies())
    assert {"GBP", "EUR", "USD", "INR", "JPY", "CHF"} <= set(currencies())
    assert {loc for _, _, loc in COUNTRIES} <= set(LOCALES)


# What a salesperson types at the counter, read in the store's locale.
TYPED = [
    ("en_US", "1,250.00", "1250.00"), ("en_US", "1250", "1250.00"), ("en_US", "$1,250.00", "1250.00"),
    ("en_US", "1,250", "1250.00"), ("en_US", "12.5", "12.50"),
    ("en_GB", "£1,250.00", "1250.00"), ("en_GB", "1250.5", "1250.50"),
    ("de_DE", "1250,00", "1250.00"), ("de_DE", "1.250,00", "1250.00"), ("de_DE", "1.250", "1250.00"),
    ("de_DE", "1.250,00 €", "1250.00"), ("de_DE", "EUR 1.250,00", "1250.00"), ("de_DE", "12,5", "12.50"),
    ("fr_FR", "1 250,00", "1250.00"), ("fr_FR", f"1{NNBSP}250,00{NBSP}€", "1250.00"), ("fr_FR", "1250,00", "1250.00"),
    ("es_ES", "1250,00", "1250.00"), ("es_ES", "1.250,00", "1250.00"), ("es_ES", "1.250,00 €", "1250.00"),
    ("en_IN", "₹12,50,000", "1250000.00"), ("de_CH", "CHF 1'250.00", "1250.00"),
    # Not the store's spelling, but only one reading: an export's "1250.00" in Germany, "1.250,00 €" in the US.
    ("de_DE", "1250.00", "1250.00"), ("en_US", "1.250,00 €", "1250.00"), ("en_US", "1250,00", "1250.00"),
]


@pytest.mark.parametrize(("locale", "typed", "stored"), TYPED)
def test_an_amount_typed_the_local_way_is_read_right(locale, typed, stored):
    assert parse_money(typed, locale) == Decimal(stored)


@pytest.mark.parametrize(("locale", "typed", "readings"), [
    ("en_US", "1.250", ("1,250", "1.25")), ("de_DE", "1,250", ("1.250", "1,25")), ("es_ES", "1,250", ("1.250", "1,25")),
])
def test_an_amount_that_could_be_read_two_ways_is_refused_with_both(locale, typed, readings):
    with pytest.raises(ValueError, match="could be") as refused:
        parse_money(typed, locale, "Price")
    assert all(r in str(refused.value) for r in readings), str(refused.value)


@pytest.mark.parametrize(("typed", "says"), [
    ("NaN", "is not an amount"), ("inf", "is not an amount"), ("Infinity", "is not an amount"),
    ("1e400", "is not an amount"), ("1E+9999999", "is not an amount"), ("0x10", "is not an amount"),
    ("٣", "is not an amount"), ("twelve", "is not an amount"), ("", "is not an amount"), ("1,2,3", "is not an amount"),
    ("-5", "is negative"), ("(12.00)", "is negative"), ("$-12", "is negative"), ("−12", "is negative"),
    ("12.3456", "more than 2 decimals"), ("10000000.01", "is more than 10,000,000"),
    ("99999999999999999999", "is more than"), ("5 000 000 000 000", "is more than"),
])
def test_what_is_not_a_price_gets_a_message_saying_what_to_write(typed, says):
    with pytest.raises(ValueError, match=says) as refused:
        parse_money(typed, "en_US", "Price")
    assert str(refused.value).startswith(f'Price "{typed.strip()}"')


def test_the_ceiling_is_one_constant_inside_the_money_columns():
    assert parse_money("10,000,000") == MAX_AMOUNT < Decimal("9999999999.99")  # Numeric(12, 2)
    with pytest.raises(ValueError, match=r"is more than 10\.000\.000"):
        parse_money("10.000.001", "de_DE")


@pytest.mark.parametrize(("address", "valid"), [
    ("ana@example.com", True), ("Ana.Silva@Gem.test", True), ("jürgen@exämple.de", True),
    ("ana@gem", False), ("a b@x.com", False), ("ana..b@x.com", False), ("@x.com", False), ("ana@", False),
    ("a" * 250 + "@x.com", False), ("ana@x.invalid", False),
])
def test_one_email_check_reads_the_syntax_and_never_the_network(address, valid):
    assert is_email(address) is valid
