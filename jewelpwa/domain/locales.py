"""The store's country, locale and currency: which ones the settings offer, and money and dates written their way.

Pure (Babel is a library of CLDR data, not a framework): views, services, pushes and the owner's pages all
format through a StoreLocale, so "$" is written in exactly one place, Babel's CLDR tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal, get_currency_symbol, get_territory_currencies

from .money import parse_money

# The countries a store can be in (the settings' list), each with the locale it writes in by default. Mother's
# Day (domain.occasions) is verified for every one of them in tests/unit/test_mothers_day_by_country.py.
COUNTRIES: tuple[tuple[str, str, str], ...] = (
    ("US", "United States", "en_US"), ("CA", "Canada", "en_CA"), ("AU", "Australia", "en_AU"),
    ("NZ", "New Zealand", "en_NZ"), ("GB", "United Kingdom", "en_GB"), ("IE", "Ireland", "en_IE"),
    ("MX", "Mexico", "es_MX"), ("FR", "France", "fr_FR"), ("DE", "Germany", "de_DE"), ("AT", "Austria", "de_AT"),
    ("CH", "Switzerland", "de_CH"), ("BE", "Belgium", "nl_BE"), ("IT", "Italy", "it_IT"), ("ES", "Spain", "es_ES"),
    ("PT", "Portugal", "pt_PT"), ("NL", "Netherlands", "nl_NL"), ("ZA", "South Africa", "en_ZA"),
    ("SG", "Singapore", "en_SG"), ("IN", "India", "en_IN"), ("JP", "Japan", "ja_JP"),
)
COUNTRY_CODES = frozenset(code for code, _, _ in COUNTRIES)
# Locales a store may choose besides its country's own: the second language of a bilingual country.
_OTHER_LOCALES = ("fr_CA", "fr_BE", "fr_CH", "it_CH")
LOCALES: tuple[str, ...] = tuple(sorted({loc for _, _, loc in COUNTRIES} | set(_OTHER_LOCALES)))
DEFAULT_COUNTRY = "US"


def default_locale(country: str) -> str:
    """The locale a store in `country` writes in unless its owner chose another."""
    return next((loc for code, _, loc in COUNTRIES if code == country), "en_US")


def default_currency(country: str) -> str:
    """The currency in use in `country` today (CLDR's territory data), USD when the country is unknown."""
    # Babel picks the currency legal tender today; a country changes it once in decades (Croatia, 2023).
    found = get_territory_currencies(country) if country in COUNTRY_CODES else []
    return found[0] if found else "USD"


@cache
def currencies() -> tuple[str, ...]:
    """The currencies the settings offer: those of the countries offered (CLDR's list also holds retired ones)."""
    return tuple(dict.fromkeys(default_currency(code) for code, _, _ in COUNTRIES))


def locale_label(code: str) -> str:
    """ "de_DE" -> "Deutsch (Deutschland) · de_DE", in the locale's own words."""
    return f"{_locale(code).get_display_name(code)} · {code}"


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def _whole_pattern(code: str) -> str:
    """The locale's currency pattern without its cents ("¤#,##0.00" -> "¤#,##0"): summaries show whole units."""
    return str(_locale(code).currency_formats["standard"].pattern).replace(".00", "")


@dataclass(frozen=True)
class StoreLocale:
    """How one store writes money and dates."""

    locale: str = "en_US"
    currency: str = "USD"

    @classmethod
    def of(cls, country: str, locale: str | None = None, currency: str | None = None) -> StoreLocale:
        """The store's choice, or its country's defaults for what it left unchosen."""
        return cls(locale or default_locale(country), currency or default_currency(country))

    def money(self, amount: Decimal | float | int | None, whole: bool = False) -> str:
        """ "$1,250.00", "£1,250.00", "1.250,00 €"; `whole` drops the cents for summaries ("$1,250")."""
        return _money(self.locale, self.currency, Decimal(amount or 0), whole)

    @property
    def symbol(self) -> str:
        """ "$", "£", "€", "CHF": for labels like "Spent at least (€)"."""
        return get_currency_symbol(self.currency, _locale(self.locale))

    @property
    def amount_example(self) -> str:
        """How to type 1250 in this locale, for placeholders and hints: "1,250.00", "1.250,00"."""
        return format_decimal(Decimal("1250.00"), format="#,##0.00", locale=_locale(self.locale))

    def day(self, on: date, form: str = "medium") -> str:
        """A date the store's way: "medium" is "Mar 14, 2026" / "14 Mar 2026" / "14.03.2026"; "month_day" is
        "Mar 14" / "14 Mar" / "14. März"; "month_year" is "Mar 2026"; "weekday" is "Sat, Mar 14"
        and "weekday_year" "Sat, Mar 14, 2026", "long_month_day" "March 14" (CLDR skeletons, which Babel orders the locale's way); any other
        is a Babel size ("long", "full": "Saturday, March 14, 2026") or a single-field pattern ("MMMM": March)."""
        return _day(self.locale, form, on)

    def moment(self, at: datetime) -> str:
        """A day and a wall time the store's way ("Mar 14, 2026, 8:00 AM" / "14 Mar 2026, 08:00"), to the minute; `at` is
        already on the store's clock."""
        return f"{format_date(at, 'medium', locale=_locale(self.locale))}, {format_time(at, 'short', locale=_locale(self.locale))}"

    def time(self, at: datetime) -> str:
        """A wall time the store's way ("2:30 PM" / "14:30"); `at` is already on the store's clock."""
        return format_time(at, "short", locale=_locale(self.locale))

    def parse_money(self, text: str, field: str = "price") -> Decimal:
        """An amount typed or exported the store's way; ValueError says what to write instead."""
        return parse_money(text, self.locale, field)


_SKELETONS = {"month_day": "MMMd", "month_year": "yMMM", "weekday": "MMMEd", "weekday_year": "yMMMEd",
              "long_month_day": "MMMMd"}


# Formatted amounts and dates are remembered (a bounded cache): Babel applies a parsed CLDR pattern on every call,
# about 0.4 ms a card of a dozen amounts and dates, and a page shows the same few values again and again. Equal
# amounts format alike whatever their exponent (the currency's digits are applied), so they may share an entry.
@lru_cache(maxsize=8192)
def _money(code: str, currency: str, value: Decimal, whole: bool) -> str:
    if whole:
        return format_currency(value.quantize(Decimal(1)), currency, _whole_pattern(code), locale=_locale(code),
                               currency_digits=False)
    return format_currency(value, currency, locale=_locale(code))


@lru_cache(maxsize=8192)
def _day(code: str, form: str, on: date) -> str:
    if form in _SKELETONS:
        return format_skeleton(_SKELETONS[form], on, locale=_locale(code))
    return format_date(on, form, locale=_locale(code))


# A store that never said otherwise: the app's first market. Pure code's default where no store is at hand.
DEFAULT_LOCALE = StoreLocale()
