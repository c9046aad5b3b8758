"""The milestone calendar: a month of clients' anniversaries and birthdays (and their partners'), by day."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select

from ...domain.client_columns import display_name
from ...domain.inputs import iso_date, row_id, whole_number
from ...domain.occasions import MILESTONE_YEARS
from ...domain.vocab import DateKind, Kind, Relation, Role
from ...extensions import db
from ...models import Client, ImportantDate, Person, User
from ..access import get_scoped, require_manager
from ..book.upcoming import describe
from ..engine.proposing import yearly_kind
from ..errors import Invalid

PER_DAY = 3  # names shown in a day cell; the rest is a link to the whole day ("and 12 more")


@dataclass(frozen=True)
class Entry:
    client_id: int
    client_name: str
    tier: str
    kind: Kind
    what: str
    milestone: bool


@dataclass
class Day:
    on: date
    in_month: bool
    count: int = 0
    milestones: int = 0
    entries: list[Entry] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.entries)


@dataclass
class MonthCalendar:
    month: date  # the first of the month
    today: date
    weeks: list[list[Day]]
    associates: list[tuple[int, str]]
    associate_id: int | None
    counts: dict[str, int]
    opened: Day | None = None  # the day asked for with ?day=, every entry of it

    @property
    def previous(self) -> date:
        return (self.month.replace(day=1) - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.month.replace(day=28) + timedelta(days=4)).replace(day=1)

    @property
    def days(self) -> list[Day]:
        """The month's own days that have something on them (the phone's list)."""
        return [d for week in self.weeks for d in week if d.in_month and d.count]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def calendar_args(today: date, month: str | None, associate: str | None,
                  day: str | None = None) -> tuple[date, int | None, int | None]:
    errors = {}
    first = today.replace(day=1)
    if month:
        found = iso_date(f"{month}-01")
        if found is None:
            errors["month"] = "Enter a month as YYYY-MM."
        else:
            first = found
    opened = None
    if day:
        opened = whole_number(day, 1, calendar.monthrange(first.year, first.month)[1])
        if opened is None:
            errors["day"] = "Choose a day of the month."
    associate_id = None
    if associate:
        associate_id = row_id(associate)
        if associate_id is None:
            errors["associate"] = "Choose an associate from the list."
    if errors:
        raise Invalid("That month cannot be shown.", errors)
    return first, associate_id, opened


def month_calendar(actor: User, today: date, month: str | None = None, associate: str | None = None,
                   day: str | None = None) -> MonthCalendar:
    """Every client birthday, anniversary and partner birthday of a month, per day; one associate's clients on ask;
    every entry of one day when `day` is given (the cell shows the first few)."""
    require_manager(actor)
    first, associate_id, opened = calendar_args(today, month, associate, day)
    if associate_id is not None:
        get_scoped(actor, User, associate_id)  # another store's user is a 404, like any other id
    year, number = first.year, first.month
    leap_shift = number == 2 and not calendar.isleap(year)

    is_anniversary = and_(ImportantDate.kind == DateKind.ANNIVERSARY.value, ImportantDate.person_id.is_(None))
    milestone = case((and_(is_anniversary, ImportantDate.year.is_not(None),
                           (literal(year) - ImportantDate.year).in_(MILESTONE_YEARS)), 1), else_=0)
    # 29 February sits on the 28th in a common year.
    day_of = case((ImportantDate.day > 28, 28), else_=ImportantDate.day) if leap_shift else ImportantDate.day
    where = [ImportantDate.store_id == actor.store_id,
             # md = month*100 + day: a range on the (store_id, md) index instead of a scan for the month.
             ImportantDate.md.between(number * 100 + 1, number * 100 + 31),
             Client.erased_at.is_(None),
             or_(and_(ImportantDate.person_id.is_(None),
                      ImportantDate.kind.in_([DateKind.BIRTHDAY.value, DateKind.ANNIVERSARY.value])),
                 and_(Person.relation == Relation.PARTNER.value, ImportantDate.kind == DateKind.BIRTHDAY.value))]
    if associate_id is not None:
        where.append(Client.assigned_to_id == associate_id)

    def base(*columns):
        return (select(*columns).select_from(ImportantDate).join(Client, Client.id == ImportantDate.client_id)
                .outerjoin(Person, Person.id == ImportantDate.person_id).where(*where))

    kind_col = case((ImportantDate.person_id.is_not(None), Kind.PARTNER_BIRTHDAY.value),
                    (ImportantDate.kind == DateKind.ANNIVERSARY.value, Kind.ANNIVERSARY.value),
                    else_=Kind.BIRTHDAY.value)
    per_day: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    counts: dict[str, int] = defaultdict(int)
    for day_of_month, kind, n, m in db.session.execute(
            base(day_of.label("d"), kind_col.label("k"), func.count(), func.sum(milestone)).group_by("d", "k")):
        per_day[day_of_month][0] += n
        per_day[day_of_month][1] += int(m or 0)
        counts[kind] += n

    # The first few of each day, milestones and the most valuable clients first, in one windowed query.
    rank = func.row_number().over(partition_by=day_of, order_by=(milestone.desc(), Client.tier, Client.last_name,
                                                                 Client.first_name, ImportantDate.id)).label("r")
    ranked = base(day_of.label("d"), rank, ImportantDate.kind, ImportantDate.year, ImportantDate.person_id,
                  ImportantDate.label, Person.name, Person.relation, Client.id.label("client_id"), Client.first_name,
                  Client.last_name, Client.tier).subquery()
    entries: dict[int, list[Entry]] = defaultdict(list)
    shown = ranked.c.r <= PER_DAY if opened is None else or_(ranked.c.r <= PER_DAY, ranked.c.d == opened)
    for row in db.session.execute(select(ranked).where(shown).order_by(ranked.c.d, ranked.c.r)):
        kind = yearly_kind(row.person_id, row.relation, row.kind)
        what, is_milestone = describe(kind, row.kind, date(year, number, row.d), row.year,
                                      row.name, row.relation, row.label)
        entries[row.d].append(Entry(row.client_id, display_name(row.first_name, row.last_name), row.tier, kind, what,
                                    is_milestone))

    weeks = []
    for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, number):
        cells = []
        for on in week:
            inside = on.month == number
            n, m = per_day.get(on.day, (0, 0)) if inside else (0, 0)
            cells.append(Day(on, inside, n, m, entries.get(on.day, [])[:PER_DAY] if inside else []))
        weeks.append(cells)
    whole = None
    if opened is not None:
        n, m = per_day.get(opened, (0, 0))
        whole = Day(date(year, number, opened), True, n, m, entries.get(opened, []))
    people = db.session.execute(select(User.id, User.name).where(
        User.store_id == actor.store_id, User.active.is_(True), User.role == Role.ASSOCIATE).order_by(User.name)).all()
    return MonthCalendar(first, today, weeks, [(p.id, p.name) for p in people], associate_id,
                         {k: counts.get(k, 0) for k in (Kind.ANNIVERSARY, Kind.BIRTHDAY, Kind.PARTNER_BIRTHDAY)}, whole)
