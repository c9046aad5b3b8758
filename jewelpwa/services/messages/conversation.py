"""The card's conversation: what the store sent the client from the app, with each message's status."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from ...extensions import db
from ...models import Client, Message

# The messages the card shows: all but a campaign's refusals (see recent_messages). The card's one look at which
# sections have rows (book.card) asks the same.
ON_THE_CARD = ~((Message.campaign_id.is_not(None)) & (Message.status == "refused"))
# Built once with bound parameters: the card reads it on every request, and building it (and its cache key) each
# time cost more than running it.
_RECENT = (select(Message).where(Message.store_id == bindparam("store_id"), Message.client_id == bindparam("client_id"),
                                 ON_THE_CARD)
           .order_by(Message.created_at.desc(), Message.id.desc()).limit(bindparam("limit")))


def recent_messages(client: Client, limit: int = 20) -> list[Message]:
    """The client's messages, newest first (the card is scoped already: the client is the actor's store's).

    A campaign's refusal (this client was left out: do not contact, opted out, no address) is not on the card: it
    was never written to them, the campaign's page lists it, and a client left out of every campaign would
    otherwise see their real conversation pushed off the card's last 20 by "Not sent" lines."""
    return list(db.session.scalars(_RECENT, {"store_id": client.store_id, "client_id": client.id, "limit": limit}))
