"""Opening lines (domain.opening): a greeting that says who calls from which store, then a reason that fits."""

from datetime import date, timedelta

import pytest

from jewelpwa.domain.line_rules import MAX_LINE, Caller
from jewelpwa.domain.opening import opening_line
from jewelpwa.domain.ranking import Reason
from jewelpwa.domain.share import WishListFacts
from jewelpwa.domain.talking import ClientFacts, Gift, HolidayGift
from jewelpwa.domain.vocab import Channel, Kind

MAYA = Caller("Maya", "Harbor & Vine")
ON = date(2026, 12, 6)
# Maria's partner is Anna; she wishes for emerald studs and has been a client since 2019.
MARIA = ClientFacts("Maria", partner_name="Anna", open_wish_items=["emerald studs"], added_on=date(2019, 4, 2))
ANNIVERSARY = Reason(Kind.ANNIVERSARY, "25th anniversary Mar 14 · 6 weeks", 20.0, date(2026, 3, 14),
                     {"years": 25, "milestone": 1})
BRACELET = Gift(date(2026, 10, 1), "diamond bracelet", "Kenji")


def line(reason: Reason | None, facts: ClientFacts = MARIA, channel: Channel = Channel.TEXT, on: date = ON) -> str:
    return opening_line(facts.first_name, [reason] if reason else [], facts, channel, on, caller=MAYA)


@pytest.mark.parametrize(("channel", "expected"), [
    (Channel.CALL, "Hi Maria, it's Maya at Harbor & Vine. Your 25th anniversary is coming up on Mar 14. "
                   "Shall I put together a few ideas?"),
    (Channel.TEXT, "Hi Maria, it's Maya at Harbor & Vine. Your 25th anniversary is coming up on Mar 14. "
                   "Shall I put together a few ideas?"),
    (Channel.EMAIL, "Hi Maria, this is Maya at Harbor & Vine. Your 25th anniversary is coming up on Mar 14. "
                    "Shall I put together a few ideas?"),
])
def test_every_channel_says_who_is_calling_from_which_store(channel, expected):
    assert line(ANNIVERSARY, channel=channel, on=date(2026, 2, 1)) == expected


@pytest.mark.parametrize(("reason", "words"), [
    (Reason(Kind.PARTNER_BIRTHDAY, "", 1.0, date(2026, 6, 3), {"name": "Anna"}), ["Anna's birthday", "Jun 3"]),
    (Reason(Kind.VALENTINES, "", 1.0, date(2026, 2, 14), {}), ["for Anna"]),
    (Reason(Kind.CHECK_IN, "", 1.0, date(2026, 1, 5), {"piece": "opal ring"}), ["enjoying the opal ring"]),
    (Reason(Kind.CARE, "", 1.0, date(2026, 1, 5), {"piece": "opal ring"}), ["opal ring", "cleaning"]),
    (Reason(Kind.REFERRAL_THANKS, "", 1.0, date(2026, 1, 5), {"name": "Joe"}), ["sending Joe our way"]),
    (Reason(Kind.RECONNECT, "", 1.0, date(2026, 1, 5), {}), ["been a while", "emerald studs"]),
    (Reason(Kind.NEW_ARRIVALS, "", 1.0, date(2026, 1, 5), {"category": "earrings"}), ["new earrings"]),
])
def test_opening_line_uses_the_reason_and_the_clients_data(reason, words):
    said = line(reason)
    assert said.startswith("Hi Maria, it's Maya at Harbor & Vine. ")
    assert all(word in said for word in words), said


@pytest.mark.parametrize(("reason", "words"), [
    (Reason(Kind.PARTNER_BIRTHDAY, "", 1.0, date(2026, 12, 13), {"name": "Catherine Adams"}),
     "Catherine's birthday is on Dec 13. Want me to set aside a few ideas for Catherine?"),
    (Reason(Kind.REFERRAL_THANKS, "", 1.0, ON, {"name": "Joe Park"}), "Thank you so much for sending Joe our way!"),
    (Reason(Kind.CHECK_IN, "", 1.0, ON, {"piece": "14k yellow gold repair"}),
     "How is your piece holding up since the repair?"),
])
def test_people_are_named_by_first_name_and_a_repair_is_not_enjoyed(reason, words):
    assert line(reason).endswith(words)


def test_every_kind_has_a_short_plain_line_without_prices():
    for kind in Kind:
        for facts in (MARIA, ClientFacts("Maria", no_pitch=True)):
            said = line(Reason(kind, "", 1.0, date(2026, 3, 1), {}), facts, Channel.CALL)
            assert said.startswith("Hi Maria, it's Maya at Harbor & Vine.") and "$" not in said and "None" not in said
            # GSM-7 only: a curly quote or a dash would shrink a text segment from 153 characters to 67.
            assert said.isascii() and len(said) <= MAX_LINE, said


