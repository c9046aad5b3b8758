"""The holiday gift list that may follow a sale: who else the client buys for, each with a gift follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...domain.proposals import Proposal, dedupe_key
from ...domain.seasons import gift_window
from ...domain.vocab import Kind, Relation
from ...extensions import db
from ...models import FollowUp, Person, User
from ..access import get_client
from ..engine.follow_ups import insert_new, row_for
from ..engine.planner import engine_settings
from ..errors import Invalid

MAX_GIFT_ROWS = 12


@dataclass(frozen=True)
class GiftInput:
    name: str
    relation: str = ""


def add_gift_list(actor: User, client_id: int, entries: list[GiftInput], today: date) -> list[FollowUp]:
    """Save who else is on the client's holiday list, each as a Person with a gift follow-up by Dec 24."""
    client = get_client(actor, client_id)
    settings = engine_settings(actor.store)
    window = gift_window(today, settings)
    if window is None:
        raise Invalid("The holiday gift list is only open in the holiday season.", {})
    rows = [e for e in entries if (e.name or "").strip()]
    errors: dict[str, str] = {}
    if not rows:
        errors["gifts"] = "Enter at least one name, or choose Skip."
    if len(rows) > MAX_GIFT_ROWS:
        errors["gifts"] = f"Add at most {MAX_GIFT_ROWS} people at a time."
    relations = {r.value for r in Relation}
    for i, entry in enumerate(entries):
        if not (entry.name or "").strip():
            continue
        if len(entry.name.strip()) > 120:
            errors[f"gifts-{i}-name"] = "Shorten the name to 120 characters."
        if (entry.relation or Relation.OTHER).strip().lower() not in relations:
            errors[f"gifts-{i}-relation"] = "Choose partner, child, parent, friend or other."
    if errors:
        raise Invalid("Gift list not saved", errors)

    # A name already among the client's people is the same person: no second Anna, one gift follow-up.
    known = {p.name.strip().lower(): p for p in db.session.scalars(select(Person).where(Person.client_id == client.id))}
    made: list[dict] = []
    for entry in rows:
        name = entry.name.strip()
        person = known.get(name.lower())
        if person is None:
            person = Person(store_id=client.store_id, client_id=client.id, name=name,
                            relation=(entry.relation or Relation.OTHER).strip().lower())
            db.session.add(person)
            db.session.flush()
            known[name.lower()] = person
        source = f"person:{person.id}"
        proposal = Proposal(Kind.HOLIDAY_LIST, window, window.expires_on,
                            dedupe_key(Kind.HOLIDAY_LIST, source, window.expires_on), source,
                            {"name": person.name, "gift": 1})
        made.append(row_for(client.store_id, client.id, client.assigned_to_id or actor.id, proposal, today))
    insert_new(made)
    db.session.commit()
    keys = [r["dedupe_key"] for r in made]
    return list(db.session.scalars(select(FollowUp).where(
        FollowUp.store_id == client.store_id, FollowUp.dedupe_key.in_(keys)).order_by(FollowUp.id)))
