"""Private share links to a wish list: made by staff, opened by a gift-giver without a login, revocable.

The token is 256 random bits shown once (in the message the associate sends); only its SHA-256 is stored,
so a copy of the database does not open anyone's list.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from ...clock import utcnow
from ...domain.client_columns import dial_number
from ...domain.locales import StoreLocale
from ...domain.share import mailto_href, share_message, sms_href
from ...domain.vocab import Relation
from ...extensions import db
from ...models import AuditEvent, Client, Person, ShareLink, Store, User, WishItem
from ..access import get_client
from ..errors import Invalid, NotFound
from .trade_up import policy_of

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _first(name: str | None) -> str:
    return (name or "").strip().split(" ")[0] if (name or "").strip() else ""


def _list_filter(client_id: int, person_id: int | None):
    person = WishItem.person_id.is_(None) if person_id is None else WishItem.person_id == person_id
    return (WishItem.client_id == client_id, person, WishItem.status == "open")


@dataclass(frozen=True)
class Sending:
    """A new link and the ready-made messages that carry it to the giver."""

    link: ShareLink
    url: str
    owner_name: str
    giver_name: str | None
    message: str
    sms: str | None
    mailto: str | None
    own_list: bool


def _person(actor: User, client: Client, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    person = db.session.get(Person, person_id)
    if person is None or person.client_id != client.id or person.store_id != actor.store_id:
        raise NotFound("Person")
    return person


def _partner(client: Client) -> Person | None:
    return db.session.scalar(select(Person).where(Person.client_id == client.id, Person.relation == Relation.PARTNER)
                             .order_by(Person.id).limit(1))


def create_share_link(actor: User, client_id: int, person_id: int | None, url_for_token) -> Sending:  # noqa: ANN001
    """A fresh link to the client's own list (person_id None) or one person's, with the message to send it.

    For a person's list the giver is the client; for the client's own list, their partner (whose number the
    associate picks on the phone: people have no contact details here)."""
    client = get_client(actor, client_id)
    person = _person(actor, client, person_id)
    if not db.session.scalar(select(WishItem.id).where(*_list_filter(client.id, person_id)).limit(1)):
        whose = _first(person.name) if person else client.first_name
        raise Invalid("Nothing to share", {"share": f"{whose}'s wish list has no open items: add one first."})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(store_id=actor.store_id, client_id=client.id, person_id=person_id, token_hash=hash_token(token),
                     created_by_id=actor.id)
    db.session.add(link)
    # The target names no person: the audit trail keeps who shared, not the names on the list.
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="wish_list_shared",
                              target=f"client:{client.id}:{'own' if person_id is None else 'person'}"))
    db.session.commit()
    url = url_for_token(token)
    store = db.session.get_one(Store, actor.store_id)
    own = person is None
    owner = client.first_name if person is None else _first(person.name)
    if own:
        partner = _partner(client)
        giver, phone, email = (_first(partner.name) if partner else None), None, None
    else:
        giver = client.first_name
        contactable = not client.do_not_contact
        phone = (dial_number(client.phone, store.country) or None
                 if contactable and client.phone and "text" not in (client.opted_out or []) else None)
        email = client.email if contactable and "email" not in (client.opted_out or []) else None
    message = share_message(giver, owner, store.name, url, own)
    subject = f"{owner}'s wish list at {store.name}"
    can_text = own or bool(phone)
    can_mail = own or bool(email)
    return Sending(link, url, owner, giver, message, sms_href(phone, message) if can_text else None,
                   mailto_href(email, subject, message) if can_mail else None, own)


def revoke_list_links(actor: User, client_id: int, person_id: int | None) -> int:
    """Revoke every live link to one list; returns how many."""
    client = get_client(actor, client_id)
    _person(actor, client, person_id)
    person = ShareLink.person_id.is_(None) if person_id is None else ShareLink.person_id == person_id
    live = update(ShareLink).where(ShareLink.client_id == client.id, person, ShareLink.revoked_at.is_(None))
    done = cast(CursorResult[Any], db.session.execute(live.values(revoked_at=utcnow()))).rowcount
    if done:
        db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="wish_links_revoked",
                                  target=f"client:{client.id}:{done}"))
    db.session.commit()
    return done


@dataclass(frozen=True)
class SharedItem:
    description: str
    metal: str | None
    stone: str | None
    price_hint: Decimal | None


@dataclass(frozen=True)
class SharedList:
    """All a giver sees: whose list (first name only), its open items, and how to reach the store."""

    first_name: str
    items: list[SharedItem]
    store_name: str
    store_phone: str | None
    locale: StoreLocale  # the store's money, whoever opens the link


def shared_list(token: str) -> SharedList:
    """The list behind a live token; NotFound for an unknown, revoked or erased one (the same 404 for all)."""
    if not token or len(token) > 100:
        raise NotFound("ShareLink")
    link = db.session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token),
                                                     ShareLink.revoked_at.is_(None)))
    if link is None:
        raise NotFound("ShareLink")
    client = db.session.get(Client, link.client_id)
    if client is None or client.erased_at is not None or client.store_id != link.store_id:
        raise NotFound("ShareLink")
    if link.person_id is not None:
        person = db.session.get(Person, link.person_id)
        if person is None or person.client_id != client.id:
            raise NotFound("ShareLink")
        first = _first(person.name)
    else:
        first = client.first_name
    rows = db.session.scalars(select(WishItem).where(*_list_filter(client.id, link.person_id))
                              .order_by(WishItem.created_at, WishItem.id)).all()
    store = db.session.get_one(Store, link.store_id)
    return SharedList(first, [SharedItem(r.description, r.metal, r.stone, r.price_hint) for r in rows], store.name,
                      policy_of(store.id).share_phone, store.locale_rules)
