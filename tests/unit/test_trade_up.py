"""Trade-up credit: what a sold piece earns toward a bigger one under the store's policy."""

from datetime import date
from decimal import Decimal

import pytest

from jewelpwa.domain.talking import ClientFacts, talking_points
from jewelpwa.domain.trade_up import Credit, TradeUpTerms, credit_for, credit_line

FULL = TradeUpTerms(enabled=True, percent=100, multiple=Decimal("2"), categories=("earrings", "ring"))


@pytest.mark.parametrize(("terms", "category", "price", "credit"), [
    (FULL, "earrings", "1200", Credit(Decimal("1200.00"), Decimal("2400.00"))),
    (TradeUpTerms(True, 50, Decimal("1.5"), ("ring",)), "ring", "999.99", Credit(Decimal("500.00"), Decimal("1499.99"))),
    (FULL, "watch", "5000", None),          # category not chosen
    (FULL, "ring", "0", None),              # a free piece earns nothing
    (TradeUpTerms(False, 100, Decimal("2"), ("ring",)), "ring", "100", None),  # policy off
])
def test_credit_follows_percent_multiple_and_categories(terms, category, price, credit):
    assert credit_for(category, Decimal(price), terms) == credit


def test_ledger_line_reads_like_the_counter_says_it():
    assert credit_line("Diamond studs", Decimal("1200"), Decimal("1200"), Decimal("2400")) == (
        "Diamond studs $1,200 → $1,200 toward a piece of $2,400+")


def test_credit_is_a_talking_point_only_near_the_anniversary():
    facts = ClientFacts("Tom", trade_up_credit=Decimal("1200"), anniversary=(9, 14))
    assert talking_points(facts, date(2026, 7, 20)) == [
        "Anniversary Sep 14: $1,200 trade-up credit toward a new piece"]  # 56 days before
    assert talking_points(facts, date(2026, 7, 19)) == []
    assert talking_points(ClientFacts("Tom", anniversary=(9, 14)), date(2026, 9, 1)) == []
