from datetime import date
from decimal import Decimal

from jewelpwa.domain.talking import ClientFacts, Gift, HolidayGift, talking_points

MARIA = ClientFacts(
    first_name="Maria",
    partner_name="Anna",
    last_purchase=(date(2025, 12, 10), "sapphire pendant", "holiday"),
    last_purchase_for="Anna",
    metals=["platinum"],
    stones=["sapphire"],
    brands=[],
    ring_size="6.5",
    open_wish_items=["emerald studs"],
    children=[],
)


def test_talking_points_come_from_the_clients_data_most_useful_first():
    assert talking_points(MARIA, date(2026, 3, 1)) == [
        "Partner: Anna",
        "Last purchase: sapphire pendant for Anna, Dec 2025 (holiday)",
        "Loves platinum and sapphires; ring size 6.5",
        "Wish list: emerald studs",
        "Emerald studs would complement the sapphire pendant you gave Anna last year",
    ]


def test_complement_says_when_in_the_same_year():
    points = talking_points(MARIA, date(2025, 12, 20))
    assert points[-1] == "Emerald studs would complement the sapphire pendant you gave Anna in December"


def test_a_piece_bought_for_herself_is_complemented_as_hers():
    facts = ClientFacts(
        "Maria", last_purchase=(date(2024, 5, 1), "opal ring", None), open_wish_items=["opal studs"]
    )
    assert talking_points(facts, date(2026, 3, 1)) == [
        "Last purchase: opal ring, May 2024",
        "Wish list: opal studs",
        "Opal studs would complement your opal ring",
    ]


def test_children_and_brands_are_mentioned():
    facts = ClientFacts("Tom", children=["Emma", "Leo"], brands=["Tacori", "Simon G"])
    assert talking_points(facts, date(2026, 3, 1)) == ["Children: Emma, Leo", "Likes Tacori and Simon G"]


def test_no_data_no_points_and_never_more_than_five():
    assert talking_points(ClientFacts("Tom"), date(2026, 3, 1)) == []
    assert len(talking_points(MARIA, date(2026, 3, 1))) <= 5


def test_a_no_pitch_client_gets_the_flag_first_and_no_selling_points():
    facts = ClientFacts("Maria", partner_name="Anna", open_wish_items=["emerald studs"], no_pitch=True,
                        last_purchase=(date(2024, 5, 1), "opal ring", None), trade_up_credit=Decimal("900"),
                        anniversary=(3, 14))
    points = talking_points(facts, date(2026, 3, 1))
    assert points[0] == "No sales pitch: see the notes"
    assert not any("trade-up" in p or "complement" in p for p in points), points
    # The same client without the flag hears both pitches.
    pitched = talking_points(ClientFacts(**{**facts.__dict__, "no_pitch": False}), date(2026, 3, 1))
    assert any("trade-up" in p for p in pitched) and any("complement" in p for p in pitched)


def test_the_saved_holiday_list_is_a_talking_point_with_who_is_done():
    facts = ClientFacts("Maria", holiday_list=[HolidayGift("Kenji"), HolidayGift("Aiko", open=False)],
                        gifts=[Gift(date(2026, 11, 2), "pearl studs", "Aiko")])
    assert talking_points(facts, date(2026, 12, 1)) == ["Holiday list: Kenji, Aiko (done)"]
