"""Contact links for a client: tel:, sms: and mailto: with a suggested opening line, never to an opted-out channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from ...domain.client_columns import dial_number
from ...domain.gate import reachable
from ...domain.vocab import Channel
from ..engine.gating import prefs_of

_LABELS = {Channel.CALL: "Call", Channel.TEXT: "Text", Channel.EMAIL: "Email"}


@dataclass(frozen=True)
class ContactLink:
    channel: Channel
    label: str
    href: str
    suggested: bool
    opening: str | None  # shown under a call button: a phone link cannot carry the words


def contact_links(client, openings: Mapping[Channel, str] | None = None,  # noqa: ANN001 - a Client row
                  suggested: Channel | None = None, region: str = "US") -> list[ContactLink]:
    """Call, text and email links the client can receive, in that order; do-not-contact gives none.

    The number is dialled in E.164 (`region`: the store's country), so "07700 900123" rings the same phone from
    anywhere; spaces, dots and brackets, which break some dialers, never reach the link."""
    prefs = prefs_of(client)
    if prefs.do_not_contact:
        return []
    openings = openings or {}
    links = []
    for channel in (Channel.CALL, Channel.TEXT, Channel.EMAIL):
        if not reachable(channel, prefs):
            continue
        line = openings.get(channel)
        if channel is Channel.CALL:
            href = f"tel:{dial_number(client.phone, region)}"
        elif channel is Channel.TEXT:
            # "?&body=" is the form both iOS and Android Messages read.
            href = f"sms:{dial_number(client.phone, region)}" + (f"?&body={quote(line)}" if line else "")
        else:
            href = f"mailto:{quote(client.email, safe='@')}" + (f"?body={quote(line)}" if line else "")
        links.append(ContactLink(channel, _LABELS[channel], href, channel == suggested, line))
    return links
