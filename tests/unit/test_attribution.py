from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from jewelpwa.domain.attribution import Sale, Touch, attribute, counts, credit_for

DAY1 = date(2026, 3, 1)


def day(n: int) -> date:
    return DAY1 + timedelta(days=n - 1)


def sale(on: date, client_id: int = 1, total: str = "500", purchase_id: int = 1) -> Sale:
    return Sale(purchase_id, client_id, on, Decimal(total))


@pytest.mark.parametrize(("sale_day", "credited"), [(1, True), (2, True), (20, True), (30, True), (31, False),
                                                    (45, False)])
def test_a_sale_counts_for_thirty_days_from_the_outreach_day(sale_day, credited):
    credit = credit_for(sale(day(sale_day)), [Touch(1, 7, day(1))])
    assert (credit is not None) is credited
    if credited:
        assert credit.user_id == 7 and credit.touched_on == day(1)


def test_a_sale_before_the_outreach_is_not_credited():
    assert credit_for(sale(day(5)), [Touch(1, 7, day(6))]) is None
    assert not counts(day(6), day(5))


def test_another_clients_outreach_earns_nothing():
    assert credit_for(sale(day(10), client_id=2), [Touch(1, 7, day(9))]) is None


def test_the_latest_outreach_takes_the_credit():
    touches = [Touch(1, 7, day(2)), Touch(1, 8, day(12)), Touch(1, 9, day(25))]
    assert credit_for(sale(day(20)), touches).user_id == 8  # the touch on day 25 came after the sale


def test_two_touches_on_the_same_day_credit_the_later_one():
    morning = Touch(1, 7, day(3), datetime(2026, 3, 3, 10))
    evening = Touch(1, 8, day(3), datetime(2026, 3, 3, 17))
    assert credit_for(sale(day(4)), [evening, morning]).user_id == 8


def test_attribute_credits_each_sale_once_and_skips_unearned_ones():
    touches = [Touch(1, 7, day(1)), Touch(1, 7, day(2)), Touch(2, 8, day(1))]
    sales = [sale(day(20), 1, "1200", 1), sale(day(31), 2, "300", 2), sale(day(5), 3, "90", 3)]
    credits = attribute(sales, touches)
    assert [(c.sale.purchase_id, c.user_id, c.touched_on) for c in credits] == [(1, 7, day(2))]
