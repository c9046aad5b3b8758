"""Development: nothing configured (`make run`). The message is not delivered; its row is kept, marked with this
transport, and listed on /messages/dev ("Sent in development — not delivered"), so nothing is dropped silently."""

from __future__ import annotations

from .base import Answer, Outgoing


class DevTransport:
    name = "dev"

    def send(self, message: Outgoing) -> Answer:
        return Answer("sent", provider_id=f"dev-{message.id}")
