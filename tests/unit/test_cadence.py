from datetime import date

import pytest

from jewelpwa.domain.cadence import ItemFacts, care_advice, purchase_cadence
from jewelpwa.domain.settings import EngineSettings
from jewelpwa.domain.vocab import Kind

S = EngineSettings.default()
OPAL_RING = ItemFacts("ring", "14k yellow gold", "Opal", "Australian opal solitaire")


def test_a_sale_schedules_all_four_follow_ups_at_once_on_their_days():
    proposals = purchase_cadence(9, date(2026, 1, 5), [OPAL_RING], S)
    assert [(p.kind, p.window.opens_on, p.window.due_on, p.window.expires_on) for p in proposals] == [
        (Kind.CHECK_IN, date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 9)),
        (Kind.CARE, date(2026, 4, 5), date(2026, 4, 15), date(2026, 5, 15)),
        (Kind.NEW_ARRIVALS, date(2026, 7, 4), date(2026, 7, 14), date(2026, 8, 23)),
        (Kind.PURCHASE_ANNIVERSARY, date(2026, 12, 29), date(2027, 1, 5), date(2027, 1, 20)),
    ]
    assert {p.dedupe_key for p in proposals} == {
        "check_in:purchase:9:2026-01-05",
        "care:purchase:9:2026-01-05",
        "new_arrivals:purchase:9:2026-01-05",
        "purchase_anniversary:purchase:9:2026-01-05",
    }


@pytest.mark.parametrize(("holding", "kinds"), [
    (date(2026, 1, 18), []),                                # the day before the check-in opens
    (date(2026, 1, 19), [Kind.CHECK_IN]),                   # its opening day
    (date(2026, 2, 9), [Kind.CHECK_IN]),                    # its last day
    (date(2026, 2, 10), []),                                # between check-in and care
    (date(2026, 5, 15), [Kind.CARE]),
    (date(2027, 1, 20), [Kind.PURCHASE_ANNIVERSARY]),
])
def test_the_planner_asks_only_for_the_follow_ups_whose_window_holds_its_day(holding, kinds):
    proposals = purchase_cadence(9, date(2026, 1, 5), [OPAL_RING], S, holding=holding)
    assert [p.kind for p in proposals] == kinds
    everything = {p.kind: p for p in purchase_cadence(9, date(2026, 1, 5), [OPAL_RING], S)}
    assert proposals == [everything[k] for k in kinds]


def test_cadence_detail_names_the_piece_and_its_care():
    care = purchase_cadence(9, date(2026, 1, 5), [OPAL_RING], S)[1]
    assert care.detail["piece"] == "opal ring"
    assert "ultrasonic" in care.detail["advice"]


def test_repair_only_ticket_gets_only_a_check_in():
    proposals = purchase_cadence(10, date(2026, 1, 5), [ItemFacts("repair", "gold", None, "resize ring")], S)
    assert [p.kind for p in proposals] == [Kind.CHECK_IN]


def test_repair_with_a_new_piece_gets_the_full_cadence_about_the_piece():
    items = [
        ItemFacts("Repair", None, None, "chain solder"),
        ItemFacts("pendant", "platinum", "sapphire", None),
    ]
    proposals = purchase_cadence(11, date(2026, 1, 5), items, S)
    assert len(proposals) == 4 and proposals[0].detail["piece"] == "sapphire pendant"


@pytest.mark.parametrize(
    ("stone", "metal", "category", "words"),
    [
        ("Akoya pearl", None, "necklace", ["restrung", "perfume"]),
        ("opal", "silver", "ring", ["heat", "ultrasonic"]),
        ("Emerald", "platinum", "ring", ["oiled", "steam"]),
        ("diamond", "white gold", "earrings", ["free cleaning", "prong"]),
        ("Blue Sapphire", None, "pendant", ["prong"]),
        ("ruby", None, "ring", ["prong"]),
        ("tanzanite", None, "ring", ["ultrasonic"]),
        ("turquoise", "silver", "bracelet", ["porous"]),
        (None, "White Gold 14k", "ring", ["rhodium", "12 to 18 months"]),
        ("", "14K WG", "ring", ["rhodium"]),
        (None, "sterling silver", "bracelet", ["anti-tarnish"]),
        (None, "Platinum", "ring", ["patina"]),
        (None, "18k yellow gold", "bracelet", ["mild soap"]),
        (None, None, "watch", ["battery"]),
        (None, None, None, ["cleaning and inspection"]),
    ],
)
def test_care_advice_is_keyed_by_stone_then_metal(stone, metal, category, words):
    advice = care_advice(stone, metal, category)
    assert all(word in advice for word in words), advice


def test_stone_wins_over_metal():
    assert care_advice("pearl", "white gold", "necklace") == care_advice("pearl", None, None)
