"""A small RFC 5545 (iCalendar) writer: all-day and timed events, escaped, folded, CRLF.

Pure: no Flask, no database, the stamp passed in. Times are written in UTC ("Z"), so the calendar needs
no VTIMEZONE; all-day events are floating DATE values, which is what an all-day reminder means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class AllDayEvent:
    uid: str
    day: date
    summary: str
    description: str = ""


@dataclass(frozen=True)
class TimedEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str = ""


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and newlines as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets; each continuation starts with one space.

    Folding counts UTF-8 octets and never splits a character (a split multi-byte character is invalid UTF-8).
    """
    pieces: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            # The leading space of a continuation line counts towards its 75 octets.
            current, size, limit = " ", 1, MAX_OCTETS
        current += ch
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def _utc(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("timed events need an aware datetime")
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: AllDayEvent | TimedEvent, stamp: str) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{stamp}"]
    if isinstance(event, AllDayEvent):
        lines += [f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
                  # A reminder to call is not a meeting: the day stays free in the calendar.
                  "TRANSP:TRANSPARENT"]
    else:
        lines += [f"DTSTART:{_utc(event.starts_at)}", f"DTEND:{_utc(event.ends_at)}"]
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines.append("END:VEVENT")
    return lines


def calendar(name: str, events: Iterable[AllDayEvent | TimedEvent], now: datetime,
             refresh_minutes: int = 60) -> str:
    """The whole VCALENDAR as text with CRLF line ends and folded lines."""
    stamp = _utc(now)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//JewelPWA//Calendar feed//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}",
             f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_minutes}M", f"X-PUBLISHED-TTL:PT{refresh_minutes}M"]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
