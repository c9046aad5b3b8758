"""The card's relationship extras: loyalty tier, trade-up credit, wish lists with share links, referrals (issue 8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, select

from ..domain.share import WishListFacts, WishListNudge, wish_list_nudges
from ..domain.vocab import DateKind, Relation
from ..extensions import db
from ..models import Client, ImportantDate, Person, Purchase, Referral, ShareLink, User, WishItem
from .loyalty import LoyaltyStanding, standing
from .trade_up import LedgerLine, ledger, policy_of


@dataclass
class WishList:
    """One giftable list on the card: the client's own (person None) or a person's."""

    owner_name: str
    person: Person | None
    items: list[WishItem] = field(default_factory=list)
    live_links: int = 0
    nudge: WishListNudge | None = None

    @property
    def key(self) -> str:
        return f"p{self.person.id}" if self.person else "own"


@dataclass
class RelationsPart:
    loyalty: LoyaltyStanding | None
    trade_up_on: bool
    credits: list[LedgerLine]
    wish_lists: list[WishList]
    nudges: list[WishListNudge]
    referred_count: int
    referred_bought: int
    referred_spend: Decimal

    @property
    def credit_available(self):  # noqa: ANN201
        return sum((line.credit.amount for line in self.credits if line.credit.status == "available"), 0)


def _first(name: str | None) -> str:
    return (name or "").strip().split(" ")[0] if (name or "").strip() else ""


def _wish_lists(client: Client, on: date) -> tuple[list[WishList], list[WishListNudge]]:
    items = db.session.scalars(select(WishItem).where(WishItem.client_id == client.id, WishItem.status == "open")
                               .order_by(WishItem.created_at.desc(), WishItem.id.desc())).all()
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.client_id == client.id))}
    lists: dict[int | None, WishList] = {}
    for item in items:
        person = people.get(item.person_id) if item.person_id else None
        wish_list = lists.setdefault(item.person_id if person else None,
                                     WishList(_first(person.name) if person else client.first_name, person))
        wish_list.items.append(item)
    if not lists:
        return [], []
    links = db.session.execute(select(ShareLink.person_id, func.count(ShareLink.id), func.max(ShareLink.created_at))
                               .where(ShareLink.client_id == client.id, ShareLink.revoked_at.is_(None))
                               .group_by(ShareLink.person_id)).all()
    shared = {person_id: (count, at) for person_id, count, at in links}
    dates = db.session.execute(select(ImportantDate.person_id, ImportantDate.kind, ImportantDate.month, ImportantDate.day)
                               .where(ImportantDate.client_id == client.id,
                                      ImportantDate.kind.in_((DateKind.BIRTHDAY, DateKind.ANNIVERSARY)))).all()
    partner = next((p for p in sorted(people.values(), key=lambda p: p.id) if p.relation == Relation.PARTNER), None)
    facts = []
    for person_id, wish_list in lists.items():
        count, at = shared.get(person_id, (0, None))
        wish_list.live_links = count
        if person_id is None:
            occasions = tuple((kind, m, d) for pid, kind, m, d in dates if pid is None)
            giver = _first(partner.name) if partner else None
        else:
            occasions = tuple((kind, m, d) for pid, kind, m, d in dates if pid == person_id and kind == DateKind.BIRTHDAY)
            giver = client.first_name
        facts.append(WishListFacts(wish_list.owner_name, person_id, len(wish_list.items), occasions, giver,
                                   at.date() if at else None))
    nudges = wish_list_nudges(facts, on)
    for nudge in nudges:
        lists[nudge.person_id].nudge = nudge
    # The client's own list first, then people as they were added.
    ordered = sorted(lists.values(), key=lambda w: (w.person is not None, w.person.id if w.person else 0))
    return ordered, nudges


def _referral_counts(client: Client) -> tuple[int, int, Decimal]:
    """How many clients this one referred, how many of them bought, and their lifetime spend (one query)."""
    bought = exists().where(Purchase.client_id == Referral.referred_id)
    row = db.session.execute(select(func.count(Referral.id), func.count(Referral.id).filter(bought),
                                    func.coalesce(func.sum(Client.lifetime_spend), 0))
                             .join(Client, Client.id == Referral.referred_id)
                             .where(Referral.referrer_id == client.id)).one()
    return row[0] or 0, row[1] or 0, Decimal(row[2] or 0)


def card_part(actor: User, client: Client, on: date) -> RelationsPart:
    """Read for the card of a client the caller already scoped to the actor's store."""
    policy = policy_of(client.store_id)
    lists, nudges = _wish_lists(client, on)
    referred, bought, spend = _referral_counts(client)
    return RelationsPart(standing(client), bool(policy.trade_up_enabled), ledger(client), lists, nudges, referred,
                         bought, spend)
