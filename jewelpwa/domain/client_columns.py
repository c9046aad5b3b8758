"""A client's name as it reads, and the columns a client row derives from what was typed (search and the duplicate
check read those through an index).

One builder for every path that writes a client (the counter, editing, the importer, the demo seed, the bench's
generator and the tests' factories): a second copy of any of these rules would let rows disagree with the search.
"""

from __future__ import annotations

import re
import unicodedata

# A phone number with more digits than this is a typing mistake (E.164 allows 15; extensions add a few).
MAX_PHONE_DIGITS = 20

_NOT_DIGIT = re.compile(r"[^0-9]")  # ASCII digits only: "²" or "٣" is not a dialable digit
# Letters NFKD leaves whole, written as a keyboard without them types them ("Søren" is typed "soren").
_UNDECOMPOSED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})
# An apostrophe joins ("O'Neil" is typed "oneil" or "o'neil"); any other mark between letters (hyphen, dot,
# comma) separates words, so "Lopez-Diaz" is found by "diaz" and "Demir, Grace" is two words.
_JOINERS = re.compile(r"['’ʼ`´]")
_SEPARATORS = re.compile(r"[^\w]+|_")


def display_name(first_name: str | None, last_name: str | None) -> str:
    """A client's name as every screen, export and mail list shows it: "first last", either may be missing."""
    return f"{first_name or ''} {last_name or ''}".strip()


def fold(text: str | None) -> str:
    """Text as search compares it: no accents, case folded, words split on punctuation and single-spaced.

    "Renée  DUBÉ" → "renee dube". The one fold for the stored column and for what is typed into a search box:
    a second copy would let a query miss rows written by the first.
    """
    folded = unicodedata.normalize("NFKD", (text or "").casefold().translate(_UNDECOMPOSED))
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_SEPARATORS.sub(" ", _JOINERS.sub("", bare)).split())


def search_name(first_name: str | None, last_name: str | None) -> str:
    """"first last" folded: the name index that search and the referrer picker read."""
    return fold(display_name(first_name, last_name))


def phone_digits(phone: str | None) -> str | None:
    """The digits of a phone number as typed ("(415) 555-0101" → "4155550101"), or None when it has none."""
    return _NOT_DIGIT.sub("", phone or "") or None


def client_columns(first_name: str | None, last_name: str | None, phone: str | None) -> dict[str, str | None]:
    """The derived columns of a client with this name and phone, ready for an insert or an update."""
    return {"search_name": search_name(first_name, last_name), "phone_digits": phone_digits(phone)}


def month_day(month: int, day: int) -> int:
    """An important date's `md` (March 14 → 314): the index a month or a window of days is read by."""
    return month * 100 + day
