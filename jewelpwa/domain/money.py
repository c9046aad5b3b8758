"""Amounts as people and point-of-sale systems write them: "$1,250.00", "1.250,00 €", "EUR 99".

Pure: the counter forms, the importer and the bench read prices through here. The parser raises ValueError with
a message that says what to write instead.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[$€£¥]|US\$|CHF|kr)\s*|\s*(?:[A-Z]{3}|[$€£¥]|CHF|kr)$", re.IGNORECASE)
_AMOUNT = re.compile(r"\d[\d.,' \u00a0\u202f]*")


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