# -- a gift is asked about as a gift ---------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "expected"), [
    (Kind.CHECK_IN, "Did Kenji love the diamond bracelet?"),
    (Kind.CARE, "It's been a few months since you gave Kenji the diamond bracelet."),
    (Kind.PURCHASE_ANNIVERSARY, "It's been a year since you gave Kenji the diamond bracelet."),
    (Kind.CLEANING, "The diamond bracelet you gave Kenji is due for its free cleaning"),
])
def test_a_piece_given_to_someone_is_asked_about_as_their_gift(kind, expected):
    facts = ClientFacts("Grace", gifts=[BRACELET], last_purchase=(BRACELET.bought_on, BRACELET.piece, None))
    said = line(Reason(kind, "", 1.0, BRACELET.bought_on, {"piece": "diamond bracelet"}), facts)
    assert expected in said and "enjoying" not in said, said


def test_a_holiday_present_is_not_asked_about_before_christmas():
    present = Gift(date(2026, 11, 25), "diamond bracelet", "Kenji", "holiday")
    check_in = Reason(Kind.CHECK_IN, "", 1.0, present.bought_on, {"piece": "diamond bracelet"})
    facts = ClientFacts("Grace", gifts=[present])
    assert line(check_in, facts, on=date(2026, 12, 10)).endswith(
        "Is the diamond bracelet for Kenji ready to give? We'd be glad to gift-wrap it.")
    assert line(check_in, facts, on=date(2026, 12, 28)).endswith("Did Kenji love the diamond bracelet?")
    assert "love" not in opening_line("Grace", [HOLIDAY, check_in], facts, Channel.TEXT, date(2026, 12, 10), caller=MAYA)


def test_a_gift_for_someone_unrecorded_asks_whether_they_loved_it():
    facts = ClientFacts("Grace", gifts=[Gift(BRACELET.bought_on, "diamond bracelet", None)])
    said = line(Reason(Kind.CHECK_IN, "", 1.0, BRACELET.bought_on, {"piece": "diamond bracelet"}), facts)
    assert said.endswith("Did they love the diamond bracelet?")


def test_a_piece_bought_for_herself_is_still_hers_to_enjoy():
    facts = ClientFacts("Grace", gifts=[BRACELET])  # the gift was another day
    said = line(Reason(Kind.CHECK_IN, "", 1.0, date(2026, 11, 2), {"piece": "opal ring"}), facts)
    assert said.endswith("How are you enjoying the opal ring?")


# -- no "it's been a while" within 60 days of a touch, a sale or the client being added ---------------------------

RECONNECT = Reason(Kind.RECONNECT, "", 1.0, ON, {})


def test_a_client_added_today_is_welcomed_not_missed():
    said = line(RECONNECT, ClientFacts("Grace", added_on=ON))
    assert "been a while" not in said and "lovely to meet you" in said


def test_an_engagement_ring_two_days_ago_is_thanked_for():
    facts = ClientFacts("Grace", added_on=date(2019, 1, 1),
                        last_purchase=(ON - timedelta(days=2), "diamond ring", "engagement"))
    said = line(RECONNECT, facts)
    assert "been a while" not in said and said.endswith("Thank you again for choosing the diamond ring. I hope you love it!")


def test_a_repair_last_week_is_thanked_for_as_a_repair():
    facts = ClientFacts("Grace", added_on=date(2019, 1, 1), last_purchase=(ON - timedelta(days=7), "gold repair", None))
    assert line(RECONNECT, facts).endswith("Thank you again for trusting us with your repair. Is everything just right?")


def test_a_recent_gift_is_thanked_for_as_a_gift():
    facts = ClientFacts("Grace", added_on=date(2019, 1, 1), gifts=[BRACELET],
                        last_purchase=(BRACELET.bought_on, BRACELET.piece, None))
    assert line(None, facts, on=BRACELET.bought_on + timedelta(days=30)).endswith("I hope Kenji loves the diamond bracelet!")


@pytest.mark.parametrize(("days", "quiet"), [(1, False), (60, False), (61, True)])
def test_its_been_a_while_only_after_sixty_quiet_days_since_the_last_touch(days, quiet):
    facts = ClientFacts("Grace", added_on=date(2019, 1, 1), last_touch_on=ON - timedelta(days=days))
    assert ("been a while" in line(RECONNECT, facts)) is quiet


def test_a_client_handed_to_a_new_associate_hears_an_introduction():
    said = line(Reason(Kind.RECONNECT, "", 1.0, ON, {"handoff_from": "Sam"}), MARIA)
    assert said.endswith("I'm your new contact here and wanted to introduce myself.")


# -- a saved holiday list is used by name -----------------------------------------------------------------------

HOLIDAY = Reason(Kind.HOLIDAY_LIST, "", 1.0, date(2026, 12, 24), {})


