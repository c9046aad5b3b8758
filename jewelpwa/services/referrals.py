"""record_referral: who sent this client to the store, and a thank-you follow-up for the referrer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from ..domain.proposals import Proposal, referral_thanks_proposal
from ..extensions import db
from ..models import Client, Referral, User
from .access import get_client
from .errors import Invalid
from .follow_ups import insert_new, row_for
from .planner import engine_settings

SEARCH_LIMIT = 8


def search_referrers(actor: User, client_id: int, query: str) -> list[Client]:
    """Store clients whose first or last name starts with `query` (the referred client left out)."""
    client = get_client(actor, client_id)
    words = (query or "").strip().lower()
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
    return (row, db.session.get(Client, row.referrer_id)) if row else None


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
        before = db.session.get(Client, existing.referrer_id)
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
