"""Campaigns that send, the pure part: why a recipient is left out, in the preview's words, and the pace.

The consent reasons come in the order domain.messages.refusal checks them (that function words the refusal kept
on the message row); the frequency tolerance is the contact gate's (domain.gate.decide), asked after them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

LEFT_OUT_ORDER = ("do_not_contact", "opted_out", "no_address", "bounced", "no_postal_address", "frequency")


def left_out_key(channel: str, *, do_not_contact: bool, opted_out: set[str] | frozenset[str], address: str | None,
                 postal_address_set: bool) -> str | None:
    """Which consent rule leaves this recipient out (None: the message may go, subject to the tolerance)."""
    if do_not_contact:
        return "do_not_contact"
    if channel in opted_out:
        return "opted_out"
    if not address:
        return "no_address"
    if channel == "email" and not postal_address_set:
        return "no_postal_address"
    return None


def left_out_label(key: str, channel: str) -> str:
    """ "opted out of texts", "no email address": how the preview and the campaign page count a reason."""
    email = channel == "email"
    return {
        "do_not_contact": "do not contact",
        "opted_out": "opted out of email" if email else "opted out of texts",
        "no_address": "no email address" if email else "no mobile number that can receive texts",
        "bounced": "email bounced at that address",
        "no_postal_address": "no store postal address for email (Owner → Settings)",
        "frequency": "over their contact limit (frequency tolerance)",
    }[key]


def pace_gap(per_minute: int) -> timedelta:
    """The time between two messages of a campaign at the store's pace."""
    return timedelta(seconds=60 / max(1, per_minute))


def spread(count: int, start: datetime, per_minute: int,
           waits_until: Callable[[datetime], datetime | None] | None = None) -> tuple[list[datetime], datetime]:
    """`count` send times from `start` at `per_minute`, each moved out of quiet hours, and the next free slot.

    A slot in the quiet hours moves to their end and the ones after it follow at the same pace, so the morning
    after a late campaign does not start with every waiting text at once."""
    gap = pace_gap(per_minute)
    times, slot = [], start
    for _ in range(count):
        slot = (waits_until(slot) if waits_until else None) or slot  # out of quiet hours (texts: 8:00)
        times.append(slot)
        slot += gap
    return times, slot
