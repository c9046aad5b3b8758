"""Gift-giver wish lists: the three-week suggestion to send one, and the message that carries the link."""

from datetime import date
from urllib.parse import unquote

import pytest

from jewelpwa.domain.line_rules import Caller
from jewelpwa.domain.opening import opening_line
from jewelpwa.domain.share import WishListFacts, mailto_href, share_message, sms_href, wish_list_nudges
from jewelpwa.domain.talking import ClientFacts, talking_points
from jewelpwa.domain.vocab import Channel

# Anna (Tom's partner) has a birthday on June 30 and two open wishes; Tom is the giver.
ANNA = WishListFacts("Anna", 7, 2, (("birthday", 6, 30),), "Tom")
BIRTHDAY = date(2026, 6, 30)
STORE = Caller("Maya", "Gem & Co")


@pytest.mark.parametrize(("on", "shown"), [
    (date(2026, 6, 8), False),   # 22 days before: not yet
    (date(2026, 6, 9), True),    # 21 days before: the window opens
    (date(2026, 6, 20), True),
    (date(2026, 6, 29), True),   # the day before
    (date(2026, 6, 30), False),  # on the day it is too late to send a list
    (date(2026, 7, 1), False),
])
def test_suggestion_shows_exactly_in_the_three_weeks_before_the_occasion(on, shown):
    assert bool(wish_list_nudges([ANNA], on)) is shown


def test_suggestion_reads_whose_occasion_when_and_whom_to_send_it():
    [nudge] = wish_list_nudges([ANNA], date(2026, 6, 9))
    assert nudge.text == "Anna's birthday is in 3 weeks — send Tom Anna's wish list"
    assert nudge.occasion_on == BIRTHDAY and nudge.person_id == 7


def test_no_suggestion_for_an_empty_list_or_one_already_sent_in_the_window():
    empty = WishListFacts("Anna", 7, 0, (("birthday", 6, 30),), "Tom")
    assert wish_list_nudges([empty], date(2026, 6, 20)) == []
    sent = WishListFacts("Anna", 7, 2, (("birthday", 6, 30),), "Tom", shared_on=date(2026, 6, 10))
    assert wish_list_nudges([sent], date(2026, 6, 20)) == []
    # A link sent for last year's birthday does not silence this year's.
    old = WishListFacts("Anna", 7, 2, (("birthday", 6, 30),), "Tom", shared_on=date(2025, 6, 12))
    assert len(wish_list_nudges([old], date(2026, 6, 20))) == 1


def test_clients_own_list_goes_to_the_partner_at_birthday_or_anniversary_soonest_first():
    tom = WishListFacts("Tom", None, 1, (("birthday", 12, 1), ("anniversary", 7, 10)), "Anna")
    [nudge] = wish_list_nudges([tom, ANNA], date(2026, 6, 25))[1:]
    assert nudge.text == "Tom's anniversary is in 2 weeks — send Anna Tom's wish list"
    alone = WishListFacts("Tom", None, 1, (("birthday", 7, 10),), None)
    assert wish_list_nudges([alone], date(2026, 7, 9))[0].text == (
        "Tom's birthday is tomorrow — send Tom's wish list to a gift-giver")


def test_talking_point_first_and_opening_line_offers_a_persons_list_to_the_client():
    facts = ClientFacts("Tom", partner_name="Anna", wish_lists=[ANNA])
    assert talking_points(facts, date(2026, 6, 9))[0] == "Anna's birthday is in 3 weeks — send Tom Anna's wish list"
    assert talking_points(facts, date(2026, 6, 8)) == ["Partner: Anna"]
    line = opening_line("Tom", [], facts, Channel.TEXT, date(2026, 6, 9), caller=STORE)
    assert line.endswith("Anna's birthday is in 3 weeks: shall I send you Anna's wish list?")
    assert "wish list" not in opening_line("Tom", [], facts, Channel.TEXT, date(2026, 6, 8), caller=STORE)


def test_opening_line_never_mentions_the_clients_own_list_to_the_client():
    facts = ClientFacts("Tom", wish_lists=[WishListFacts("Tom", None, 1, (("birthday", 6, 30),), "Anna")])
    assert "wish list" not in opening_line("Tom", [], facts, Channel.CALL, date(2026, 6, 20), caller=STORE)
    assert "send Anna Tom's wish list" in talking_points(facts, date(2026, 6, 20))[0]


def test_message_links_carry_the_text_and_work_without_a_number():
    text = share_message("Tom", "Anna", "Gem & Co", "https://x.test/w/abc", own_list=False)
    assert text == "Hi Tom! Here is Anna's wish list at Gem & Co: https://x.test/w/abc"
    assert sms_href("5550100", text).startswith("sms:5550100?&body=") and unquote(sms_href(None, text)[11:]) == text
    href = mailto_href("tom@example.com", "Anna's wish list", text)
    assert href.startswith("mailto:tom@example.com?subject=") and "Gem%20%26%20Co" in href
