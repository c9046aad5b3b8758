"""Loyalty tiers: store-named levels by lifetime spend. Pure rules, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .locales import DEFAULT_LOCALE, StoreLocale

MAX_TIERS = 8


@dataclass(frozen=True)
class TierRule:
    name: str
    min_spend: Decimal
    perks: str = ""


def tier_for(spend: Decimal, tiers: Sequence[TierRule]) -> TierRule | None:
    """The highest tier whose minimum the lifetime spend reaches; None below the lowest minimum."""
    reached = [t for t in tiers if spend >= t.min_spend]
    return max(reached, key=lambda t: t.min_spend) if reached else None


def next_tier(spend: Decimal, tiers: Sequence[TierRule]) -> TierRule | None:
    above = [t for t in tiers if t.min_spend > spend]
    return min(above, key=lambda t: t.min_spend) if above else None


def parse_tiers(rows: Sequence[tuple[str, str, str]], locale: StoreLocale = DEFAULT_LOCALE
                ) -> tuple[list[TierRule], dict[str, str]]:
    """Rows of (name, minimum spend, perks) as typed, blank rows skipped: the tiers, or errors keyed tiers-<i>-<field>.

    Minimums must rise from row to row (Silver $0, Gold $2,500, Platinum $10,000) and names be unique, so a
    client's tier is never ambiguous.
    """
    tiers: list[TierRule] = []
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    previous: Decimal | None = None
    for i, (name, minimum, perks) in enumerate(rows):
        name, minimum, perks = (name or "").strip(), (minimum or "").strip(), (perks or "").strip()
        if not (name or minimum or perks):
            continue
        if not name:
            errors[f"tiers-{i}-name"] = "Name this tier, e.g. Gold."
        elif len(name) > 40:
            errors[f"tiers-{i}-name"] = "Shorten the name to 40 characters."
        elif name.lower() in seen:
            errors[f"tiers-{i}-name"] = f"“{name}” is already the name of another tier: choose another name."
        seen.setdefault(name.lower(), i)
        try:
            spend = locale.parse_money(minimum, "Minimum") if minimum else None
        except ValueError as exc:
            spend = None
            errors[f"tiers-{i}-min_spend"] = f"{exc}."
        else:
            if spend is None:
                errors[f"tiers-{i}-min_spend"] = "Give the lifetime spend that reaches this tier (0 for everyone)."
            elif previous is not None and spend <= previous:
                errors[f"tiers-{i}-min_spend"] = (f"Minimums must go up from tier to tier: more than "
                                                  f"{locale.money(previous, whole=True)}.")
        if len(perks) > 500:
            errors[f"tiers-{i}-perks"] = "Shorten the perks to 500 characters."
        if spend is not None:
            previous = spend
            tiers.append(TierRule(name, spend.quantize(Decimal("0.01")), perks))
    if len(tiers) > MAX_TIERS:
        errors["tiers"] = f"Keep to {MAX_TIERS} tiers or fewer."
    return tiers, errors
