"""The log scrubber's patterns (web/log_privacy.py) on what logs really hold: gunicorn's default access-log
line keeps its status and size (1,410 of 1,553 lines had lost them: "200 3438" read as a phone number), a
real traceback keeps its file names (they read '[value]'), and emails and phones are still hidden."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from gunicorn.config import Config

from jewelpwa.web.log_privacy import install, redact, redact_exception


def access_line(request_line: str, status: str, size: str) -> str:
    """A line in gunicorn's default access-log format (its own format string, atoms as gunicorn fills them)."""
    atoms = {"h": "203.0.113.9", "l": "-", "u": "-", "t": datetime(2026, 11, 22, 20, 57, 1, tzinfo=UTC)
             .strftime("[%d/%b/%Y:%H:%M:%S %z]"), "r": request_line, "s": status, "b": size,
             "f": "https://shop.example/today", "a": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)"}
    return Config().access_log_format % atoms


@pytest.mark.parametrize(("status", "size"), [("200", "3438"), ("303", "-"), ("404", "1290"), ("200", "1048576"),
                                              ("304", "0")])
def test_an_access_line_keeps_its_status_and_size(status, size):
    line = access_line("GET /today HTTP/1.1", status, size)
    assert f'HTTP/1.1" {status} {size} ' in redact(line)
    assert redact(line) == line


def test_an_access_line_still_hides_a_phone_or_email_in_its_request_line():
    line = access_line("GET /clients?q=%2B1+555+010+0001&e=anna%40example.org HTTP/1.1", "200", "3438")
    cleaned = redact(line)
    assert "555" not in cleaned and "anna" not in cleaned
    assert '[phone]' in cleaned and '[email]' in cleaned and 'HTTP/1.1" 200 3438 ' in cleaned


def test_werkzeugs_request_line_keeps_status_and_size():
    line = '127.0.0.1 - - [22/Nov/2026 20:57:01] "POST /clients/7/outcome HTTP/1.1" 200 5551234'
    assert redact(line) == line


@pytest.mark.parametrize("text", ["call 555-0134", "(555) 010-0001", "+44 20 7946 0958", "5550100001",
                                  "anna.lopez@example.org", "q=anna%40exam"])
def test_emails_and_phones_are_still_hidden(text):
    assert redact(text) in {"call [phone]", "[phone]", "[email]", "q=[email]"}


def _fails_with_a_note(note: str) -> None:
    int(note)


def test_a_real_traceback_keeps_its_file_names_and_hides_the_value(caplog):
    install()
    logger = logging.getLogger("jewelpwa.tests.log_patterns")
    try:
        _fails_with_a_note("call Anna after the wedding, 555-0134")
    except ValueError:
        logger.exception("crash")
    [record] = [r for r in caplog.records if r.name == "jewelpwa.tests.log_patterns"]
    text = record.exc_text
    assert f'File "{__file__}", line' in text, text
    assert "in _fails_with_a_note" in text and "'[value]'" in text
    assert "Anna" not in text and "555" not in text
    assert "File '[value]'" not in redact_exception(text)
