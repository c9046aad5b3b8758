"""Store scoping: every lookup by id goes through here, so another store's row is simply not found."""

from __future__ import annotations

from typing import TypeVar

from ..extensions import db
from ..models import Client, User
from .errors import NotAllowed, NotFound

T = TypeVar("T")


def get_scoped(actor: User, model: type[T], row_id: int) -> T:
    """The row if it belongs to the actor's store; NotFound otherwise (404, never 403: ids are not confirmed)."""
    row = db.session.get(model, row_id)
    if row is None or getattr(row, "store_id", None) != actor.store_id:
        raise NotFound(model.__name__)
    return row


def get_client(actor: User, client_id: int) -> Client:
    client = get_scoped(actor, Client, client_id)
    if client.erased_at is not None:
        raise NotFound("Client")
    return client


def require_manager(actor: User) -> None:
    if not actor.is_manager:
        raise NotAllowed("owners and managers only")
