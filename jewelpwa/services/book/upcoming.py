"""Upcoming: the next weeks of birthdays, anniversaries and family dates of my clients, by week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...domain.client_columns import display_name
from ...domain.occasions import anniversary_years, is_milestone, month_days_between, next_yearly_on, ordinal
from ...domain.vocab import Kind, Tier
from ...domain.weeks import WeekGroup, group_by_week, horizon
from ...extensions import db
from ...models import Client, ImportantDate, Person, User
from ..engine.proposing import yearly_kind


@dataclass(frozen=True)
class Milestone:
    client_id: int
    client_name: str
    tier: str
    on: date
    kind: Kind
    what: str  # "Birthday", "Anna's birthday (partner)", "25th anniversary", "Graduation (Tom)"
    milestone: bool
    do_not_contact: bool
    loyalty_tier: str | None = None  # the store-named tier the row shows (the band above only sorts)


def describe(kind: Kind, date_kind: str, occurs_on: date, year: int | None, person: str | None,
             relation: str | None, label: str | None) -> tuple[str, bool]:
    """What the date is, in the words on the row, and whether it is a milestone worth marking."""
    years = anniversary_years(year, occurs_on)
    if kind == Kind.ANNIVERSARY:
        if years:
            return f"{ordinal(years)} anniversary", is_milestone(years)
        return "Anniversary", False
    if date_kind == "birthday":
        whose = f"{person}'s birthday ({relation})" if person else "Birthday"
        return (f"{whose}, turns {years}" if years else whose), False
    what = label or date_kind.replace("_", " ").capitalize()
    return (f"{what} ({person})" if person else what), False


def upcoming_milestones(actor: User, on: date, weeks: int = 8, tier: str | None = None) -> list[WeekGroup[Milestone]]:
    """My clients' yearly dates from `on` through `weeks` weeks, grouped by calendar week.

    One query: the month-days of the horizon (29 Feb included when 28 Feb of a common year is in it), on the
    (store_id, md) index, narrowed to my clients; the day each falls on is computed in the domain.
    """
    first, last = horizon(on, weeks)
    mds = sorted(m * 100 + d for m, d in month_days_between(first, last))
    query = (
        select(ImportantDate.kind, ImportantDate.label, ImportantDate.month, ImportantDate.day, ImportantDate.year,
               ImportantDate.person_id, Person.name, Person.relation, Client.id, Client.first_name,
               Client.last_name, Client.tier, Client.do_not_contact, Client.loyalty_tier)
        .join(Client, Client.id == ImportantDate.client_id)
        .outerjoin(Person, Person.id == ImportantDate.person_id)
        .where(ImportantDate.store_id == actor.store_id, ImportantDate.md.in_(mds),
               Client.store_id == actor.store_id, Client.assigned_to_id == actor.id, Client.erased_at.is_(None))
    )
    if tier in {t.value for t in Tier}:
        query = query.where(Client.tier == tier)
    found = []
    for row in db.session.execute(query):
        occurs_on = next_yearly_on(row.month, row.day, first)
        if occurs_on > last:
            continue
        kind = yearly_kind(row.person_id, row.relation, row.kind)
        what, milestone = describe(kind, row.kind, occurs_on, row.year, row.name, row.relation, row.label)
        found.append(Milestone(row.id, display_name(row.first_name, row.last_name), row.tier, occurs_on, kind,
                               what, milestone, row.do_not_contact, row.loyalty_tier))
    # Within a day: milestones first, then the most valuable clients, so a capped week shows what matters.
    found.sort(key=lambda m: (m.on, not m.milestone, m.tier, m.client_name.lower(), m.what))
    return group_by_week(found, on, lambda m: m.on)
