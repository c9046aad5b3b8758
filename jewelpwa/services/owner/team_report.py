"""Team results over a period: contacts, reach, bookings and outreach-driven sales per associate and store."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from sqlalchemy import ColumnElement, case, func, select

from ...domain.attribution import Credit, Sale, Touch, credit_for, earliest_touch_on
from ...domain.charts import LineChart, line_chart
from ...domain.inputs import iso_date, whole_number
from ...domain.vocab import COMPLETING_OUTCOMES, Outcome, Role
from ...extensions import db
from ...models import Outreach, Purchase, User
from ..access import require_manager
from ..errors import Invalid

PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
LONGEST_DAYS = 366
# Up to a month a chart point is a day; longer periods are summed by week so the line stays readable.
DAILY_UP_TO = 31
REACHED = tuple(o.value for o in COMPLETING_OUTCOMES)


@dataclass
class Figures:
    """One associate's (or the store's) results in a period."""

    contacts: int = 0
    clients: int = 0
    reached: int = 0
    booked: int = 0
    sold: int = 0
    not_now: int = 0
    unanswered: int = 0  # voicemail and no answer
    sales: int = 0
    revenue: Decimal = field(default_factory=lambda: Decimal("0"))

    @property
    def reach_rate(self) -> float | None:
        return self.reached / self.contacts if self.contacts else None

    @property
    def conversion(self) -> float | None:
        return self.sales / self.contacts if self.contacts else None

    def add(self, other: Figures) -> None:
        for name in ("contacts", "clients", "reached", "booked", "sold", "not_now", "unanswered", "sales", "revenue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Member:
    user_id: int | None
    name: str
    figures: Figures


@dataclass
class TeamReport:
    start: date
    end: date
    days: int | None  # 7/30/90 when a preset was asked for; None for a custom range
    members: list[Member]
    store: Figures
    chart: LineChart
    chart_unit: str  # "day" or "week"

    @property
    def leaderboard(self) -> list[Member]:
        return sorted((m for m in self.members if m.figures.contacts or m.figures.sales),
                      key=lambda m: (-m.figures.revenue, -m.figures.sales, -m.figures.contacts, m.name))

    @property
    def span_days(self) -> int:
        return (self.end - self.start).days + 1


def report_range(today: date, days: str | None = None, start: str | None = None,
                 end: str | None = None) -> tuple[date, date, int | None]:
    """The period asked for: the last 7/30/90 days, or start..end (ISO dates); Invalid says what to fix."""
    if start or end:
        errors = {}
        parsed = {}
        for name, value in (("start", start), ("end", end)):
            found = iso_date(value)
            if found is None:
                errors[name] = "Enter a date as YYYY-MM-DD."
            else:
                parsed[name] = found
        if not errors:
            if parsed["end"] < parsed["start"]:
                errors["end"] = "The end date must be on or after the start date."
            elif parsed["end"] > today:
                errors["end"] = "The end date cannot be after today."
            elif (parsed["end"] - parsed["start"]).days + 1 > LONGEST_DAYS:
                errors["start"] = f"Choose a period of at most {LONGEST_DAYS} days."
        if errors:
            raise Invalid("That period cannot be shown.", errors)
        return parsed["start"], parsed["end"], None
    if days in (None, ""):
        n = DEFAULT_DAYS
    elif whole_number(days, 1, 366) in PERIODS:
        n = int(days)
    else:
        raise Invalid("That period cannot be shown.", {"days": "Choose 7, 30 or 90 days."})
    return today - timedelta(days=n - 1), today, n


def staff_of(store_id: int, working: set[int | None] | frozenset = frozenset()) -> dict[int, str]:
    """Active associates by name, then other active staff (owners log outreach too) who have figures in `working`."""
    rows = db.session.execute(select(User.id, User.name, User.role).where(
        User.store_id == store_id, User.active.is_(True)).order_by(User.role != Role.ASSOCIATE, User.name)).all()
    return {row.id: row.name for row in rows if row.role == Role.ASSOCIATE or row.id in working}


def outreach_figures(store_id: int, start: date, end: date) -> dict[int | None, Figures]:
    """Contacts and outcomes per associate in [start, end]: one GROUP BY."""
    def n(outcomes: tuple[str, ...]) -> ColumnElement[int]:
        return func.sum(case((Outreach.outcome.in_(outcomes), 1), else_=0))

    query = (select(Outreach.user_id, func.count(), func.count(func.distinct(Outreach.client_id)), n(REACHED),
                    n((Outcome.BOOKED.value,)), n((Outcome.SOLD.value,)), n((Outcome.NOT_NOW.value,)),
                    n((Outcome.VOICEMAIL.value, Outcome.NO_ANSWER.value)))
             .where(Outreach.store_id == store_id, Outreach.occurred_on >= start, Outreach.occurred_on <= end)
             .group_by(Outreach.user_id))
    found = {}
    for user_id, contacts, clients, reached, booked, sold, not_now, unanswered in db.session.execute(query):
        found[user_id] = Figures(contacts, clients, int(reached or 0), int(booked or 0), int(sold or 0),
                                 int(not_now or 0), int(unanswered or 0))
    return found


def attributed_sales(store_id: int, start: date, end: date) -> list[Credit]:
    """Sales in [start, end] that an outreach in the 30 days before drove, each credited to one associate.

    For each sale SQL finds the latest touch of the same client on or before the sale day (a correlated
    subquery walking the (client_id, occurred_on) index backwards: one probe per sale, one row per sale back);
    domain.attribution decides whether it is recent enough. The latest touch is the only candidate: if it is
    too old, every earlier one is too.
    """
    latest_id = (select(Outreach.id)
                 .where(Outreach.client_id == Purchase.client_id, Outreach.store_id == store_id,
                        Outreach.occurred_on <= Purchase.purchased_on,
                        Outreach.occurred_on >= earliest_touch_on(start))
                 .order_by(Outreach.occurred_on.desc(), Outreach.occurred_at.desc(), Outreach.id.desc())
                 .limit(1).correlate(Purchase).scalar_subquery())
    query = (select(Purchase.id, Purchase.client_id, Purchase.purchased_on, Purchase.total, Outreach.user_id,
                    Outreach.occurred_on, Outreach.occurred_at, Outreach.id.label("outreach_id"))
             .join(Outreach, Outreach.id == latest_id)
             .where(Purchase.store_id == store_id, Purchase.purchased_on >= start, Purchase.purchased_on <= end))
    credits = []
    for row in db.session.execute(query):
        sale = Sale(row.id, row.client_id, row.purchased_on, row.total)
        credit = credit_for(sale, [Touch(row.client_id, row.user_id, row.occurred_on, row.occurred_at,
                                         row.outreach_id)])
        if credit is not None:
            credits.append(credit)
    return credits


def credits_by_user(credits: list[Credit]) -> dict[int | None, tuple[int, Decimal]]:
    found: dict[int | None, list] = defaultdict(lambda: [0, Decimal("0")])
    for credit in credits:
        found[credit.user_id][0] += 1
        found[credit.user_id][1] += credit.sale.total
    return {user_id: (count, total) for user_id, (count, total) in found.items()}


def _trend(store_id: int, start: date, end: date, names: dict[int, str]) -> tuple[LineChart, str]:
    """Contacts per day (or per week past a month) per associate, as chart geometry."""
    rows = db.session.execute(
        select(Outreach.user_id, Outreach.occurred_on, func.count())
        .where(Outreach.store_id == store_id, Outreach.occurred_on >= start, Outreach.occurred_on <= end,
               Outreach.user_id.in_(list(names)))
        .group_by(Outreach.user_id, Outreach.occurred_on)).all()
    span = (end - start).days + 1
    unit = "day" if span <= DAILY_UP_TO else "week"
    size = 1 if unit == "day" else 7
    buckets = (span + size - 1) // size
    labels = [(start + timedelta(days=i * size)).strftime("%b %-d") for i in range(buckets)]
    series = {name: [0] * buckets for name in names.values()}
    for user_id, on, count in rows:  # user_id is never None: the query picks the named associates
        series[names[cast(int, user_id)]][(on - start).days // size] += count
    return line_chart(labels, series), unit


def results_by_user(store_id: int, start: date, end: date) -> dict[int | None, Figures]:
    """Each associate's contacts and outcomes in [start, end], with the sales their outreach drove."""
    figures = outreach_figures(store_id, start, end)
    for user_id, (count, revenue) in credits_by_user(attributed_sales(store_id, start, end)).items():
        row = figures.setdefault(user_id, Figures())
        row.sales, row.revenue = count, revenue
    return figures


def team_report(actor: User, today: date, days: str | None = None, start: str | None = None,
                end: str | None = None) -> TeamReport:
    """Per associate and for the store: contacts, reach rate, bookings, attributed sales, conversion, trend."""
    require_manager(actor)
    first, last, preset = report_range(today, days, start, end)
    figures = results_by_user(actor.store_id, first, last)
    shown = staff_of(actor.store_id, set(figures))
    members = [Member(uid, name, figures.get(uid, Figures())) for uid, name in shown.items()]
    # Touches by people no longer on the staff (deactivated, or deleted: user_id null) still count for the store.
    store = Figures()
    for row in figures.values():
        store.add(row)
    chart, unit = _trend(actor.store_id, first, last, shown)
    return TeamReport(first, last, preset, members, store, chart, unit)
