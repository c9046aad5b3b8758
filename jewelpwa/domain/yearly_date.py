"""Yearly dates (a birthday, an anniversary: the year may be unknown) and the date spellings people type.

Pure: the counter forms, the importer and the bench read dates through here. Every parser raises ValueError with
a message that says what to write instead.

A numeric date with slashes is read in the order of the store's country (`day_first_in`): 03/04/1985 is 4 March in
a US store and 3 April in a British one. An import can override it (the Data page's "Dates in this file").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages

from .client_columns import month_day

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_name) if name})
MONTHS["sept"] = 9

# A time after the date is ignored: exports write "Created" as "2019-03-04 10:12:00 -0500" (Shopify),
# "2019-03-04T15:12:00.000Z" (Vend) or "3/4/2019 10:12 AM" (spreadsheets).
_TIME = re.compile(r"(?:[T ]|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
                   r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?$")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")  # 1985/02/14 (East Asian exports), 1985.02.14
_NUMERIC = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")  # the store's order decides
_DASHED = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})")  # 02-14-1985 or 14-02-1985: the store's order too
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")  # the documented yearless MM-DD, in every store
_SLASH_YEARLESS = re.compile(r"(\d{1,2})/(\d{1,2})")
_DOTTED_DAY_MONTH = re.compile(r"(\d{1,2})\.(\d{1,2})\.?")
_NAMED_MD = re.compile(r"([A-Za-z]{3,9})\.?[\s-]+(\d{1,2})(?:st|nd|rd|th)?(?:,?[\s-]+(\d{4}))?")
_NAMED_DM = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]{3,9})\.?(?:,?[\s-]+(\d{4}))?")  # 14-Feb-1985
DATE_FORMATS_HELP = "YYYY-MM-DD, {numeric}, DD.MM.YYYY, 14-Feb-1985 or Mar 14"
YEARLY_FORMATS_HELP = "YYYY-MM-DD, {numeric}, DD.MM.YYYY, 14-Feb-1985, or without the year MM-DD, Mar 14 or 14 Mar"


@lru_cache(maxsize=256)
def day_first_in(country: str | None) -> bool:
    """Whether people in this country write the day before the month (03/04/1985 = 3 April), from the CLDR
    date patterns Babel ships for the country's main official language (en_US "M/d/yy", en_GB "dd/MM/y").

    A year-first short pattern (en_ZA "y/MM/dd", en_CA "y-MM-dd") says nothing about a date whose year comes
    last, so the medium pattern decides there (en_ZA "dd MMM y": day first; en_CA "MMM d, y": month first);
    a country whose every pattern is year first (zh_CN, ja_JP, ko_KR) writes month before day.
    """
    territory = (country or "US").upper()
    for language in (*get_official_languages(territory, de_facto=True), "en"):
        try:
            locale = Locale.parse(f"{language}_{territory}")
        except (UnknownLocaleError, ValueError):
            continue
        patterns = [locale.date_formats[width].pattern for width in ("short", "medium")]
        pattern = next((p for p in patterns if not p.lstrip("'").startswith("y")), patterns[0])
        letters = [ch for ch in pattern if ch in "dM"]
        return bool(letters) and letters[0] == "d"
    return False


def numeric_help(day_first: bool) -> str:
    return "DD/MM/YYYY" if day_first else "MM/DD/YYYY"


@dataclass(frozen=True)
class YearlyDate:
    month: int
    day: int
    year: int | None

    @property
    def md(self) -> int:
        return month_day(self.month, self.day)

    def fields(self) -> dict[str, int | None]:
        """The ImportantDate columns this date fills."""
        return {"month": self.month, "day": self.day, "year": self.year, "md": self.md}


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # "3/14/85": a birthday in a two-digit year is last century unless that is the future
        year += 1900 if year > 30 else 2000
    return year


def _month_named(word: str) -> int | None:
    return MONTHS.get(word.lower().rstrip("."))


def split_date(value: str, day_first: bool = False) -> tuple[int, int, int | None]:
    """(month, day, year or None) from any supported format; ValueError when the shape is not a date.

    `day_first`: numeric dates with slashes or dashes and the year last are day first (the store's country,
    or the import's override)."""
    text = _TIME.sub("", value.strip())
    if m := _ISO.fullmatch(text) or _YEAR_FIRST.fullmatch(text):
        return int(m[2]), int(m[3]), int(m[1])
    if m := _NUMERIC.fullmatch(text) or _DASHED.fullmatch(text):
        first, second = int(m[1]), int(m[2])
        return (second, first, _year(m[3])) if day_first else (first, second, _year(m[3]))
    if m := _DOTTED.fullmatch(text):
        return int(m[2]), int(m[1]), _year(m[3])
    if m := _MONTH_DAY.fullmatch(text):
        return int(m[1]), int(m[2]), None
    if m := _SLASH_YEARLESS.fullmatch(text):
        return (int(m[2]), int(m[1]), None) if day_first else (int(m[1]), int(m[2]), None)
    if m := _DOTTED_DAY_MONTH.fullmatch(text):
        return int(m[2]), int(m[1]), None
    if (m := _NAMED_MD.fullmatch(text)) and (month := _month_named(m[1])):
        return month, int(m[2]), int(m[3]) if m[3] else None
    if (m := _NAMED_DM.fullmatch(text)) and (month := _month_named(m[2])):
        return month, int(m[1]), int(m[3]) if m[3] else None
    raise ValueError("shape")


def _other_order(value: str, column: str, month: int, day: int, day_first: bool) -> None:
    """"14/02/1985" in a month-first store (or "02/14/1985" in a day-first one) is written the other way round:
    say so instead of "not a date"."""
    text = _TIME.sub("", value.strip())
    separator = "/" if "/" in text else "-" if text.count("-") == 2 and not _ISO.fullmatch(text) else ""
    if separator and month > 12 and 1 <= day <= 12:
        parts = text.split(separator)
        swapped = separator.join([parts[1], parts[0], *parts[2:]])
        order, other = ("day first", "month first") if day_first else ("month first", "day first")
        raise ValueError(f'{column} "{value}" has month {month}: this store reads {separator} dates {order} '
                         f'({swapped}); if the whole file is {other}, choose "{other}" for its dates on the '
                         f'import page (or write {".".join(parts) if not day_first else swapped})')


def parse_yearly_date(value: str, column: str, day_first: bool = False) -> YearlyDate:
    """A yearly date (birthday, anniversary): the year may be left out; 29 Feb only in a leap year or without one."""
    not_a_date = f'{column} "{value}" is not a date: use {YEARLY_FORMATS_HELP.format(numeric=numeric_help(day_first))}'
    try:
        month, day, year = split_date(value, day_first)
    except ValueError:
        raise ValueError(not_a_date) from None
    _other_order(value, column, month, day, day_first)
    if year is not None and not 1900 <= year <= 2200:
        raise ValueError(f'{column} "{value}": the year must be between 1900 and 2200 (leave it out when it is unknown)')
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        if year and month == 2 and day == 29:
            raise ValueError(f'{column} "{value}" is not a date: {year} is not a leap year '
                             "(write 02-29 when the year is unknown)")
        raise ValueError(not_a_date)
    return YearlyDate(month, day, year)


def parse_full_date(value: str, column: str, day_first: bool = False) -> date:
    """A calendar date with its year (a sale, a client's first visit)."""
    message = (f'{column} "{value}" is not a date with a year: use '
               f'{DATE_FORMATS_HELP.format(numeric=numeric_help(day_first))} with the year')
    try:
        month, day, year = split_date(value, day_first)
    except ValueError:
        raise ValueError(message) from None
    _other_order(value, column, month, day, day_first)
    try:
        if year is None:
            raise ValueError(message)
        return date(year, month, day)
    except ValueError:
        raise ValueError(message) from None
