"""The free-cleaning rule: which pieces benefit, when the six-monthly offer opens, and when it is not made."""

from datetime import date

import pytest

from jewelpwa.domain.cadence import ItemFacts
from jewelpwa.domain.cleaning import (
    OFFERS,
    CleaningFacts,
    add_months,
    benefits_from_cleaning,
    cleaning_proposal,
    purchase_ranges,
)
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import Kind

SETTINGS = EngineSettings.default()
BOUGHT = date(2026, 3, 10)
DIAMOND_RING = ItemFacts("ring", "yellow gold", "diamond", None)


def facts(item: ItemFacts = DIAMOND_RING, **kw) -> CleaningFacts:
    return CleaningFacts(7, kw.pop("purchased_on", BOUGHT), item, **kw)


@pytest.mark.parametrize(("item", "benefits"), [
    (ItemFacts("ring", "yellow gold", None, None), True),
    (ItemFacts("earrings", None, "Akoya pearl", None), True),
    (ItemFacts("necklace", "18k White Gold", None, None), True),
    (ItemFacts("bracelet", "platinum", None, None), True),
    (ItemFacts("other", None, None, "Engagement set"), True),
    (ItemFacts("pendant", None, "Lab diamond", None), True),
    (ItemFacts("necklace", "yellow gold", None, "Rope chain"), False),
    (ItemFacts("watch", "steel", None, None), False),
    (ItemFacts("earrings", "silver", "opal", None), False),
    (ItemFacts("repair", None, "diamond", "Ring resize"), False),
])
def test_which_pieces_benefit_from_a_cleaning(item, benefits):
    assert benefits_from_cleaning(item) is benefits


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 3, 10), 6, date(2026, 9, 10)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 11, 30), -6, date(2026, 5, 30)),
])
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_the_offer_opens_at_six_months_is_due_a_week_later_and_lasts_a_month():
    assert cleaning_proposal(facts(), date(2026, 9, 9), SETTINGS) is None
    offer = cleaning_proposal(facts(), date(2026, 9, 10), SETTINGS)
    assert offer.kind is Kind.CLEANING
    assert (offer.window.opens_on, offer.window.due_on, offer.window.expires_on) == (
        date(2026, 9, 10), date(2026, 9, 17), date(2026, 10, 10))
    assert offer.dedupe_key == "cleaning:purchase:7:2026-09-10"
    assert offer.detail == {"piece": "diamond ring", "bought": "2026-03-10"}
    # The same offer all through its window (one row, whichever day the planner runs), none after it.
    assert cleaning_proposal(facts(), date(2026, 10, 10), SETTINGS).dedupe_key == offer.dedupe_key
    assert cleaning_proposal(facts(), date(2026, 10, 11), SETTINGS) is None
    assert cleaning_proposal(facts(), date(2027, 3, 10), SETTINGS).occasion_on == date(2027, 3, 10)


def test_offers_stop_after_five_years():
    last = add_months(BOUGHT, 6 * OFFERS)
    assert cleaning_proposal(facts(), last, SETTINGS).occasion_on == last
    assert cleaning_proposal(facts(), add_months(BOUGHT, 6 * OFFERS + 6), SETTINGS) is None


def test_no_offer_with_a_cleaning_booked_or_one_in_the_last_six_months():
    on = date(2026, 9, 12)
    assert cleaning_proposal(facts(cleaning_booked=True), on, SETTINGS) is None
    assert cleaning_proposal(facts(last_cleaning_on=date(2026, 6, 1)), on, SETTINGS) is None
    assert cleaning_proposal(facts(last_cleaning_on=date(2026, 3, 1)), on, SETTINGS) is not None
    assert cleaning_proposal(facts(ItemFacts("necklace", "yellow gold", None, None)), on, SETTINGS) is None


@pytest.mark.parametrize("on", [date(2026, 9, 10), date(2027, 2, 28), date(2027, 3, 31), date(2028, 2, 29)])
def test_the_planners_purchase_ranges_hold_every_purchase_with_an_offer_open(on):
    ranges = purchase_ranges(on, SETTINGS)
    day = date(2021, 1, 1)
    while day <= on:
        if cleaning_proposal(facts(purchased_on=day), on, SETTINGS) is not None:
            assert any(a <= day <= b for a, b in ranges), day
        day = date.fromordinal(day.toordinal() + 1)


def test_a_store_can_change_the_window():
    settings = EngineSettings.from_dict({"windows": {"cleaning": [-7, 0, 14]}})
    offer = cleaning_proposal(facts(), date(2026, 9, 3), settings)
    assert offer.window.opens_on == date(2026, 9, 3) and offer.window.expires_on == date(2026, 9, 24)
