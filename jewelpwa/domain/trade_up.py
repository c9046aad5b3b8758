"""Trade-up credit: what a past piece is worth toward a bigger one under the store's policy. Pure rules."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .locales import DEFAULT_LOCALE, StoreLocale

CENT = Decimal("0.01")
DEFAULT_PERCENT = 100
DEFAULT_MULTIPLE = Decimal("2")
DEFAULT_CATEGORIES = ("ring", "earrings", "necklace", "pendant", "bracelet")


@dataclass(frozen=True)
class TradeUpTerms:
    enabled: bool = False
    percent: int = DEFAULT_PERCENT
    multiple: Decimal = DEFAULT_MULTIPLE
    categories: Collection[str] = DEFAULT_CATEGORIES


@dataclass(frozen=True)
class Credit:
    amount: Decimal  # credited toward the new piece
    min_price: Decimal  # the new piece must cost at least this


def credit_for(category: str | None, price: Decimal, terms: TradeUpTerms) -> Credit | None:
    """The credit a sold item earns, or None when the policy is off, the category is not eligible or it was free."""
    if not terms.enabled or (category or "").strip().lower() not in terms.categories or price <= 0:
        return None
    amount = (price * terms.percent / 100).quantize(CENT, ROUND_HALF_UP)
    return Credit(amount, (price * terms.multiple).quantize(CENT, ROUND_HALF_UP))


def credit_line(piece: str, price: Decimal, amount: Decimal, min_price: Decimal | None,
                locale: StoreLocale = DEFAULT_LOCALE) -> str:
    """ "Diamond studs $1,200 → $1,200 toward a piece of $2,400+", in the store's currency."""
    toward = f"toward a piece of {locale.money(min_price, whole=True)}+" if min_price else "toward a new piece"
    return f"{piece} {locale.money(price, whole=True)} → {locale.money(amount, whole=True)} {toward}"
