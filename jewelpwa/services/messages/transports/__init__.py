"""One interface for every way a message leaves: SMTP for email, a Twilio-compatible REST API for texts, and the
development transport that keeps what it is given when nothing is configured.

A transport answers with what the far side said, sorted once: sent (with the provider's id), retry (429, 5xx, a
timeout, a dropped connection: the server may take it later) or failed (the server refused this message for good).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Answer, Outgoing, Transport
from .dev import DevTransport
from .smtp import SmtpTransport
from .twilio import TwilioTransport

__all__ = ["Answer", "Outgoing", "Transport", "transport_for"]


def transport_for(channel: str, config: Mapping[str, Any]) -> Transport:
    """SMTP for email when SMTP_URL is set, the REST provider for texts when its account is; else development."""
    if channel == "email" and config.get("SMTP_URL"):
        return SmtpTransport.from_config(config)
    if channel == "text" and config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN"):
        return TwilioTransport.from_config(config)
    return DevTransport()