@pytest.mark.parametrize(("on", "words"), [
    (date(2026, 11, 20), "holiday lists done early"),
    (date(2026, 12, 13), "holiday lists done early"),  # eleven days left
    (date(2026, 12, 14), "still time to find something for everyone"),  # ten days left
    (date(2026, 12, 24), "still time to find something for everyone"),
])
def test_without_a_saved_list_the_holiday_line_asks_and_stops_saying_early_ten_days_before(on, words):
    assert words in line(HOLIDAY, on=on)


def test_after_the_list_is_saved_the_holiday_line_names_it_instead_of_asking():
    facts = ClientFacts("Grace", holiday_list=[HolidayGift("Kenji"), HolidayGift("Aiko")])
    said = line(HOLIDAY, facts)
    assert said.endswith("Your holiday list is saved: Kenji and Aiko. Shall I set aside a few ideas?")
    assert "Who's on" not in said


def test_a_persons_gift_follow_up_names_them_and_the_wish_to_wrap():
    facts = ClientFacts("Grace", holiday_list=[HolidayGift("Kenji", wish="pearl studs")])
    kenji = Reason(Kind.HOLIDAY_LIST, "", 1.0, date(2026, 12, 24), {"name": "Kenji Sato", "gift": 1})
    assert line(kenji, facts).endswith("Kenji is on your holiday list. Ready to wrap the pearl studs?")


def test_a_list_all_done_is_not_asked_about_again():
    facts = ClientFacts("Grace", holiday_list=[HolidayGift("Kenji", open=False)])
    assert line(HOLIDAY, facts).endswith("Your holiday list is all wrapped up! Anyone you'd like to add?")


def test_a_gifts_check_in_behind_the_holiday_list_is_asked_on_the_same_call():
    facts = ClientFacts("Grace", gifts=[BRACELET])
    check_in = Reason(Kind.CHECK_IN, "", 1.0, BRACELET.bought_on, {"piece": "diamond bracelet"})
    said = opening_line("Grace", [HOLIDAY, check_in], facts, Channel.TEXT, ON, caller=MAYA)
    assert said.endswith("Who's on yours this year? And did Kenji love the diamond bracelet?")
    own = Reason(Kind.CHECK_IN, "", 1.0, date(2026, 11, 2), {"piece": "opal ring"})
    assert "love" not in opening_line("Grace", [HOLIDAY, own], facts, Channel.TEXT, ON, caller=MAYA)



# -- "no pitch": greetings and service, no selling -------------------------------------------------------------

QUIET = ClientFacts("Grace", no_pitch=True, open_wish_items=["emerald studs"], partner_name="Anna",
                    wish_lists=[WishListFacts("Anna", 7, 2, (("birthday", 12, 20),), "Grace")])


@pytest.mark.parametrize("reason", [
    Reason(Kind.NEW_ARRIVALS, "", 1.0, ON, {"category": "earrings"}),
    Reason(Kind.STORE_EVENT, "", 1.0, ON, {"what": "Trunk show"}),
    Reason(Kind.STORE_EVENT, "", 1.0, ON, {"campaign_id": 3, "message": "20% off all pearls"}),
])
def test_no_pitch_turns_a_sales_reason_into_a_hello(reason):
    said = line(reason, QUIET)
    assert said.endswith("I just wanted to say hello and see how you're doing.")
    assert line(reason, ClientFacts("Grace")) != said  # the flag is what changed it


@pytest.mark.parametrize(("reason", "words"), [
    (ANNIVERSARY, "Your 25th anniversary is coming up on Mar 14. Wishing you both a wonderful day!"),
    (Reason(Kind.PARTNER_BIRTHDAY, "", 1.0, date(2026, 12, 20), {"name": "Anna"}),
     "Anna's birthday is on Dec 20. Please pass on our warmest wishes!"),
    (HOLIDAY, "Wishing you a wonderful holiday season from all of us!"),
    (RECONNECT, "It's been a while, and I'd love to catch up. How are you?"),
])
def test_no_pitch_keeps_the_occasion_greeting_without_the_offer(reason, words):
    said = line(reason, QUIET)
    assert said.endswith(words), said
    assert "ideas" not in said and "wish list" not in said and "emerald" not in said


def test_no_pitch_keeps_service_lines():
    care = Reason(Kind.CLEANING, "", 1.0, ON, {"piece": "opal ring"})
    assert "free cleaning" in line(care, QUIET)


def test_a_long_line_is_cut_to_two_text_segments_at_a_word():
    campaign = Reason(Kind.STORE_EVENT, "", 1.0, ON, {"campaign_id": 3, "message": "Our pearls are back. " * 30})
    said = line(campaign)
    assert len(said) <= MAX_LINE and said.endswith("...") and said.startswith("Hi Maria, it's Maya")
