"""One interface for every way a message leaves: SMTP for email, a Twilio-compatible REST API for texts, and the
development transport that keeps what it is given when nothing is configured.

A transport answers with what the far side said, sorted once: sent (with the provider's id), retry (429, 5xx, a
timeout, a dropped connection: the server may take it later) or failed (the server refused this message for good).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class Outgoing:
    """One message as a transport needs it (read with the claim; no database on the send path)."""

    id: int
    channel: str  # text, email
    to: str
    body: str
    subject: str | None = None
    sender_name: str = ""
    unsubscribe_url: str | None = None  # marketing email: List-Unsubscribe and the footer's link
    postal_address: str = ""  # marketing email: the store's, in the footer
    status_callback: str | None = None  # texts: where the provider reports delivered/failed


@dataclass(frozen=True)
class Answer:
    outcome: Literal["sent", "retry", "failed"]
    provider_id: str | None = None
    error: str | None = None
    retry_after: str | None = None


class Transport(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, message: Outgoing) -> Answer: ...


def transport_for(channel: str, config: Mapping[str, Any]) -> Transport:
    """SMTP for email when SMTP_URL is set, the REST provider for texts when its account is; else development."""
    from .dev import DevTransport
    from .smtp import SmtpTransport
    from .twilio import TwilioTransport

    if channel == "email" and config.get("SMTP_URL"):
        return SmtpTransport.from_config(config)
    if channel == "text" and config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN"):
        return TwilioTransport.from_config(config)
    return DevTransport()
