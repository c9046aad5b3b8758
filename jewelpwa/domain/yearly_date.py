"""Yearly dates (a birthday, an anniversary: the year may be unknown) and the date spellings people type.

Pure: the counter forms, the importer and the bench read dates through here. Every parser raises ValueError with
a message that says what to write instead.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .client_columns import month_day

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_name) if name})
MONTHS["sept"] = 9

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_MONTH_DAY = re.compile(r"(\d{1,2})[-/](\d{1,2})")
_DOTTED_DAY_MONTH = re.compile(r"(\d{1,2})\.(\d{1,2})\.?")
_NAMED_MD = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")
_NAMED_DM = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?(?:,?\s+(\d{4}))?")
DATE_FORMATS_HELP = "YYYY-MM-DD, MM/DD/YYYY, DD.MM.YYYY or Mar 14"
YEARLY_FORMATS_HELP = "YYYY-MM-DD, MM/DD/YYYY, DD.MM.YYYY, or without the year MM-DD, Mar 14 or 14 Mar"


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


def split_date(value: str) -> tuple[int, int, int | None]:
    """(month, day, year or None) from any supported format; ValueError when the shape is not a date."""
    text = value.strip()
    if m := _ISO.fullmatch(text):
        return int(m[2]), int(m[3]), int(m[1])
    if m := _US.fullmatch(text):
        return int(m[1]), int(m[2]), _year(m[3])
    if m := _DOTTED.fullmatch(text):
        return int(m[2]), int(m[1]), _year(m[3])
    if m := _MONTH_DAY.fullmatch(text):
        return int(m[1]), int(m[2]), None
    if m := _DOTTED_DAY_MONTH.fullmatch(text):
        return int(m[2]), int(m[1]), None
    if (m := _NAMED_MD.fullmatch(text)) and (month := _month_named(m[1])):
        return month, int(m[2]), int(m[3]) if m[3] else None
    if (m := _NAMED_DM.fullmatch(text)) and (month := _month_named(m[2])):
        return month, int(m[1]), int(m[3]) if m[3] else None
    raise ValueError("shape")


def _day_first_with_slashes(value: str, column: str, month: int, day: int) -> None:
    """"14/02/1985" is day first, which slashes do not mean here: say so instead of "not a date"."""
    if "/" in value and month > 12 and 1 <= day <= 12:
        parts = value.strip().split("/")
        swapped = "/".join([parts[1], parts[0], *parts[2:]])
        raise ValueError(f'{column} "{value}" has month {month}: slashes mean month first ({swapped}); write a '
                         f'day-first date with dots ({".".join(parts)})')


def parse_yearly_date(value: str, column: str) -> YearlyDate:
    """A yearly date (birthday, anniversary): the year may be left out; 29 Feb only in a leap year or without one."""
    not_a_date = f'{column} "{value}" is not a date: use {YEARLY_FORMATS_HELP}'
    try:
        month, day, year = split_date(value)
    except ValueError:
        raise ValueError(not_a_date) from None
    _day_first_with_slashes(value, column, month, day)
    if year is not None and not 1900 <= year <= 2200:
        raise ValueError(f'{column} "{value}": the year must be between 1900 and 2200 (leave it out when it is unknown)')
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        if year and month == 2 and day == 29:
            raise ValueError(f'{column} "{value}" is not a date: {year} is not a leap year '
                             "(write 02-29 when the year is unknown)")
        raise ValueError(not_a_date)
    return YearlyDate(month, day, year)


def parse_full_date(value: str, column: str) -> date:
    """A calendar date with its year (a sale)."""
    message = f'{column} "{value}" is not a date with a year: use {DATE_FORMATS_HELP} with the year'
    try:
        month, day, year = split_date(value)
    except ValueError:
        raise ValueError(message) from None
    _day_first_with_slashes(value, column, month, day)
    try:
        if year is None:
            raise ValueError(message)
        return date(year, month, day)
    except ValueError:
        raise ValueError(message) from None
