"""client_card: everything an associate needs for a good conversation with one client, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ...domain.gate import suggest_channel
from ...domain.line_rules import is_no_pitch
from ...domain.occasions import next_yearly_on, ordinal
from ...domain.ranking import Card, rank_day
from ...domain.reasons import reason_text, until
from ...domain.talking import talking_points
from ...domain.vocab import KIND_LABEL, Channel, DateKind, Kind
from ...extensions import db
from ...models import (
    Appointment,
    Client,
    ConsentEvent,
    FollowUp,
    ImportantDate,
    Message,
    Outreach,
    Person,
    Purchase,
    Referral,
    Repair,
    User,
    WishItem,
)
from ..access import get_client
from ..engine.day_lists import candidate
from ..engine.gating import LIVE, prefs_of
from ..messages.conversation import ON_THE_CARD, recent_messages
from ..rows import read_rows
from . import card_relations, card_service
from .contact import ContactLink, contact_links
from .facts import caller_of, client_facts, opening_lines

TIMELINE_CAP = 30
_AFTER_PURCHASE = frozenset({Kind.CHECK_IN, Kind.CARE, Kind.NEW_ARRIVALS, Kind.PURCHASE_ANNIVERSARY})
_DATE_LABEL = {DateKind.BIRTHDAY: "Birthday", DateKind.ANNIVERSARY: "Anniversary", DateKind.CUSTOM: "Date"}


@dataclass(frozen=True)
class ComingUp:
    """An open follow-up whose window opens later: the cadence ahead, visible at once."""

    kind: Kind
    label: str
    text: str
    opens_on: date
    due_on: date
    shows_on: date  # later than opens_on when the contact rules or an unanswered call moved it

    @property
    def moved(self) -> bool:
        return self.shows_on > self.opens_on


@dataclass(frozen=True)
class DateLine:
    label: str
    month: int
    day: int
    year: int | None
    next_on: date
    hint: str  # "today", "in 3 weeks"
    note: str | None = None  # "turns 43", "12th anniversary", or the year when that is all there is to say


@dataclass
class PersonDates:
    """The client (person None) or one of their people, with their yearly dates soonest first."""

    person: Person | None
    dates: list[DateLine] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineEntry:
    """A purchase or an outreach on the merged timeline."""

    kind: str  # "purchase" | "outreach"
    on: date
    at: datetime | None
    purchase: Purchase | None = None
    outreach: Any = None  # a row of _OUTREACHES: the touch's columns the timeline shows
    who: str | None = None
    for_whom: str | None = None

    @property
    def made_at(self) -> datetime:
        """When the row was written: a sale and a call on the same day show the later-made first."""
        row = self.purchase if self.purchase is not None else self.outreach
        if row is None:
            raise ValueError("a timeline entry is a purchase or an outreach")
        return row.created_at


@dataclass
class ClientCard:
    client: Client
    on: date
    assignee: str | None
    today: Card | None
    coming_up: list[ComingUp]
    talking_points: list[str]
    suggested: Channel | None
    links: list[ContactLink]
    own_dates: PersonDates
    people: list[PersonDates]
    timeline: list[TimelineEntry]
    timeline_total: int
    wish_items: list[WishItem]
    referred_by: Client | None
    referred: list[Client]
    consent: list[tuple[ConsentEvent, str | None]]
    spend_total: Decimal = Decimal("0")
    # Later areas' sections, one entry each: appointments and repairs, relationship extras.
    parts: dict[str, Any] = field(default_factory=dict)

    @property
    def timeline_capped(self) -> bool:
        return self.timeline_total > len(self.timeline)

    @property
    def no_pitch(self) -> bool:
        return is_no_pitch(self.client.tags)


def _date_line(row: ImportantDate, on: date) -> DateLine:
    next_on = next_yearly_on(row.month, row.day, on)
    label = row.label if row.kind == DateKind.CUSTOM and row.label else _DATE_LABEL[DateKind(row.kind)]
    hint = until(next_on, on)
    years = next_on.year - row.year if row.year else None
    note: str | None
    if years and row.kind == DateKind.BIRTHDAY:
        note = f"turns {years}"
    elif years and row.kind == DateKind.ANNIVERSARY:
        note = f"{ordinal(years)}"
    else:
        note = str(row.year) if row.year else None
    return DateLine(label, row.month, row.day, row.year, next_on, hint if hint in ("today", "tomorrow") else f"in {hint}",
                    note)


def _coming_text(row: FollowUp, on: date) -> str:
    """A purchase's later cadence reads as of the day it opens ("3 months" after the sale, not "2 weeks")."""
    kind = Kind(row.kind)
    if kind in _AFTER_PURCHASE:
        text = reason_text(kind, row.occasion_on, max(row.opens_on, on), row.detail or {})
        return text if text.startswith(KIND_LABEL[kind]) else f"{KIND_LABEL[kind]} · {text}"
    return reason_text(kind, row.occasion_on, on, row.detail or {})


