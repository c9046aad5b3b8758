"""Book health: is the whole book being worked, or only its top? Every figure is one GROUP BY over the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, exists, func, select, union_all

from ...domain.settings import TOUCH_GOAL
from ...domain.vocab import COMPLETING_OUTCOMES, KIND_LABEL, TOUCH_OUTCOMES, Kind, Status, Tier
from ...extensions import db
from ...models import Client, FollowUp, Outreach, Purchase, User
from ..access import require_manager
from ..pg_settings import for_big_reads

COLD_DAYS = 90
# The goal is five touches a year: 0, a start (1-2), close (3-4), there (5+).
TOUCH_BANDS = (("0", 0, 0), ("1–2", 1, 2), ("3–4", 3, 4), (f"{TOUCH_GOAL}+", TOUCH_GOAL, None))
COVERED_KINDS = (Kind.ANNIVERSARY.value, Kind.BIRTHDAY.value, Kind.PARTNER_BIRTHDAY.value)


def share(part: int | Decimal, whole: int | Decimal) -> float | None:
    return float(part) / float(whole) if whole else None


@dataclass(frozen=True)
class TierCold:
    tier: str
    clients: int
    cold: int

    @property
    def share(self) -> float | None:
        return share(self.cold, self.clients)


@dataclass(frozen=True)
class Band:
    label: str
    clients: int
    share: float | None


@dataclass(frozen=True)
class Coverage:
    kind: str
    occasions: int
    covered: int

    @property
    def share(self) -> float | None:
        return share(self.covered, self.occasions)


@dataclass
class BookHealth:
    on: date
    contactable: int
    cold_by_tier: list[TierCold]
    touch_bands: list[Band]
    coverage: list[Coverage]
    buyers: int
    repeat_buyers: int
    spend_24m: Decimal
    clients: int
    do_not_contact: int

    @property
    def cold(self) -> TierCold:
        return TierCold("all", sum(t.clients for t in self.cold_by_tier), sum(t.cold for t in self.cold_by_tier))

    @property
    def at_goal(self) -> Band:
        return self.touch_bands[-1]

    @property
    def coverage_total(self) -> Coverage:
        return Coverage("all", sum(c.occasions for c in self.coverage), sum(c.covered for c in self.coverage))

    @property
    def repeat_rate(self) -> float | None:
        return share(self.repeat_buyers, self.buyers)

    @property
    def spend_per_client(self) -> Decimal | None:
        return (self.spend_24m / self.clients).quantize(Decimal("1")) if self.clients else None

    @property
    def spend_per_buyer(self) -> Decimal | None:
        return (self.spend_24m / self.buyers_24m).quantize(Decimal("1")) if self.buyers_24m else None

    buyers_24m: int = 0


def _live(store_id: int):
    return (Client.store_id == store_id, Client.erased_at.is_(None))


def _erased(store_id: int):
    # Erased clients are few; excluding their ids is cheaper than joining every purchase to its client.
    return select(Client.id).where(Client.store_id == store_id, Client.erased_at.is_not(None))


def _clients_by_tier(store_id: int, on: date) -> tuple[list[TierCold], int, int]:
    """Contactable clients with no reached/replied/booked/sold touch in 90 days, per tier; and the book's
    size and do-not-contact count, from the same scan of the clients."""
    since = on - timedelta(days=COLD_DAYS)
    dnc = Client.do_not_contact.is_(True)
    cold = case((dnc, 0), (Client.last_reached_on.is_(None) | (Client.last_reached_on < since), 1), else_=0)
    rows = {tier: (n, int(d or 0), int(c or 0)) for tier, n, d, c in db.session.execute(
        select(Client.tier, func.count(), func.sum(case((dnc, 1), else_=0)), func.sum(cold))
        .where(*_live(store_id)).group_by(Client.tier))}
    by_tier = [TierCold(t.value, rows.get(t.value, (0, 0, 0))[0] - rows.get(t.value, (0, 0, 0))[1],
                        rows.get(t.value, (0, 0, 0))[2]) for t in Tier]
    return by_tier, sum(n for n, _, _ in rows.values()), sum(d for _, d, _ in rows.values())


def _touch_bands(store_id: int, on: date, contactable: int) -> list[Band]:
    """Contactable clients by touches in the last 12 months (a touch the client noticed: not an unanswered ring)."""
    # Do-not-contact and erased clients are a small set: excluding their ids beats joining every touch.
    # Two searches of the partial indexes: SQLite cannot use them for an OR and would scan every client.
    unreachable = union_all(select(Client.id).where(Client.store_id == store_id, Client.do_not_contact.is_(True)),
                            _erased(store_id))
    per_client = (select(Outreach.client_id, func.count().label("n"))
                  .where(Outreach.store_id == store_id, Outreach.occurred_on > on - timedelta(days=365),
                         Outreach.occurred_on <= on, Outreach.outcome.in_([o.value for o in TOUCH_OUTCOMES]),
                         Outreach.client_id.not_in(unreachable))
                  .group_by(Outreach.client_id).subquery())
    band = case(*[(per_client.c.n <= hi, label) for label, _, hi in TOUCH_BANDS[1:-1]], else_=TOUCH_BANDS[-1][0])
    counted: dict[str, int] = {label: n for label, n in db.session.execute(select(band, func.count()).group_by(band))}
    counted[TOUCH_BANDS[0][0]] = contactable - sum(counted.values())
    return [Band(label, counted.get(label, 0), share(counted.get(label, 0), contactable)) for label, _, _ in TOUCH_BANDS]


def _coverage(store_id: int, on: date) -> list[Coverage]:
    """Anniversary and birthday follow-ups of the last 12 months: how many were met inside their window.

    Met = the follow-up was completed, or a conversation (reached, replied, booked, sold) with the client
    happened between its opening and its last day. Still-open windows are left out: they are not missed yet.
    """
    talked = exists().where(Outreach.client_id == FollowUp.client_id,
                            Outreach.occurred_on >= FollowUp.opens_on, Outreach.occurred_on <= FollowUp.expires_on,
                            Outreach.outcome.in_([o.value for o in COMPLETING_OUTCOMES]))
    met = case((FollowUp.status == Status.DONE.value, 1), (talked, 1), else_=0)
    rows = dict((kind, (n, int(c or 0))) for kind, n, c in db.session.execute(
        select(FollowUp.kind, func.count(), func.sum(met)).where(
            FollowUp.store_id == store_id, FollowUp.kind.in_(COVERED_KINDS),
            FollowUp.occasion_on > on - timedelta(days=365), FollowUp.expires_on < on,
            # Yearly follow-ups expire on their occasion: a range on the (store_id, expires_on) index.
            FollowUp.expires_on > on - timedelta(days=365))
        .group_by(FollowUp.kind)))
    return [Coverage(KIND_LABEL[Kind(k)], *rows.get(k, (0, 0))) for k in COVERED_KINDS]


def _purchases(store_id: int, on: date) -> tuple[int, int, Decimal, int]:
    """Buyers, repeat buyers (two purchases or more, ever), 24-month spend and its buyers."""
    per_client = (select(Purchase.client_id, func.count().label("n"),
                         func.sum(case((Purchase.purchased_on > on - timedelta(days=730), Purchase.total),
                                       else_=0)).label("spend"))
                  .where(Purchase.store_id == store_id, Purchase.purchased_on <= on,
                         Purchase.client_id.not_in(_erased(store_id)))
                  .group_by(Purchase.client_id).subquery())
    buyers, repeat, spend, recent = db.session.execute(select(
        func.count(), func.sum(case((per_client.c.n >= 2, 1), else_=0)), func.sum(per_client.c.spend),
        func.sum(case((per_client.c.spend > 0, 1), else_=0)))).one()
    return buyers or 0, int(repeat or 0), Decimal(spend or 0), int(recent or 0)


def book_health(actor: User, on: date) -> BookHealth:
    """Reach by tier, touches against the goal of five, milestone coverage, repeat rate, spend, do-not-contact."""
    require_manager(actor)
    store_id = actor.store_id
    for_big_reads("32MB")
    cold_by_tier, clients, dnc = _clients_by_tier(store_id, on)
    contactable = clients - dnc
    buyers, repeat, spend, recent = _purchases(store_id, on)
    return BookHealth(on, contactable, cold_by_tier, _touch_bands(store_id, on, contactable),
                      _coverage(store_id, on), buyers, repeat, spend, clients, dnc, recent)
