"""Replies by email, the pure part: the words of a reply without the quoted history under it, and whether an email
that arrived at a reply address is a delivery status notification (a bounce) rather than a reply.
"""

from __future__ import annotations

import re

# Where a mail client starts quoting what it answers: "On Tue, Jun 9, 2026 at 10:02 AM Gem Store <...> wrote:",
# Outlook's "-----Original Message-----" or its "From: ..." block, and the "> " quoted lines themselves.
_QUOTE_STARTS = (
    re.compile(r"^\s*On .{0,300}wrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^\s*From:\s.+$"),
    re.compile(r"^\s*>"),
)


def reply_text(plain: str | None, limit: int) -> str:
    """The reply's own words: the text before the quoted history, trimmed, at most `limit` characters. When the
    whole email is a quote (someone forwarding it back), the text as it came (cut to the limit) is kept instead."""
    text = (plain or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # "On ... wrote:" may wrap onto two lines in some clients: join each line with the next before matching.
    for i, line in enumerate(lines):
        pair = f"{line} {lines[i + 1]}" if i + 1 < len(lines) else line
        if any(p.match(line) for p in _QUOTE_STARTS) or (line.strip().startswith("On ") and
                                                         _QUOTE_STARTS[0].match(pair)):
            kept = "\n".join(lines[:i]).strip()
            if kept:
                return kept[:limit].strip()
            break
    return text.strip()[:limit].strip()


_DSN_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
_STATUS = re.compile(r"^\s*Status:\s*([245])\.\d{1,3}\.\d{1,3}", re.IGNORECASE | re.MULTILINE)
_ACTION = re.compile(r"^\s*Action:\s*(failed|delayed|delivered|relayed|expanded)", re.IGNORECASE | re.MULTILINE)


def dsn_severity(sender: str, content_type: str, body: str) -> str | None:
    """"permanent" or "temporary" when this email is a delivery status notification (RFC 3464: a
    multipart/report, or mail from the null sender, MAILER-DAEMON or postmaster), else None (an ordinary reply).
    A DSN saying Status 5.x.x or Action: failed is permanent; a delay (4.x.x, Action: delayed) is temporary, as is
    a notification that says neither (the provider's events have the last word on those)."""
    report = "multipart/report" in (content_type or "").lower()
    if not (report or not (sender or "").strip() or _DSN_SENDERS.match((sender or "").strip())):
        return None
    status, action = _STATUS.search(body or ""), _ACTION.search(body or "")
    if (status and status[1] == "5") or (action and action[1].lower() == "failed"):
        return "permanent"
    return "temporary"