# The card's statements are built once with the client (and the day, the store) as bound parameters: built per
# request (with a fresh alias of the associate each time) they cost more CPU than running them.
_CLIENT: BindParameter[int] = bindparam("client_id")
_FOLLOW_UPS = (select(FollowUp).where(FollowUp.client_id == _CLIENT, FollowUp.status.in_(LIVE),
                                      FollowUp.expires_on >= bindparam("on"))
               .order_by(FollowUp.opens_on, FollowUp.id))
_PEOPLE = select(Person).where(Person.client_id == _CLIENT).order_by(Person.id)
_DATES = select(ImportantDate).where(ImportantDate.client_id == _CLIENT)


def _follow_ups(client: Client, on: date) -> tuple[Card | None, list[ComingUp]]:
    rows = db.session.scalars(_FOLLOW_UPS, {"client_id": client.id, "on": on}).all()
    showing = [r for r in rows if r.show_on <= on and r.opens_on <= on]
    later = [r for r in rows if r not in showing]
    cards = rank_day([candidate(r, client.tier) for r in showing], on)
    coming = [ComingUp(Kind(r.kind), KIND_LABEL[Kind(r.kind)], _coming_text(r, on), r.opens_on, r.due_on,
                       max(r.opens_on, r.show_on))
              for r in sorted(later, key=lambda r: (max(r.opens_on, r.show_on), r.id))]
    return (cards[0] if cards else None), coming


def _people(client: Client, on: date) -> tuple[PersonDates, list[PersonDates]]:
    which = {"client_id": client.id}
    people = db.session.scalars(_PEOPLE, which).all()
    dates = db.session.scalars(_DATES, which).all()
    own = PersonDates(None)
    by_person = {p.id: PersonDates(p) for p in people}
    for row in dates:
        target = by_person.get(row.person_id, own) if row.person_id else own
        target.dates.append(_date_line(row, on))
    for group in (own, *by_person.values()):
        group.dates.sort(key=lambda d: d.next_on)
    return own, list(by_person.values())


# The timeline's rows each also carry its table's count for
# the client (and the purchases their total): window functions are computed before the LIMIT, so the capped
# timeline knows how much it leaves out without a statement of its own.
_ASSOCIATE = aliased(User)
_PURCHASES = (select(Purchase, _ASSOCIATE.name, Person.name, func.count().over(),
                     func.sum(Purchase.total).over())
              .outerjoin(_ASSOCIATE, _ASSOCIATE.id == Purchase.associate_id)
              .outerjoin(Person, Person.id == Purchase.recipient_person_id)
              .where(Purchase.client_id == _CLIENT)
              .options(joinedload(Purchase.items))  # in the same statement (the limit applies to purchases)
              .order_by(Purchase.purchased_on.desc(), Purchase.id.desc()))
# The touches as columns, not Outreach objects: the timeline shows these, and making 30 objects a card was a
# tenth of its CPU.
_OUTREACHES = (select(Outreach.id, Outreach.channel, Outreach.outcome, Outreach.note, Outreach.occurred_on,
                      Outreach.occurred_at, Outreach.created_at, User.name, func.count().over().label("total"))
               .outerjoin(User, User.id == Outreach.user_id)
               .where(Outreach.client_id == _CLIENT)
               .order_by(Outreach.occurred_at.desc(), Outreach.id.desc()))
_TIMELINE = {True: (_PURCHASES, _OUTREACHES),
             False: (_PURCHASES.limit(TIMELINE_CAP), _OUTREACHES.limit(TIMELINE_CAP))}


def _timeline(client: Client, show_all: bool) -> tuple[list[TimelineEntry], int, Decimal]:
    cap = None if show_all else TIMELINE_CAP
    purchases_of, outreaches_of = _TIMELINE[show_all]
    which = {"client_id": client.id}
    purchases = db.session.execute(purchases_of, which).unique().all()
    outreaches = read_rows(outreaches_of, which).all()
    entries = [TimelineEntry("purchase", p.purchased_on, None, purchase=p, who=who, for_whom=for_whom)
               for p, who, for_whom, _count, _spend in purchases]
    entries += [TimelineEntry("outreach", o.occurred_on, o.occurred_at, outreach=o, who=o.name) for o in outreaches]
    # A sale and a call on the same day: the later-made row first (a sale usually follows the call).
    entries.sort(key=lambda e: (e.on, e.made_at), reverse=True)
    total = (purchases[0][3] if purchases else 0) + (outreaches[0].total if outreaches else 0)
    spend = Decimal(purchases[0][4] or 0) if purchases else Decimal("0")
    return (entries if cap is None else entries[:cap]), total, spend


