"""What a value typed or posted by a person may be before it reaches a query or a row: one set of converters.

Every id, whole number, date and text the app reads from a request goes through these (the views through
web/inputs.py, services that take raw text directly). They are pure: no Flask, no database.

- Whole numbers are ASCII digits only. "²" and "٣" pass str.isdigit() and then break int() or mean something
  nobody typed; a bound on the length comes before int() so a thousand-digit string is never converted.
- Ids fit the id columns (Integer: PostgreSQL's 2^31 - 1; SQLite would take up to 2^63 - 1, but one bound for
  both keeps an id that works on one database from crashing the other). An id out of range names no row.
- Dates lie in years 1900-2200 (the range the yearly-date columns already hold), so "9999-12-31" is refused
  with a message instead of overflowing a date sum further on.
- Text has no NUL or other control characters (PostgreSQL refuses NUL in text; the rest are invisible and break
  CSV and ICS exports) and no lone surrogates (they cannot be encoded as UTF-8); tab, newline and carriage
  return stay, notes have lines.
"""

from __future__ import annotations

import re
from datetime import date

MAX_ID = 2**31 - 1
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)

_DIGITS = re.compile(r"[0-9]{1,18}")
# C0 controls but tab, newline, carriage return; DEL; lone surrogates. (C1 controls are left alone: a Windows
# export read as Latin-1 has its curly quotes there, and the import shows them to the owner to fix the encoding.)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_NAMES = {"\x00": "a NUL character"}


def whole_number(text: object, lowest: int, highest: int) -> int | None:
    """The number written in `text` (ASCII digits, surrounding blanks ignored) when within bounds, else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        value = text
    else:
        raw = str(text or "").strip()
        if not _DIGITS.fullmatch(raw):
            return None
        value = int(raw)
    return value if lowest <= value <= highest else None


def row_id(text: object) -> int | None:
    """An id a row could have, or None (then no row has it: the caller answers 'not found' or ignores it)."""
    return whole_number(text, 1, MAX_ID)


def iso_date(text: object, first: date = FIRST_DAY, last: date = LAST_DAY) -> date | None:
    """A YYYY-MM-DD date between `first` and `last`, or None for anything else (blank, malformed, out of range)."""
    raw = str(text or "").strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if first <= day <= last else None


def date_problem(day: date) -> str | None:
    """What is wrong with a date a person chose, in words, or None."""
    if not FIRST_DAY <= day <= LAST_DAY:
        return f"Choose a date between {FIRST_DAY.year} and {LAST_DAY.year}."
    return None


def storable(text: str) -> str:
    """The text without the characters `text_problem` refuses: for text a provider sent, which nobody can retype."""
    return _FORBIDDEN.sub("", text)


def text_problem(text: str, max_length: int | None = None) -> str | None:
    """What is wrong with a piece of text for storing, in words a person can act on, or None."""
    bad = _FORBIDDEN.search(text)
    if bad:
        what = _NAMES.get(bad.group(0), "an invisible control character")
        return f"Remove {what} (it cannot be stored); retype the text or paste it as plain text."
    if max_length is not None and len(text) > max_length:
        return f"Shorten this to at most {max_length} characters (it has {len(text)})."
    return None
