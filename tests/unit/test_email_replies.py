"""Replies by email, the pure part: the quoted history under a reply is trimmed; bounce notices are told apart."""

from __future__ import annotations

import pytest

from jewelpwa.domain.email_replies import dsn_severity, reply_text
from jewelpwa.domain.time_zones import implied_zone, is_zone, zone_of_phone


@pytest.mark.parametrize("plain", [
    "Saturday works.\n\nOn Wed, Jun 10, 2026 at 12:00 PM Gem Store <hello@gemstore.test> wrote:\n> Hi Ana",
    "Saturday works.\r\n\r\nOn Wed, Jun 10, 2026 at 12:00 PM Gem Store\r\n<hello@gemstore.test> wrote:\r\n> Hi Ana",
    "Saturday works.\n-----Original Message-----\nFrom: Gem Store\nHi Ana",
    "Saturday works.\n\nFrom: Gem Store <hello@gemstore.test>\nSent: Wednesday\nHi Ana",
    "Saturday works.\n> Hi Ana",
    "  Saturday works.  ",
])
def test_the_reply_keeps_its_own_words_only(plain):
    assert reply_text(plain, 1600) == "Saturday works."


def test_a_reply_that_is_all_quote_is_kept_and_every_reply_is_cut_to_the_limit():
    assert reply_text("> Hi Ana\n> the ring", 1600) == "> Hi Ana\n> the ring"
    assert reply_text("x" * 5000, 1600) == "x" * 1600
    assert reply_text(None, 10) == ""


@pytest.mark.parametrize(("sender", "content_type", "body", "severity"), [
    ("", "text/plain", "Action: failed\nStatus: 5.1.1", "permanent"),
    ("MAILER-DAEMON@mx.example", "text/plain", "Status: 5.2.2 mailbox full", "permanent"),
    ("postmaster@mx.example", "multipart/report; report-type=delivery-status", "Action: delayed\nStatus: 4.4.7",
     "temporary"),
    ("ana@example.com", "multipart/report; report-type=delivery-status", "no status given", "temporary"),
    ("ana@example.com", "text/plain", "Status: 5.1.1 is what my order said", None),
])
def test_bounce_notices_are_told_from_replies(sender, content_type, body, severity):
    assert dsn_severity(sender, content_type, body) == severity


def test_a_client_zone_is_an_iana_name_and_a_mobile_names_one_only_when_its_prefix_has_one():
    assert is_zone("America/Los_Angeles") and not is_zone("PST") and not is_zone("../../etc/passwd")
    assert not is_zone(" America/Denver") and not is_zone("")
    assert zone_of_phone("+12135550142") == "America/Los_Angeles"
    assert zone_of_phone("+447911123456") is None  # four zones share +44
    assert implied_zone("+12125550143", "America/New_York") is None  # the store's own: left to follow the store
    assert implied_zone("+12135550142", "America/New_York") == "America/Los_Angeles"
