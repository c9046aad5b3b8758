"""The one client filter read from a form and from stored JSON: a message per field, never a crash, and a saved
filter that reads back as itself. No app and no database: parse without a store touches neither."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from jewelpwa.services.engine.client_filter import CATEGORIES, KEYS, ClientFilter, parse_id
from jewelpwa.services.errors import Invalid

EVERY_FIELD = MultiDict([
    ("assigned_to_id", "7"), ("tier", "A"), ("tier", "C"), ("stone", " Sapphire "), ("category", "ring"),
    ("spend_min", "$1,000"), ("spend_max", "2.500,50 €"), ("touched_before", "2026-01-31"), ("has_partner", "no"),
    ("anniversary_month", "3"), ("birthday_month", " 12 "), ("tags", "VIP, bridal, vip"),
])


def errors_of(form: dict | MultiDict) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        ClientFilter.parse(form if isinstance(form, MultiDict) else MultiDict(form))
    return caught.value.errors


def test_every_field_is_read_in_the_forms_words():
    wanted = ClientFilter.parse(EVERY_FIELD)
    assert wanted == ClientFilter(
        assigned_to_id=7, tiers=("A", "C"), stone="sapphire", category="ring", spend_min=Decimal("1000"),
        spend_max=Decimal("2500.50"), touched_before=date(2026, 1, 31), has_partner=False, anniversary_month=3,
        birthday_month=12, tags=("bridal", "vip"))
    assert ClientFilter.parse(MultiDict()) == ClientFilter()
    nobody = ClientFilter.parse(MultiDict({"assigned_to_id": "none"}))
    assert (nobody.unassigned, nobody.assigned_to_id, nobody.names_associate) == (True, None, True)
    assert not ClientFilter().names_associate


@pytest.mark.parametrize("text", ["1E+9999999", "1e3", "NaN", "Infinity", "²", "-5", "(12.00)", "lots", "12.3456",
                                  "99999999999", "1,2,3", "0x10", "5 000 000 000 000"])
@pytest.mark.parametrize("field", ["spend_min", "spend_max"])
def test_an_amount_that_is_not_money_is_a_field_error(field, text):
    message = errors_of({field: text})[field]
    assert message.startswith(f'Spend "{text}" ') and message.endswith(", or leave it empty.")


@pytest.mark.parametrize("text", ["²", "٣", "0", "13", "3.0", "+3", "1_2", "three", "-1", "99999999999999999999"])
@pytest.mark.parametrize("field", ["anniversary_month", "birthday_month"])
def test_a_month_outside_one_to_twelve_in_plain_digits_is_a_field_error(field, text):
    assert errors_of({field: text}) == {field: "Choose a month from the list."}


@pytest.mark.parametrize("text", ["²", "٣", "1e3", "-1", "0", "3.0", "abc", "2147483648", "99999999999999999999"])
def test_an_associate_that_is_not_a_plain_id_is_a_field_error(text):
    assert errors_of({"assigned_to_id": text}) == {"assigned_to_id": "Choose an associate from the list."}
    assert parse_id(text) is None


def test_every_bad_field_gets_its_own_message_at_once():
    errors = errors_of({"spend_min": "5000", "spend_max": "100", "touched_before": "31/02/2026", "has_partner": "maybe",
                        "category": "gala", "tags": ", ".join(f"t{n}" for n in range(11)), "birthday_month": "²"})
    assert set(errors) == {"spend_max", "touched_before", "has_partner", "category", "tags", "birthday_month"}
    assert errors["spend_max"].startswith("The most must be at least the least")
    assert errors["touched_before"] == "Enter a date like 2026-01-31, or leave it empty."
    assert errors["category"] == "Choose a category from the list."


@pytest.mark.parametrize(("old", "new"), [("min_spend", "spend_min"), ("from", "assigned_to_id")])
def test_a_page_from_before_the_one_filter_is_refused_not_widened(old, new):
    """An event form opened before the upgrade still sends min_spend: read as absent it would invite everyone."""
    assert "reload it" in errors_of({old: "2500"})[new]


@pytest.mark.parametrize("form", [
    EVERY_FIELD,
    MultiDict({"assigned_to_id": "none", "tier": "B"}),
    MultiDict({"spend_min": "1000.5"}),
    MultiDict({"spend_max": "0"}),
    MultiDict({"has_partner": "yes", "category": CATEGORIES[-1]}),
    MultiDict(),
])
def test_a_saved_filter_reads_back_as_itself_under_the_forms_names(form):
    wanted = ClientFilter.parse(form)
    stored = json.loads(json.dumps(wanted.to_dict()))  # what a JSON column gives back
    assert ClientFilter.from_dict(stored) == wanted
    assert set(stored) <= set(KEYS)
    # The stored words are the form's: a saved segment's page fills its fields straight from them, and the browser
    # sends them back as text.
    assert ClientFilter.parse(MultiDict([(k, str(v)) for k, vs in stored.items()
                                         for v in (vs if isinstance(vs, list) else [vs])])) == wanted


def test_amounts_are_stored_as_the_money_parser_reads_them():
    assert ClientFilter.parse(EVERY_FIELD).to_dict()["spend_max"] == "2500.50"
    assert ClientFilter(spend_min=Decimal("2.5E+3")).to_dict() == {"spend_min": "2500"}


@pytest.mark.parametrize("stored", [
    {"tiers": ["A"]}, {"min_spend": "2500"}, {"from": 3}, {"stone": "pearl", "colour": "white"},
    {"stone": ["pearl"]}, {"tags": ["vip"]},
])
def test_a_stored_filter_with_a_key_or_shape_that_is_not_a_field_is_an_error(stored):
    """Ignoring it would widen the filter: a store event would invite clients its owner left out."""
    with pytest.raises(ValueError):
        ClientFilter.from_dict(stored)


def test_a_stored_filter_with_a_bad_value_is_refused_like_the_form():
    with pytest.raises(Invalid):
        ClientFilter.from_dict({"spend_min": "1E+3"})
    assert ClientFilter.from_dict(None) == ClientFilter.from_dict({}) == ClientFilter()


def test_describe_says_the_filter_in_words():
    names = {7: "Maya"}
    assert ClientFilter.parse(EVERY_FIELD).describe(names) == (
        "tier A/C, Maya's clients, bought sapphire ring, spent $1,000–$2,500 in 24 months, no touch since "
        "Jan 31, 2026, anniversary in March, birthday in December, no partner on file, tagged bridal + vip")
    assert ClientFilter(unassigned=True).describe(names) == "clients with no associate"
    assert ClientFilter(spend_max=Decimal(500)).describe(names) == "spent up to $500 in 24 months"
    assert ClientFilter().describe(names) == "every client"