_REFERRALS = (select(Client, Referral.referrer_id)
              .join(Referral, or_(Referral.referrer_id == Client.id, Referral.referred_id == Client.id))
              .where(Client.store_id == bindparam("store_id"), Client.id != _CLIENT,
                     or_(Referral.referrer_id == _CLIENT, Referral.referred_id == _CLIENT))
              .order_by(Referral.recorded_on.desc(), Referral.id.desc()))
_CONSENT = (select(ConsentEvent, User.name).outerjoin(User, User.id == ConsentEvent.user_id)
            .where(ConsentEvent.client_id == _CLIENT)
            .order_by(ConsentEvent.created_at.desc(), ConsentEvent.id.desc()))


# Which of the card's rarer sections have anything to show, in one statement of EXISTS lookups (an index probe each),
# with the relations part's summary: most clients have no consent changes, messages, repairs, appointments,
# referrals or open wishes, and reading each of them to find nothing cost the card six statements (six round trips
# on PostgreSQL). A section with rows is then read as before.
_PRESENT = select(
    exists().where(ConsentEvent.client_id == _CLIENT).label("consent"),
    exists().where(Message.client_id == _CLIENT, ON_THE_CARD).label("messages"),
    exists().where(Repair.client_id == _CLIENT).label("repairs"),
    exists().where(Appointment.client_id == _CLIENT).label("appointments"),
    exists().where(or_(Referral.referrer_id == _CLIENT, Referral.referred_id == _CLIENT)).label("referrals"),
    exists().where(WishItem.client_id == _CLIENT, WishItem.status == "open").label("wishes"),
    *card_relations.SUMMARY_COLUMNS,
)


def _referrals(client: Client, present: bool = True) -> tuple[Client | None, list[Client]]:
    rows = (db.session.execute(_REFERRALS, {"client_id": client.id, "store_id": client.store_id}).all()
            if present else [])
    referred_by = next((c for c, referrer_id in rows if referrer_id == c.id), None)
    if referred_by is None and client.referred_by_id:
        referred_by = db.session.get(Client, client.referred_by_id)
    return referred_by, [c for c, referrer_id in rows if referrer_id == client.id]


def client_card(actor: User, client_id: int, on: date, show_all: bool = False) -> ClientCard:
    """The card's read model: why now, coming up, talking points, people, timeline, wishes, referrals, consent."""
    client = get_client(actor, client_id)
    present = read_rows(_PRESENT, {"client_id": client.id, "store_id": client.store_id}).one()
    today, coming = _follow_ups(client, on)
    facts = client_facts(client.store_id, [client.id], on, read_wishes=present.wishes).get(client.id)
    points = talking_points(facts, on) if facts else []
    reasons = today.reasons if today else []
    suggested = suggest_channel(prefs_of(client))
    links = contact_links(client, opening_lines(client, reasons, facts, caller_of(actor)), suggested,
                          actor.store.country)
    own, people = _people(client, on)
    timeline, total, spend = _timeline(client, show_all)
    referred_by, referred = _referrals(client, present.referrals)
    relations = card_relations.card_part(actor, client, on, wishes=present.wishes, summary=present)
    # The open wish items are the wish lists' items (read once, there), newest first.
    wishes = sorted((item for wish_list in relations.wish_lists for item in wish_list.items),
                    key=lambda item: (item.created_at, item.id), reverse=True)
    consent = db.session.execute(_CONSENT, {"client_id": client.id}).all() if present.consent else []
    assignee = client.assigned_to.name if client.assigned_to else None
    return ClientCard(client=client, on=on, assignee=assignee, today=today, coming_up=coming, talking_points=points,
                      suggested=suggested, links=links, own_dates=own, people=people, timeline=timeline,
                      timeline_total=total, wish_items=wishes, referred_by=referred_by, referred=referred,
                      consent=[(event, who) for event, who in consent], spend_total=spend,
                      parts={"service": card_service.card_part(actor, client, on, appointments=present.appointments,
                                                               repairs=present.repairs),
                             "relations": relations, "messages": recent_messages(client) if present.messages else []})
