"""The pure part of automatic messages: their keys and card labels, the milestone wording, and the gate's answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jewelpwa.domain.gate import tolerance_refusal
from jewelpwa.domain.messages import AUTOMATIC, anniversary_occasion, auto_key, auto_label, fill
from jewelpwa.domain.settings import FREQUENCY_PRESETS
from jewelpwa.domain.vocab import Frequency

ON = date(2026, 6, 10)
NORMAL = FREQUENCY_PRESETS[Frequency.NORMAL]


def test_an_automatic_key_names_its_kind_for_the_card_and_a_written_message_has_none():
    assert auto_key("thank_you", "purchase:12") == "auto:thank_you:purchase:12"
    assert auto_label("auto:thank_you:purchase:12") == "Thank you"
    assert auto_label("auto:anniversary:date:3:2026") == "Anniversary greeting"
    assert auto_label(None) is None and auto_label("auto:nope:x:1") is None and auto_label("thank_you") is None


@pytest.mark.parametrize(("years", "milestone", "said"), [
    (10, True, "your 10th anniversary"), (25, True, "your 25th anniversary"), (1, True, "your 1st anniversary"),
    (7, False, "your anniversary"), (None, False, "your anniversary"),
])
def test_a_milestone_anniversary_is_called_out_and_another_is_not(years, milestone, said):
    assert anniversary_occasion(years, milestone) == said


def test_every_automatic_message_starts_off_and_fills_with_its_fields():
    assert not any(a.on_by_default for a in AUTOMATIC)
    confirmation = next(a for a in AUTOMATIC if a.key == "appointment_confirmation").template
    assert fill(confirmation.body, {"first_name": "Ana", "store": "Gem", "date": "Sat, Dec 5", "time": "2:30 PM",
                                    "associate": "Maya"}) == (
        "Hi Ana, your appointment at Gem is booked for Sat, Dec 5 at 2:30 PM. See you then! Maya")


@pytest.mark.parametrize(("touches_ago", "refused"), [
    ((), None),
    ((20,), None),
    ((25, 15), "Frequency limit (at most 2 touches in 30 days): nothing was sent."),
    ((3,), "Frequency limit (7 days between touches): nothing was sent."),
    ((40, 35), None),
])
def test_the_gate_refuses_a_marketing_message_that_would_break_the_frequency_tolerance(touches_ago, refused):
    touches = [ON - timedelta(days=d) for d in touches_ago]
    assert tolerance_refusal(touches, NORMAL, ON) == refused
