"""Logs never carry a client's email address or phone number, whatever logged them.

Every log record is cleaned as it is made (logging's record factory), not by a filter on some handlers: a
filter sees only the records of the logger it sits on, while this also covers werkzeug's request lines,
gunicorn's error and access logs, RQ's worker and any library, and every handler added later (pytest's
caplog, a log shipper). The message is formatted and cleaned, its arguments dropped; an exception is turned
into cleaned text at once and the exception object left off the record, so no handler can format it again.

In exception text, quoted literals ('...' and "..."), SQLAlchemy's "[parameters: ...]" and PostgreSQL's "DETAIL:"
line are hidden as well: that is where Python and the database drivers put the values that failed (a note,
a name), as in "invalid literal for int() with base 10: 'call after the wedding'". Messages the app logs
itself never include notes (see tests/integration/web/test_log_privacy.py).
"""

from __future__ import annotations

import logging
import re
import traceback

from flask import Flask

# Also URL-escaped ("q=anna%40example.com") and half-typed ("anna@exam", search as you type).
EMAIL = re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*")
# A phone number: an optional +, then digits in groups joined by a space, dot, dash, plus or parenthesis (or
# their URL escapes, as in a logged request line "GET /clients?q=%2B1+555+010+0001"); at least 7 digits when
# written with separators ("555-0134", "+44 20 7946 0958", "(555) 010-0001"), at least 9 when bare
# ("5550100001"), so ids, counts, years, dates, times and addresses stay readable.
_SEP = r"(?:[ ().+-]|%2[0389Bb])"
PHONE = re.compile(rf"(?<!\d)(?:\+|%2[Bb])?(?:\(|%28)?\d(?:\d|{_SEP}){{5,}}\d(?:\)|%29)?(?![\d:])")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # ISO dates, also inside timestamps ("2026-11-22 20:57")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_DECIMAL = re.compile(r"\d+\.\d+")
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
# PostgreSQL's DETAIL line quotes the failing row or key unquoted: "Failing row contains (12, 3, Anna, ...)".
_PG_DETAIL = re.compile(r"^DETAIL: [^\n]*", re.M)
EMAIL_MARK, PHONE_MARK, VALUE_MARK = "[email]", "[phone]", "'[value]'"
# An access-log line's status and size after its request line, as gunicorn's default format and werkzeug's
# write them ('"GET /x HTTP/1.1" 200 3438'): "200 3438" is seven digits with a space, which reads as a phone
# number to PHONE; it is kept as it is (the request line before it is still cleaned).
_ACCESS_STATUS = re.compile(r'(?<=HTTP/\d\.\d" )\d{3} (?:\d+|-)|(?<=HTTP/\d" )\d{3} (?:\d+|-)')
# A traceback's frame line names a source file and a line: no client data, and the file is what one needs.
_FRAME = re.compile(r'^(\s*File )"([^"\n]*)"(, line \d+.*)$', re.M)

_INSTALLED = "_jewelpwa_log_privacy"  # marks our factory: one wrapper, however many apps a process builds


def _phone(match: re.Match) -> str:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in _ESCAPE.sub("", text))
    core = _ESCAPE.sub("", text).strip("()")  # "(from 10.0.0.5)": the sentence's parentheses are not part of the address
    if digits < 7 or (text.isdigit() and digits < 9) or any(p.fullmatch(core) for p in (_DATE, _IPV4, _DECIMAL)):
        return text
    return PHONE_MARK


def _redact_part(text: str) -> str:
    return PHONE.sub(_phone, EMAIL.sub(EMAIL_MARK, text))


def _around(pattern: re.Pattern, text: str, clean) -> str:  # noqa: ANN001 - a str -> str function
    """`clean` applied to the text between the matches of `pattern`; the matches themselves kept."""
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [clean(text[last:match.start()]), match.group(0)]
        last = match.end()
    out.append(clean(text[last:]))
    return "".join(out)


def redact(text: str) -> str:
    """The text with email addresses and phone-number-like digit runs replaced."""
    if not text:
        return text
    return _around(_ACCESS_STATUS, text, _redact_part)


def redact_exception(text: str) -> str:
    """Exception text: also the values quoted in messages and the SQL parameters of a database error (a
    traceback's `File "...", line N` keeps its file name)."""
    text = _SQL_PARAMETERS.sub("[parameters: hidden]", text)
    text = _PG_DETAIL.sub("DETAIL: [hidden]", text)
    frames = _FRAME.sub(lambda m: f"{m.group(1)}\x00{m.group(2)}\x00{m.group(3)}", text)
    return _around(re.compile(r"\x00[^\x00\n]*\x00"), frames,
                   lambda part: redact(_QUOTED.sub(VALUE_MARK, part))).replace("\x00", '"')


def _clean(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what logging would have shown, cleaned
        message = f"{record.msg!r} {record.args!r}"
    # SQLAlchemy's echo (sqlalchemy.engine at INFO) logs every statement's parameters: the values themselves.
    record.msg = redact_exception(message) if record.name.startswith("sqlalchemy.engine") else redact(message)
    record.args = ()
    if record.exc_info and record.exc_info[0] is not None:
        text = record.exc_text or "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text, record.exc_info = redact_exception(text), None
    elif record.exc_text:
        record.exc_text = redact_exception(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install() -> None:
    """Wrap the process's log record factory once (idempotent)."""
    make = logging.getLogRecordFactory()
    if getattr(make, _INSTALLED, False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        return _clean(make(*args, **kwargs))

    setattr(factory, _INSTALLED, True)
    logging.setLogRecordFactory(factory)


def init_app(app: Flask) -> None:
    """Install the cleaning for this process; the app is taken for the factory's init_* shape."""
    install()
