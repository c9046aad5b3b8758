"""The card's relationship extras: loyalty tier, trade-up credit, wish lists with share links, referrals (issue 8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, ScalarSelect, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased

from ...domain.share import WishListFacts, WishListNudge, wish_list_nudges
from ...domain.vocab import DateKind, Relation
from ...extensions import db
from ...models import (
    Client,
    ImportantDate,
    LoyaltyPolicy,
    LoyaltyTier,
    Person,
    Purchase,
    Referral,
    ShareLink,
    TradeUpCredit,
    User,
    WishItem,
)
from ..engine.client_value import LoyaltyStanding, standing
from ..rows import read_rows
from .trade_up import LedgerLine, ledger


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


# The card's two statements here are built once, the client and store as bound parameters: built per request,
# their dozen scalar subqueries cost several times what running them does.
_CLIENT: BindParameter[int] = bindparam("client_id")
_STORE: BindParameter[int] = bindparam("store_id")


def _md(kind: DateKind, person: Any) -> ScalarSelect[Any]:
    return (select(func.min(ImportantDate.md)).where(ImportantDate.client_id == _CLIENT, person,
                                                      ImportantDate.kind == kind).scalar_subquery())


_SAME_LIST = or_(ShareLink.person_id == WishItem.person_id,
                 and_(ShareLink.person_id.is_(None), WishItem.person_id.is_(None)))
_LIVE = (ShareLink.client_id == WishItem.client_id, _SAME_LIST, ShareLink.revoked_at.is_(None))
# Dates ride along as scalar subqueries: the card pays one statement for its wish lists.
_WISH_LISTS = (
    select(WishItem, Person,
           select(func.count(ShareLink.id)).where(*_LIVE).correlate(WishItem).scalar_subquery(),
           select(func.max(ShareLink.created_at)).where(*_LIVE).correlate(WishItem).scalar_subquery(),
           select(Person.name).where(Person.client_id == _CLIENT, Person.relation == Relation.PARTNER)
           .order_by(Person.id).limit(1).scalar_subquery(),
           _md(DateKind.BIRTHDAY, ImportantDate.person_id.is_(None)),
           _md(DateKind.ANNIVERSARY, ImportantDate.person_id.is_(None)),
           _md(DateKind.BIRTHDAY, ImportantDate.person_id == WishItem.person_id).correlate(WishItem))
    .outerjoin(Person, Person.id == WishItem.person_id)
    .where(WishItem.client_id == _CLIENT, WishItem.status == "open")
    .order_by(WishItem.created_at.desc(), WishItem.id.desc()))


def _wish_lists(client: Client, on: date) -> tuple[list[WishList], list[WishListNudge]]:
    """Open items grouped by whose list, each list's live links, and the nudge to send one: one query."""
    rows = db.session.execute(_WISH_LISTS, {"client_id": client.id}).all()
    if not rows:
        return [], []
    lists: dict[int | None, WishList] = {}
    terms: dict[int | None, tuple] = {}
    for item, person, count, at, partner_name, birthday, anniversary, person_birthday in rows:
        key = person.id if person else None
        wish_list = lists.setdefault(key, WishList(_first(person.name) if person else client.first_name, person))
        wish_list.items.append(item)
        wish_list.live_links = count or 0
        if key is None:
            occasions = [(label, *divmod(v, 100)) for label, v in (("birthday", birthday), ("anniversary", anniversary))
                         if v]
            giver = _first(partner_name) or None
        else:
            occasions = [("birthday", *divmod(person_birthday, 100))] if person_birthday else []
            giver = client.first_name
        terms[key] = (tuple(occasions), giver, at.date() if at else None)
    facts = [WishListFacts(w.owner_name, key, len(w.items), *terms[key]) for key, w in lists.items()]
    nudges = wish_list_nudges(facts, on)
    for nudge in nudges:
        lists[nudge.person_id].nudge = nudge
    # The client's own list first, then people as they were added.
    ordered = sorted(lists.values(), key=lambda w: (w.person is not None, w.person.id if w.person else 0))
    return ordered, nudges


_REFERRED = aliased(Client)
_MINE = Referral.referrer_id == _CLIENT
# Referrals made (how many, how many bought, their spend), the store's policy and the client's credit count, as
# scalar subqueries of the client ("client_id") and store ("store_id"): the card selects them in its one statement
# of what it has to show (book.card._PRESENT), so the card pays for the ledger only when there is one.
SUMMARY_COLUMNS = (
    select(func.count(Referral.id)).where(_MINE).scalar_subquery().label("referred"),
    select(func.count(Referral.id)).where(_MINE, exists().where(Purchase.client_id == Referral.referred_id))
    .scalar_subquery().label("referred_bought"),
    select(func.coalesce(func.sum(_REFERRED.lifetime_spend), 0)).join(Referral, Referral.referred_id == _REFERRED.id)
    .where(_MINE).scalar_subquery().label("referred_spend"),
    select(LoyaltyPolicy.trade_up_enabled).where(LoyaltyPolicy.store_id == _STORE).scalar_subquery()
    .label("trade_up_on"),
    select(func.count(TradeUpCredit.id)).where(TradeUpCredit.client_id == _CLIENT).scalar_subquery().label("credits"),
    select(func.count(LoyaltyTier.id)).where(LoyaltyTier.store_id == _STORE).scalar_subquery().label("tiers"),
)
_SUMMARY = select(*SUMMARY_COLUMNS)


def card_part(actor: User, client: Client, on: date, wishes: bool = True, summary: Any = None) -> RelationsPart:  # noqa: ANN401
    """Read for the card of a client the caller already scoped to the actor's store. `summary`: a row holding
    SUMMARY_COLUMNS the caller read already; `wishes` False: the caller knows the client has no open wish item,
    and the lists are not read."""
    if summary is None:
        summary = read_rows(_SUMMARY, {"client_id": client.id, "store_id": client.store_id}).one()
    referred, bought, spend = summary.referred, summary.referred_bought, summary.referred_spend
    trade_up_on, credits, tiers = summary.trade_up_on, summary.credits, summary.tiers
    lists, nudges = _wish_lists(client, on) if wishes else ([], [])
    return RelationsPart(standing(client) if tiers else None, bool(trade_up_on), ledger(client) if credits else [], lists, nudges,
                         referred or 0, bought or 0, Decimal(spend or 0))
