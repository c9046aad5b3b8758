"""Store B rows for test_scoping's URL walk: appointments and repairs (issue 8).

FACTORIES maps a route argument to a function(store_b_user) -> row; WORDS maps a word argument to a real value.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jewelpwa.extensions import db
from jewelpwa.models import Appointment, Repair

from .factories import make_client


def make_appointment(user) -> Appointment:
    row = Appointment(store_id=user.store_id, client_id=make_client(user).id, user_id=user.id, kind="consultation",
                      starts_at=datetime.now(UTC) + timedelta(days=2), duration_min=30, status="booked")
    db.session.add(row)
    db.session.commit()
    return row


def make_repair(user) -> Repair:
    row = Repair(store_id=user.store_id, client_id=make_client(user).id, taken_by_id=user.id, item="Gold chain",
                 work="Fix the clasp", status="received")
    db.session.add(row)
    db.session.commit()
    return row


FACTORIES: dict = {"appointment_id": make_appointment, "repair_id": make_repair}
WORDS: dict = {}
