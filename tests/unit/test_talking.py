from datetime import date

import pytest

from jewelpwa.domain.ranking import Reason
from jewelpwa.domain.talking import ClientFacts, opening_line, talking_points
from jewelpwa.domain.vocab import Channel, Kind

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


ANNIVERSARY = Reason(
    Kind.ANNIVERSARY,
    "25th anniversary Mar 14 · 6 weeks",
    20.0,
    date(2026, 3, 14),
    {"years": 25, "milestone": 1},
)


@pytest.mark.parametrize(
    ("channel", "line"),
    [
        (
            Channel.TEXT,
            "Hi Maria! Your 25th anniversary is coming up on Mar 14. Shall I put together a few ideas?",
        ),
        (
            Channel.CALL,
            "Hi Maria, it's the store calling. Your 25th anniversary is coming up on Mar 14. "
            "Shall I put together a few ideas?",
        ),
        (
            Channel.EMAIL,
            "Hi Maria, your 25th anniversary is coming up on Mar 14. Shall I put together a few ideas?",
        ),
    ],
)
def test_opening_line_fits_the_channel(channel, line):
    assert opening_line("Maria", [ANNIVERSARY], MARIA, channel) == line


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (
            Reason(Kind.PARTNER_BIRTHDAY, "", 1.0, date(2026, 6, 3), {"name": "Anna"}),
            ["Anna's birthday", "Jun 3"],
        ),
        (Reason(Kind.VALENTINES, "", 1.0, date(2026, 2, 14), {}), ["for Anna"]),
        (
            Reason(Kind.CHECK_IN, "", 1.0, date(2026, 1, 5), {"piece": "opal ring"}),
            ["enjoying the opal ring"],
        ),
        (Reason(Kind.CARE, "", 1.0, date(2026, 1, 5), {"piece": "opal ring"}), ["opal ring", "cleaning"]),
        (Reason(Kind.REFERRAL_THANKS, "", 1.0, date(2026, 1, 5), {"name": "Joe"}), ["sending Joe our way"]),
        (Reason(Kind.RECONNECT, "", 1.0, date(2026, 1, 5), {}), ["emerald studs"]),
        (Reason(Kind.NEW_ARRIVALS, "", 1.0, date(2026, 1, 5), {"category": "earrings"}), ["new earrings"]),
    ],
)
def test_opening_line_uses_the_reason_and_the_clients_data(reason, words):
    line = opening_line("Maria", [reason], MARIA, Channel.TEXT)
    assert line.startswith("Hi Maria! ")
    assert all(word in line for word in words), line


def test_every_kind_has_an_opening_line_without_prices():
    for kind in Kind:
        line = opening_line("Maria", [Reason(kind, "", 1.0, date(2026, 3, 1), {})], MARIA, Channel.CALL)
        assert line.startswith("Hi Maria") and "$" not in line and "None" not in line


@pytest.mark.parametrize(
    ("on", "words"),
    [
        (date(2026, 11, 20), "holiday lists done early"),
        (date(2026, 12, 13), "holiday lists done early"),  # eleven days left
        (date(2026, 12, 14), "still time to find something for everyone"),  # ten days left
        (date(2026, 12, 24), "still time to find something for everyone"),
    ],
)
def test_the_holiday_list_line_stops_saying_early_ten_days_before(on, words):
    holiday = Reason(Kind.HOLIDAY_LIST, "", 1.0, date(2026, 12, 24), {})
    assert words in opening_line("Maria", [holiday], MARIA, Channel.TEXT, on)
