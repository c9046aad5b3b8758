"""The ICS writer: RFC 5545 escaping, folding at 75 octets, CRLF, and the calendar's required properties."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from jewelpwa.domain.ics import AllDayEvent, TimedEvent, calendar, escape_text, fold

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    """Content lines back from folded text (RFC 5545 3.1): CRLF followed by one space continues a line."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text[:-2].replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize(("raw", "escaped"), [
    ("Call Maya, then Sam; bring the ring", "Call Maya\\, then Sam\\; bring the ring"),
    ("C:\\path", "C:\\\\path"),
    ("two\nlines\r\nand\rthree", "two\\nlines\\nand\\nthree"),
    ("plain", "plain"),
])
def test_text_values_are_escaped(raw, escaped):
    assert escape_text(raw) == escaped


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "Call Zoë Brontë — 25th anniversary Mar 14 " * 5
    folded = fold(line)
    physical = folded.split("\r\n")
    assert len(physical) > 2
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    for p in physical:
        p.encode("utf-8").decode("utf-8")  # each piece is whole characters
    assert folded.replace("\r\n ", "") == line


def test_short_line_is_left_alone():
    assert fold("UID:1@x") == "UID:1@x"


def test_calendar_has_required_properties_all_day_and_utc_timed_events():
    events = [
        AllDayEvent("fu-1@jewelpwa", date(2026, 3, 14), "Call Maya Chen — 25th anniversary Mar 14", "Due Mar 1"),
        TimedEvent("ap-1@jewelpwa", datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=-5))),
                   datetime(2026, 3, 2, 10, 45, tzinfo=timezone(timedelta(hours=-5))), "Consultation — Ben Ode"),
    ]
    lines = unfold(calendar("JewelPWA · Maya", events, NOW))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20260314" in lines and "DTEND;VALUE=DATE:20260315" in lines
    # Timed events in UTC, so no VTIMEZONE is needed.
    assert "DTSTART:20260302T150000Z" in lines and "DTEND:20260302T154500Z" in lines
    assert lines.count("DTSTAMP:20260301T093000Z") == 2
    assert "SUMMARY:Call Maya Chen — 25th anniversary Mar 14" in lines


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        calendar("x", [TimedEvent("u", datetime(2026, 1, 1), datetime(2026, 1, 1), "s")], NOW)
