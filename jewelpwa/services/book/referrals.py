"""record_referral: who sent this client to the store, and a thank-you follow-up for the referrer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from ...domain.client_columns import fold
from ...domain.proposals import Proposal, referral_thanks_proposal
from ...extensions import db
from ...models import Client, Purchase, Referral, User
from ..access import get_client, require_manager
from ..engine.follow_ups import insert_new, row_for
from ..engine.planner import engine_settings
from ..errors import Invalid

SEARCH_LIMIT = 8


def search_referrers(actor: User, client_id: int, query: str) -> list[Client]:
    """Store clients whose first or last name starts with `query` (the referred client left out)."""
    client = get_client(actor, client_id)
    words = fold(query)
    if not words:
        return []
    # search_name is "first last": a prefix finds the first name, " "+prefix a later word.
    like = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(db.session.scalars(select(Client).where(
        Client.store_id == actor.store_id, Client.erased_at.is_(None), Client.id != client.id,
        or_(Client.search_name.like(f"{like}%", escape="\\"), Client.search_name.like(f"% {like}%", escape="\\")),
    ).order_by(Client.search_name, Client.id).limit(SEARCH_LIMIT)))


def referral_of(actor: User, client_id: int) -> tuple[Referral, Client] | None:
    """The referral recorded for this client and its referrer, if any."""
    client = get_client(actor, client_id)
    row = db.session.scalar(select(Referral).where(Referral.store_id == actor.store_id, Referral.referred_id == client.id))
    return (row, db.session.get_one(Client, row.referrer_id)) if row else None


def record_referral(actor: User, client_id: int, referrer_id: int | None, today: date) -> Referral:
    """Record that `referrer_id` sent `client_id` to the store, and make the referrer's thanks follow-up now."""
    referred = get_client(actor, client_id)
    if referrer_id is None:
        raise Invalid("Referral not saved", {"referrer_id": f"Choose who referred {referred.display_name}."})
    referrer = get_client(actor, referrer_id)
    if referrer.id == referred.id:
        raise Invalid("Referral not saved", {"referrer_id": "A client cannot refer themselves: choose someone else."})
    existing = db.session.scalar(select(Referral).where(Referral.referred_id == referred.id))
    if existing is not None:
        before = db.session.get_one(Client, existing.referrer_id)
        raise Invalid("Referral not saved", {
            "referrer_id": f"{referred.display_name} is already recorded as referred by {before.display_name}."})
    referral = Referral(store_id=actor.store_id, referrer_id=referrer.id, referred_id=referred.id, recorded_on=today)
    db.session.add(referral)
    referred.referred_by_id = referrer.id
    db.session.flush()
    found = referral_thanks_proposal(referral.id, today, today, engine_settings(actor.store))
    if found is not None and not referrer.do_not_contact:
        # Same key as the planner's referrals(): tonight's plan finds it and adds nothing. The name makes
        # the reason read "Referral thanks · referred Maya Chen".
        proposal = Proposal(found.kind, found.window, found.occasion_on, found.dedupe_key, found.source,
                            {**found.detail, "name": referred.display_name})
        insert_new([row_for(actor.store_id, referrer.id, referrer.assigned_to_id, proposal, today)])
    db.session.commit()
    return referral


TOP_REFERRERS = 25


@dataclass(frozen=True)
class TopReferrer:
    client_id: int
    name: str
    referred: int
    bought: int
    spend: Decimal  # lifetime spend of the clients they referred


def top_referrers(actor: User, limit: int = TOP_REFERRERS) -> list[TopReferrer]:
    """The store's referrers, most referred clients first, then most who bought, then what those clients spent."""
    require_manager(actor)
    referrer, referred = aliased(Client), aliased(Client)
    bought = exists().where(Purchase.client_id == referred.id)
    count = func.count(Referral.id)
    buyers = func.count(Referral.id).filter(bought)
    spend = func.coalesce(func.sum(referred.lifetime_spend), 0)
    rows = db.session.execute(
        select(referrer.id, referrer.first_name, referrer.last_name, count, buyers, spend)
        .join(Referral, Referral.referrer_id == referrer.id)
        .join(referred, referred.id == Referral.referred_id)
        .where(Referral.store_id == actor.store_id, referrer.erased_at.is_(None))
        .group_by(referrer.id, referrer.first_name, referrer.last_name)
        .order_by(count.desc(), buyers.desc(), spend.desc(), referrer.last_name, referrer.first_name, referrer.id)
        .limit(limit)).all()
    return [TopReferrer(r[0], f"{r[1]} {r[2]}".strip(), r[3], r[4], Decimal(r[5] or 0)) for r in rows]
