"""The small rules behind the opening lines (domain.line_rules), one behaviour each."""

from datetime import date, timedelta

import pytest

from jewelpwa.domain.line_rules import (
    MAX_LINE,
    Caller,
    fit,
    gift_for,
    given_yet,
    greeting,
    holiday_names,
    is_gift,
    is_no_pitch,
    recent_moment,
    with_no_pitch,
)
from jewelpwa.domain.ranking import Reason
from jewelpwa.domain.talking import ClientFacts, Gift, HolidayGift
from jewelpwa.domain.vocab import Channel, Kind

ON = date(2026, 12, 6)


@pytest.mark.parametrize(("occasion", "has_recipient", "gift"), [
    (None, True, True),            # the store recorded whom it was for
    ("birthday", True, True),
    ("gift", False, True),         # a present, recipient unknown
    ("Valentines", False, True),
    ("holiday", False, True),
    ("birthday", False, False),    # people buy for their own birthday too
    ("self", False, False),
    (None, False, False),
])
def test_a_purchase_is_a_gift_with_a_recipient_or_a_gift_occasion(occasion, has_recipient, gift):
    assert is_gift(occasion, has_recipient) is gift


def test_gift_for_finds_the_purchase_a_follow_up_is_about_by_day_then_piece():
    bracelet = Gift(date(2026, 10, 1), "diamond bracelet", "Kenji")
    studs = Gift(date(2026, 10, 1), "pearl studs", "Aiko")
    check_in = Reason(Kind.CHECK_IN, "", 1.0, date(2026, 10, 1), {"piece": "pearl studs"})
    assert gift_for(check_in, [bracelet, studs]) == studs
    assert gift_for(Reason(Kind.CHECK_IN, "", 1.0, date(2026, 10, 2), {"piece": "pearl studs"}), [studs]) is None
    # A cleaning offer is dated by its six-month slot and carries the purchase day as "bought".
    cleaning = Reason(Kind.CLEANING, "", 1.0, date(2027, 4, 1), {"piece": "diamond bracelet", "bought": "2026-10-01"})
    assert gift_for(cleaning, [bracelet]) == bracelet


@pytest.mark.parametrize(("gift", "on", "given"), [
    (Gift(date(2026, 11, 28), "ring", "Kenji", "holiday"), date(2026, 12, 24), False),  # under the tree
    (Gift(date(2026, 11, 28), "ring", "Kenji", "holiday"), date(2026, 12, 25), True),
    (Gift(date(2026, 1, 5), "ring", None, "holiday"), date(2026, 1, 25), True),        # after-season purchase
    (Gift(date(2026, 11, 28), "ring", "Kenji", "birthday"), date(2026, 12, 10), True),  # its day is not known
])
def test_a_holiday_present_is_given_on_christmas_day(gift, on, given):
    assert given_yet(gift, on) is given


@pytest.mark.parametrize(("facts", "moment"), [
    (ClientFacts("Grace", added_on=ON), "added"),                                    # added a minute ago
    (ClientFacts("Grace", last_purchase=(ON - timedelta(days=2), "diamond ring", "engagement"),
                 added_on=date(2019, 1, 1)), "sale"),                                # ring two days ago
    (ClientFacts("Grace", last_touch_on=ON - timedelta(days=60), added_on=date(2019, 1, 1)), "touch"),
    (ClientFacts("Grace", last_touch_on=ON - timedelta(days=61), added_on=date(2019, 1, 1),
                 last_purchase=(ON - timedelta(days=400), "ring", None)), None),     # quiet since the 61st day
    (ClientFacts("Grace"), None),
])
def test_recent_moment_is_a_sale_an_arrival_or_a_touch_within_sixty_days(facts, moment):
    assert recent_moment(facts, ON) == moment


def test_holiday_names_are_the_open_ones_said_aloud():
    facts = ClientFacts("Grace", holiday_list=[HolidayGift("Kenji"), HolidayGift("Aiko", open=False),
                                               HolidayGift("Leo"), HolidayGift("Mia"), HolidayGift("Sam")])
    assert holiday_names(facts) == "Kenji, Leo, Mia and 1 more"
    assert holiday_names(ClientFacts("Grace", holiday_list=[HolidayGift("Kenji"), HolidayGift("Leo")])) == \
        "Kenji and Leo"
    assert holiday_names(ClientFacts("Grace", holiday_list=[HolidayGift("Aiko", open=False)])) is None


@pytest.mark.parametrize(("channel", "words"), [
    (Channel.CALL, "Hi Grace, it's Maya at Harbor & Vine."),
    (Channel.TEXT, "Hi Grace, it's Maya at Harbor & Vine."),
    (Channel.EMAIL, "Hi Grace, this is Maya at Harbor & Vine."),
])
def test_greeting_names_the_client_the_associate_and_the_store(channel, words):
    assert greeting("Grace ", Caller("Maya", "Harbor & Vine"), channel) == words


def test_greeting_without_an_associate_name_still_names_the_store():
    assert greeting("Grace", Caller(None, "Harbor & Vine"), Channel.CALL) == "Hi Grace, it's Harbor & Vine."


def test_no_pitch_is_a_tag_set_and_cleared_without_touching_the_others():
    tags = with_no_pitch(["bridal", "collector"], True)
    assert tags == ["bridal", "collector", "no-pitch"] and is_no_pitch(tags)
    assert with_no_pitch(tags, True) == tags  # once only
    assert with_no_pitch(tags, False) == ["bridal", "collector"]
    assert not is_no_pitch(None) and is_no_pitch(["No-Pitch "])


def test_fit_keeps_extras_only_while_they_fit_then_cuts_at_a_word():
    assert fit("Hi.", [" Extra."], limit=10) == "Hi. Extra."
    assert fit("Hi.", [" Too long an extra."], limit=10) == "Hi."
    long = "word " * 100
    cut = fit(long)
    assert len(cut) <= MAX_LINE and cut.endswith("word...")
