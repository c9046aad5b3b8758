"""Free cleaning offers made by the nightly plan: on the right day, through the contact rules, once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Appointment, FollowUp, Store
from jewelpwa.services.book.appointments import BookingInput, book_appointment, close_appointment
from jewelpwa.services.engine.day_lists import call_list
from jewelpwa.services.engine.planner import plan_store_day

from ..conftest import make_user
from ..factories import add_purchase, make_client

BOUGHT = date(2026, 3, 10)
MARK = date(2026, 9, 10)  # six months later: the offer's window opens


def cleaning_offers(store_id: int) -> dict[int, FollowUp]:
    rows = db.session.scalars(select(FollowUp).where(FollowUp.store_id == store_id, FollowUp.kind == "cleaning"))
    return {row.client_id: row for row in rows}


def plan(user, on: date):
    return plan_store_day(db.session.get(Store, user.store_id), on)


def test_cleaning_offers_open_six_months_after_a_piece_that_benefits_and_are_made_once():
    user = make_user()
    ring = make_client(user)
    add_purchase(ring, BOUGHT, category="ring", metal="14k yellow gold", stone="diamond")
    chain = make_client(user)
    add_purchase(chain, BOUGHT, category="necklace", metal="yellow gold")
    dnc = make_client(user, do_not_contact=True)
    add_purchase(dnc, BOUGHT, category="ring", stone="diamond")
    booked = make_client(user)
    add_purchase(booked, BOUGHT, category="earrings", stone="pearl")
    db.session.add(Appointment(store_id=user.store_id, client_id=booked.id, user_id=user.id, kind="cleaning",
                               starts_at=datetime(2026, 9, 20, 15, tzinfo=UTC), duration_min=30, status="booked"))
    cleaned = make_client(user)
    add_purchase(cleaned, BOUGHT, category="bracelet", metal="platinum")
    db.session.add(Appointment(store_id=user.store_id, client_id=cleaned.id, user_id=user.id, kind="cleaning",
                               starts_at=datetime(2026, 6, 1, 15, tzinfo=UTC), duration_min=30, status="done"))
    newer = make_client(user)
    add_purchase(newer, BOUGHT, category="ring", stone="sapphire")
    add_purchase(newer, date(2026, 7, 1), category="pendant", stone="diamond")  # its own offer starts in January
    db.session.commit()

    plan(user, date(2026, 9, 9))
    assert cleaning_offers(user.store_id) == {}
    plan(user, MARK)
    offers = cleaning_offers(user.store_id)
    assert set(offers) == {ring.id}
    offer = offers[ring.id]
    assert (offer.opens_on, offer.due_on, offer.expires_on, offer.assignee_id) == (
        MARK, date(2026, 9, 17), date(2026, 10, 10), user.id)
    assert offer.detail["piece"] == "diamond ring"

    # On Today (bundled with whatever else the client has open), in the associate's words.
    reasons = [r.text for card in call_list(user, MARK).cards if card.client_id == ring.id for r in card.reasons]
    assert "Free cleaning · diamond ring, 6 months" in reasons

    # A second run, and the next day's, make nothing new.
    plan(user, MARK)
    plan(user, date(2026, 9, 11))
    assert len(cleaning_offers(user.store_id)) == 1

    # Booking the cleaning takes the offer off the list.
    visit = book_appointment(user, ring.id, BookingInput("cleaning", "2026-09-14", "11:00"),
                             now=datetime(2026, 9, 11, 15, tzinfo=UTC))
    db.session.refresh(offer)
    assert (offer.status, offer.note) == ("done", "cleaning booked")

    # Six months on, the next offer for the same piece waits until the last cleaning is six months old.
    close_appointment(user, visit.id, "done", now=datetime(2026, 9, 14, 16, tzinfo=UTC))
    def ring_offers():
        return [(r.occasion_on, r.show_on) for r in db.session.scalars(
            select(FollowUp).where(FollowUp.client_id == ring.id, FollowUp.kind == "cleaning")
            .order_by(FollowUp.occasion_on))]

    plan(user, date(2027, 3, 10))
    assert ring_offers() == [(MARK, MARK)]
    assert cleaned.id in cleaning_offers(user.store_id)  # its cleaning was in June: a year on, it is offered
    plan(user, date(2027, 3, 16))
    assert ring_offers() == [(MARK, MARK), (date(2027, 3, 10), date(2027, 3, 16))]
