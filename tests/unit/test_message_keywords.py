"""SMS keywords: the whole trimmed body, in any case, trailing punctuation aside; a sentence that contains one is an
ordinary reply."""

from __future__ import annotations

import pytest

from jewelpwa.domain.messages import keyword


@pytest.mark.parametrize("body", ["STOP", "stop", " Stop\n", "STOPALL", "unsubscribe", "Cancel", "END", "quit",
                                  "STOP.", "Stop!", "stop !", "Unsubscribe..."])
def test_stop_words(body):
    assert keyword(body) == "stop"


@pytest.mark.parametrize("body", ["START", "unstop", "Yes ", "Start."])
def test_start_words(body):
    assert keyword(body) == "start"


def test_help():
    assert keyword(" help ") == "help"


@pytest.mark.parametrize("body", ["Stop by Saturday?", "S.T.O.P", "yes please", ".", "!", "", None, "Please stop texting"])
def test_anything_else_is_a_reply(body):
    assert keyword(body) is None
