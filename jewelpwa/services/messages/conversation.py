"""The card's conversation: what the store sent the client from the app, with each message's status."""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Client, Message


def recent_messages(client: Client, limit: int = 20) -> list[Message]:
    """The client's messages, newest first (the card is scoped already: the client is the actor's store's)."""
    return list(db.session.scalars(select(Message).where(Message.store_id == client.store_id,
                                                         Message.client_id == client.id)
                                   .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)))
