"""Reading the CSV files real point-of-sale systems export: encodings, separators, dates and prices.

Pure functions (no Flask, no database) shared by the importer, the upload page and the bench. Every parser
raises ValueError with a message that says what to write instead; the importer turns it into a row error.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

# Excel opens a cell starting with one of these as a formula. Exports put an apostrophe in front (the way
# spreadsheets themselves escape it); the importer takes that apostrophe off again so a round trip is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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
_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[$€£¥]|US\$|CHF|kr)\s*|\s*(?:[A-Z]{3}|[$€£¥]|CHF|kr)$", re.IGNORECASE)
_AMOUNT = re.compile(r"\d[\d.,' \u00a0\u202f]*")

DATE_FORMATS_HELP = "YYYY-MM-DD, MM/DD/YYYY, DD.MM.YYYY or Mar 14"
YEARLY_FORMATS_HELP = "YYYY-MM-DD, MM/DD/YYYY, DD.MM.YYYY, or without the year MM-DD, Mar 14 or 14 Mar"


# --------------------------------------------------------------------------------------------- text

def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-8 (BOM or not), else Windows-1252.

    A file that is not valid UTF-8 is almost always from Excel or an older point of sale on Windows,
    which write Windows-1252 ("Renée" as 52 65 6E E9 65). Latin-1 is the last resort because it decodes
    any byte; 1252 leaves five bytes undefined.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab: whichever splits the header line into the most cells."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, cells = ",", 1
    for delimiter in (",", ";", "\t"):
        try:
            found = len(next(csv.reader([first], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            continue
        if found > cells:
            best, cells = delimiter, found
    return best


@dataclass
class Table:
    header: list[str]
    delimiter: str
    rows: Iterator[tuple[int, list[str]]]  # (line number as a spreadsheet shows it, cells)


def read_table(text: str, delimiter: str | None = None) -> Table:
    """Header and rows; blank lines skipped; a quoted cell may hold separators and line breaks."""
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return Table([], delimiter, iter(()))

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if any(c.strip() for c in cells):
                yield line, cells

    return Table(header, delimiter, rows())


def unescape_formula(value: str) -> str:
    """Undo an export's neutralisation: "'=SUM(A1)" is read back as "=SUM(A1)"."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def neutralise(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


# --------------------------------------------------------------------------------------------- dates

@dataclass(frozen=True)
class YearlyDate:
    month: int
    day: int
    year: int | None

    @property
    def md(self) -> int:
        return self.month * 100 + self.day

    def fields(self) -> dict[str, int | None]:
        """The ImportantDate columns this date fills (services.people.new_date_row)."""
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


# --------------------------------------------------------------------------------------------- prices

MAX_PRICE = Decimal("9999999999.99")  # Numeric(12, 2)


def _amount_digits(text: str) -> str:
    """"1,250.00" / "1.250,00" / "1 250,00" / "1'250.00" → "1250.00". With both marks the last one is the
    decimal point; a lone mark followed by exactly three digits groups thousands ("1,250", "1.250")."""
    text = re.sub(r"[ '\u00a0\u202f]", "", text)
    if "," in text and "." in text:
        point = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if point == "," else ","
        integer, _, decimals = text.rpartition(point)
        if point in integer or (group in integer and not _grouped(integer, group)):
            raise ValueError("mixed")
        return integer.replace(group, "") + "." + decimals
    mark = "," if "," in text else "." if "." in text else None
    if mark is None:
        return text
    if _grouped(text, mark):
        return text.replace(mark, "")
    if text.count(mark) > 1:
        raise ValueError("mixed")
    return text.replace(mark, ".")


def _grouped(text: str, mark: str) -> bool:
    return re.fullmatch(rf"\d{{1,3}}(?:\{mark}\d{{3}})+", text) is not None


def parse_price(value: str, column: str = "price") -> Decimal:
    """An amount as point-of-sale systems print it: "$1,250.00", "1.250,00 €", "EUR 99", "(12.00)" is negative."""
    text = value.strip()
    negative = text.startswith("-") or text.endswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("()").strip("-").strip()
    text = _CURRENCY.sub("", text).strip().strip("-").strip()
    help_ = f'{column} "{value}" is not an amount: write it like 1250.00, $1,250.00 or 1.250,00 €'
    if not _AMOUNT.fullmatch(text):
        raise ValueError(help_)
    try:
        digits = _amount_digits(text)
        price = Decimal(digits)
    except (ValueError, InvalidOperation):
        raise ValueError(help_) from None
    if negative:
        raise ValueError(f'{column} "{value}" is negative: import the sale at its price and record returns in the app')
    if price.as_tuple().exponent < -2 and price != price.quantize(Decimal("0.01")):  # type: ignore[operator]
        raise ValueError(f'{column} "{value}" has more than 2 decimals: round it to cents')
    if price > MAX_PRICE:
        raise ValueError(f'{column} "{value}" is too large')
    return price.quantize(Decimal("0.01"))
