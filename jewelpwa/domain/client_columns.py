"""A client's name as it reads, and the columns a client row derives from what was typed (search and the duplicate
check read those through an index).

One builder for every path that writes a client (the counter, editing, the importer, the demo seed, the bench's
generator and the tests' factories): a second copy of any of these rules would let rows disagree with the search.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

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


@lru_cache(maxsize=4096)
def phone_e164(phone: str | None, region: str = "US") -> str | None:
    """The number in E.164 ("+447700900123"), read with the store's country as the default region
    ("07700 900123" in a GB store); None when it cannot be a phone number there (too short, too long, letters).

    Possible, not valid: libphonenumber's "valid" also rejects numbers of ranges it does not know yet (and the
    555 numbers of films and tests), which would flag real clients; a possible number has the full length and
    shape of one. Cached: an import reads the same store's numbers, and a card renders its phone twice.
    """
    if not phone or not phone.strip():
        return None
    try:
        number = phonenumbers.parse(phone, (region or "US").upper())
    except phonenumbers.NumberParseException:
        return None
    # Local-only lengths ("12345", a number without its area code) are not a number to dial or compare.
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_digits(phone: str | None, region: str = "US") -> str | None:
    """What search and the duplicate check compare: the E.164 digits without the "+" ("07700 900123" and
    "+44 7700 900123" are both "447700900123" in a GB store), or the digits as typed when the number cannot be
    read (kept, so it is still found; `phone_e164` is None for it and the card flags it). None without digits."""
    raw = _NOT_DIGIT.sub("", phone or "")
    if not raw:
        return None
    e164 = phone_e164(phone, region)
    return e164[1:] if e164 else raw


def dial_number(phone: str | None, region: str = "US") -> str:
    """What a tel: or sms: link dials: E.164 when the number reads, else its digits (a "+" kept), so a phone
    abroad or a dialer that drops spaces reaches the same person."""
    if e164 := phone_e164(phone, region):
        return e164
    digits = _NOT_DIGIT.sub("", phone or "")
    return f"+{digits}" if (phone or "").strip().startswith("+") else digits


def client_columns(first_name: str | None, last_name: str | None, phone: str | None,
                   region: str = "US") -> dict[str, str | None]:
    """The derived columns of a client with this name and phone (read in the store's country, `region`),
    ready for an insert or an update."""
    return {"search_name": search_name(first_name, last_name), "phone_digits": phone_digits(phone, region)}


def month_day(month: int, day: int) -> int:
    """An important date's `md` (March 14 → 314): the index a month or a window of days is read by."""
    return month * 100 + day
