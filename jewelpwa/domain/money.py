"""The app's one money parser: amounts as people type them and point-of-sale systems export them.

Every form (sale sheet, repairs, wish items, loyalty tiers, client filters) and the importer read prices here.
The store's locale decides what its own marks mean (Babel's `parse_decimal`): "1.250,00" and "1250,00" are
1250.00 in Germany, "1,250.00" in the US. A spelling that cannot be the store's own is read the one way it can be
("1250.00" in a German store, "1.250,00 €" in a US store's import); one that could be either ("1.250" in the US)
is refused with both readings, never guessed. Bounds: finite, at most two decimals, not negative, at most
MAX_AMOUNT. ValueError carries a message that says what to write instead.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

# A sane ceiling for one amount in any currency the settings offer, far inside the Numeric(12, 2) columns
# (9,999,999,999.99): a typo of a few extra digits is caught, not stored as a ten-billion sale.
MAX_AMOUNT = Decimal("10000000")
CENT = Decimal("0.01")

# Currency markers before or after the figure: ISO codes ("EUR 99", "99 CHF"), symbols, the prefixed dollars
# (US$, A$, NZ$, C$, S$), the rand and the Nordic/Swiss abbreviations.
_CURRENCY = re.compile(r"^(?:[A-Z]{3}|(?:US|A|AU|NZ|C|CA|S|SG|HK|R)?\$|[€£¥₹]|R|kr|Fr\.?)\s*"
                       r"|\s*(?:[A-Z]{3}|\$|[€£¥₹]|kr|Fr\.?|R)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s'’\u00a0\u2009\u202f]")  # group separators of fr, de_CH, en_ZA... never meaningful
_FIGURE = re.compile(r"[.,]?[0-9][0-9.,]*")  # ASCII digits only: Decimal would read "٣" too


def parse_money(text: str, locale: str = "en_US", field: str = "price") -> Decimal:
    """An amount in the store's locale, quantized to cents; ValueError('price "…" is …: write it like …')."""
    value = (text or "").strip()
    example = _example(locale)
    help_ = f'{field} "{value}" is not an amount: write it like {example}'
    negative = value.startswith("(") and value.endswith(")")  # accountants' negative: "(12.00)"
    figure = value.strip("()").strip()
    for _ in range(2):  # "-$12", "$-12", "12,00 €-": a sign on either side of the currency
        unsigned = figure.strip("-−").strip()
        negative |= unsigned != figure
        figure = _CURRENCY.sub("", unsigned).strip()
    figure = _SPACES.sub("", figure)
    if not _FIGURE.fullmatch(figure):  # letters, exponents ("1e400"), NaN, inf, two signs: none is an amount
        raise ValueError(help_)
    if negative:
        raise ValueError(f'{field} "{value}" is negative: enter the amount without a minus')
    amount = _read(figure, locale, field, value, help_)
    if amount != amount.quantize(CENT):
        raise ValueError(f'{field} "{value}" has more than 2 decimals: round it to cents')
    if amount > MAX_AMOUNT:
        raise ValueError(f'{field} "{value}" is more than {format_decimal(MAX_AMOUNT, locale=locale)}: '
                         f"check the amount")
    return amount.quantize(CENT)


def field_message(error: ValueError) -> str:
    """parse_money's message as a form shows it under the field: 'Price "1,5x" is not an amount: … .'"""
    text = str(error)
    return text[:1].upper() + text[1:] + "."



def _read(figure: str, locale: str, field: str, value: str, help_: str) -> Decimal:
    point, group = _marks(locale)
    marks = {m for m in ",." if m in figure}
    if len(marks) == 1:
        mark = marks.pop()
        whole, _, tail = figure.rpartition(mark)
        if figure.count(mark) == 1 and len(tail) == 3 and mark == point and group in ",.":
            # "1.250" in the US, "1,250" in Germany: the store's decimal mark, or the other convention's group.
            grouped, decimal = figure.replace(mark, ""), figure.replace(mark, ".")
            raise ValueError(f'{field} "{value}" could be {format_decimal(Decimal(grouped), locale=locale)} or '
                             f"{format_decimal(Decimal(decimal), locale=locale)}: write it like {_example(locale)}")
    try:
        return Decimal(parse_decimal(figure, locale=locale, strict=True))
    except (NumberFormatError, InvalidOperation):
        pass
    return _other_convention(figure, help_)


def _other_convention(figure: str, help_: str) -> Decimal:
    """A figure that is not the store's spelling but has only one reading: with both marks the last is the
    decimal point ("1.250,00" in the US); a lone mark before one or two digits is one too ("1250.00" in
    Germany); a mark repeated between groups of three groups thousands ("1.250.000")."""
    try:
        if "," in figure and "." in figure:
            point = "," if figure.rfind(",") > figure.rfind(".") else "."
            whole, _, cents = figure.rpartition(point)
            other = "." if point == "," else ","
            if point in whole or not _grouped(whole, other) or not cents:
                raise ValueError(help_)
            return Decimal(whole.replace(other, "") + "." + cents)
        mark = "," if "," in figure else "."
        whole, _, tail = figure.rpartition(mark)
        if mark not in whole and whole and 1 <= len(tail) <= 2:
            return Decimal(f"{whole}.{tail}")
        if _grouped(figure, mark):
            return Decimal(figure.replace(mark, ""))
    except InvalidOperation:
        pass
    raise ValueError(help_)


def _grouped(text: str, mark: str) -> bool:
    """Thousands groups ("1,250,000") or the Indian lakh groups ("12,50,000"); a plain number counts too."""
    m = re.escape(mark)
    return re.fullmatch(rf"\d+|\d{{1,3}}(?:{m}\d{{3}})+|\d{{1,2}}(?:{m}\d{{2}})+{m}\d{{3}}", text) is not None


@cache
def _marks(locale: str) -> tuple[str, str]:
    return get_decimal_symbol(locale), get_group_symbol(locale)


@cache
def _example(locale: str) -> str:
    return format_decimal(Decimal("1250.00"), format="#,##0.00", locale=locale)
