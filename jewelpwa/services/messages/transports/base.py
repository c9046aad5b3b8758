"""What every transport takes and answers (apart from the package, so each transport imports it without a circle)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol


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
    sms_from: str | None = None  # texts: the store's own number, instead of the app's TWILIO_FROM / service
    reply_to: str | None = None  # email: the store's reply address naming this message (INBOUND_EMAIL_DOMAIN)


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
