"""Loyalty tiers: store-named levels by lifetime spend, thresholds validated as the owner types them."""

from decimal import Decimal

import pytest

from jewelpwa.domain.loyalty import TierRule, next_tier, parse_tiers, tier_for

TIERS = [TierRule("Silver", Decimal("0")), TierRule("Gold", Decimal("2500")), TierRule("Platinum", Decimal("10000"))]


@pytest.mark.parametrize(("spend", "name"), [
    ("0", "Silver"), ("2499.99", "Silver"), ("2500", "Gold"), ("9999", "Gold"), ("10000", "Platinum"), ("1e6", "Platinum"),
])
def test_tier_is_the_highest_minimum_reached(spend, name):
    assert tier_for(Decimal(spend), TIERS).name == name


def test_below_the_lowest_minimum_there_is_no_tier_and_next_tier_says_what_is_next():
    assert tier_for(Decimal("99"), [TierRule("Gold", Decimal("100"))]) is None
    assert next_tier(Decimal("3000"), TIERS).name == "Platinum" and next_tier(Decimal("20000"), TIERS) is None


def test_typed_rows_become_tiers_blank_rows_skipped():
    tiers, errors = parse_tiers([("Silver", "0", ""), ("Gold", "$2,500", "Free cleaning"), ("", "", ""),
                                 ("Platinum", "10000", "")])
    assert errors == {}
    assert [(t.name, t.min_spend, t.perks) for t in tiers] == [
        ("Silver", Decimal("0.00"), ""), ("Gold", Decimal("2500.00"), "Free cleaning"),
        ("Platinum", Decimal("10000.00"), "")]


def test_thresholds_must_rise_and_names_be_unique():
    _, errors = parse_tiers([("Silver", "0", ""), ("Gold", "2500", ""), ("gold", "2000", "")])
    assert "already the name" in errors["tiers-2-name"]
    assert "must go up" in errors["tiers-2-min_spend"]


@pytest.mark.parametrize(("row", "field", "says"), [
    (("", "100", ""), "name", "Name this tier"),
    (("Gold", "", ""), "min_spend", "lifetime spend"),
    (("Gold", "lots", ""), "min_spend", "not an amount"),
    (("Gold", "-5", ""), "min_spend", "negative"),
    (("G" * 41, "5", ""), "name", "40 characters"),
])
def test_bad_rows_say_what_to_fix(row, field, says):
    _, errors = parse_tiers([row])
    assert says in errors[f"tiers-0-{field}"]
