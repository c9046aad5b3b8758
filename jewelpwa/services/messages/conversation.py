"""The card's conversation: what the store sent the client from the app, with each message's status."""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Client, Message


def recent_messages(client: Client, limit: int = 20) -> list[Message]:
    """The client's messages, newest first (the card is scoped already: the client is the actor's store's).

    A campaign's refusal (this client was left out: do not contact, opted out, no address) is not on the card: it
    was never written to them, the campaign's page lists it, and a client left out of every campaign would
    otherwise see their real conversation pushed off the card's last 20 by "Not sent" lines."""
    left_out = (Message.campaign_id.is_not(None)) & (Message.status == "refused")
    return list(db.session.scalars(select(Message).where(Message.store_id == client.store_id,
                                                         Message.client_id == client.id, ~left_out)
                                   .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)))
