"""A client's privacy requests: everything the store holds about them (JSON), and erasure.

Erasure removes personal data everywhere and keeps the sales, anonymised, because the books need them.
Repairs are kept as they are: a piece may still be at the bench and has to go back to its owner.
The client row stays (with its point-of-sale number, so a later import does not bring them back), named
"Erased client", with `erased_at` set: every list, search and card already leaves such a client out.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, or_, select, update

from ...clock import utcnow
from ...domain.vocab import AppointmentStatus, Status
from ...extensions import db
from ...models import (
    Appointment,
    AuditEvent,
    Client,
    ConsentEvent,
    DayListCard,
    FollowUp,
    ImportantDate,
    ImportRun,
    Message,
    Notification,
    Outreach,
    Person,
    Purchase,
    PurchaseItem,
    Referral,
    Repair,
    ShareLink,
    User,
    WishItem,
)
from ..access import get_client, get_scoped, require_manager

ERASED_NAME = "Erased client"
ERASED_NOTE = "client erased"
# Contact and profile columns of clients emptied on erasure (names are replaced, lists emptied).
_PERSONAL = ("email", "phone", "phone_digits", "phone2", "address_line1", "address_line2", "city", "region",
             "postal_code", "country", "notes", "ring_size", "preferred_channel", "source", "referred_by_id",
             "time_zone", "email_bounced_to", "email_bounced_at")
_LISTS = ("metals", "stones", "brands", "styles", "tags", "opted_out")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: Any, *skip: str) -> dict[str, Any]:
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip + ("store_id",)}


def _all(model: Any, *where: Any) -> list[Any]:
    return list(db.session.scalars(select(model).where(*where).order_by(model.id)))


def client_record(actor: User, client_id: int, address: str | None = None) -> dict[str, Any]:
    """Everything about one client: contact, people, dates, purchases, outreach, follow-ups, wishes, referrals,
    consent ledger, appointments, repairs. Owner and manager only; the export is audited."""
    client = get_client(actor, client_id)  # another store's client is 404 before the role is 403
    require_manager(actor)
    staff = {u.id: u.email for u in db.session.scalars(select(User).where(User.store_id == actor.store_id))}
    purchases = []
    for purchase in _all(Purchase, Purchase.client_id == client.id):
        purchases.append({**_row(purchase), "associate_email": staff.get(purchase.associate_id),
                          "items": [_row(i, "purchase_id") for i in _all(PurchaseItem,
                                                                         PurchaseItem.purchase_id == purchase.id)]})
    record = {
        "format": "jewelpwa.client.v1",
        "exported_at": utcnow().isoformat(),
        "client": {**_row(client), "assigned_to_email": staff.get(client.assigned_to_id) if client.assigned_to_id else None},
        "people": [_row(p) for p in _all(Person, Person.client_id == client.id)],
        "important_dates": [_row(d) for d in _all(ImportantDate, ImportantDate.client_id == client.id)],
        "purchases": purchases,
        "outreach": [{**_row(o, "idempotency_key"), "user_email": staff.get(o.user_id)}
                     for o in _all(Outreach, Outreach.client_id == client.id)],
        "follow_ups": [_row(f, "dedupe_key") for f in _all(FollowUp, FollowUp.client_id == client.id)],
        "wish_items": [_row(w) for w in _all(WishItem, WishItem.client_id == client.id)],
        "referrals": [_row(r) for r in _all(Referral, or_(Referral.referrer_id == client.id,
                                                           Referral.referred_id == client.id))],
        "consent_events": [{**_row(e), "user_email": staff.get(e.user_id)}
                           for e in _all(ConsentEvent, ConsentEvent.client_id == client.id)],
        "appointments": [_row(a) for a in _all(Appointment, Appointment.client_id == client.id)],
        "repairs": [_row(r) for r in _all(Repair, Repair.client_id == client.id)],
        "messages": [_row(m) for m in _all(Message, Message.client_id == client.id)],
    }
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="client_exported",
                              target=f"client:{client.id}", address=address))
    db.session.commit()
    return record


def erase_preview(actor: User, client_id: int) -> Client:
    """The client on the confirm page (an erased one is gone: 404)."""
    client = get_client(actor, client_id)
    require_manager(actor)
    return client


def erase_client(actor: User, client_id: int, address: str | None = None, now: datetime | None = None) -> Client:
    """Erase a client's personal data everywhere, keep their purchases anonymised; a second run changes nothing."""
    client = get_scoped(actor, Client, client_id)  # an erased client is still found here: erasing twice is harmless
    require_manager(actor)
    if client.erased_at is not None:
        return client
    now = now or utcnow()
    store_id, cid = actor.store_id, client.id
    client.first_name, client.last_name, client.search_name = ERASED_NAME, "", ""
    for name in _PERSONAL:
        setattr(client, name, None)
    for name in _LISTS:
        setattr(client, name, [])
    client.do_not_contact = True
    client.erased_at = now

    follow_up_ids = list(db.session.scalars(select(FollowUp.id).where(FollowUp.client_id == cid)))
    appointment_ids = list(db.session.scalars(select(Appointment.id).where(Appointment.client_id == cid)))
    # Pending pushes that would name or open this client: the card URL, or a key made from its rows
    # (services/push/messages.py: "due:<follow-up id>:<day>"; appointment_reminders.py: "appt:<appointment id>:<time>").
    keys = [Notification.url == f"/clients/{cid}", Notification.url.startswith(f"/clients/{cid}/"),
            Notification.url.startswith(f"/clients/{cid}?"), Notification.url.startswith(f"/clients/{cid}#")]
    keys += [Notification.key.startswith(f"due:{i}:") for i in follow_up_ids]
    keys += [Notification.key.startswith(f"appt:{i}:") for i in appointment_ids]
    db.session.execute(update(Notification).where(Notification.store_id == store_id,
                                                   Notification.status == "pending", or_(*keys))
                       .values(status="dropped", last_error=ERASED_NOTE))

    db.session.execute(update(FollowUp).where(FollowUp.client_id == cid,
                                              FollowUp.status.in_([Status.OPEN, Status.SNOOZED]))
                       .values(status=Status.SKIPPED, note=ERASED_NOTE, closed_at=now))
    # Reasons and talking points were copied into follow-ups (a partner's name, a gift): emptied everywhere.
    db.session.execute(update(FollowUp).where(FollowUp.client_id == cid).values(detail={}))
    db.session.execute(update(Outreach).where(Outreach.client_id == cid).values(note=None))
    db.session.execute(update(Appointment).where(Appointment.client_id == cid).values(note=None))
    db.session.execute(update(Appointment).where(Appointment.client_id == cid, Appointment.starts_at > now,
                                                 Appointment.status == AppointmentStatus.BOOKED)
                       .values(status=AppointmentStatus.CANCELLED))
    db.session.execute(update(Purchase).where(Purchase.client_id == cid)
                       .values(note=None, recipient_person_id=None))
    db.session.execute(update(Client).where(Client.store_id == store_id, Client.referred_by_id == cid)
                       .values(referred_by_id=None))
    for model, column in ((WishItem, WishItem.client_id), (ImportantDate, ImportantDate.client_id),
                          (ShareLink, ShareLink.client_id),
                          (Person, Person.client_id), (ConsentEvent, ConsentEvent.client_id),
                          (DayListCard, DayListCard.client_id),
                          # Texts and emails, sent and received, hold the client's words and number; the touches
                          # they made stay as outreach rows (channel and outcome, no text). A queued one never goes.
                          (Message, Message.client_id)):
        db.session.execute(delete(model).where(column == cid))
    db.session.execute(delete(Referral).where(or_(Referral.referrer_id == cid, Referral.referred_id == cid)))
    _forget_in_uploads(store_id, cid)
    db.session.add(AuditEvent(store_id=store_id, user_id=actor.id, action="client_erased",
                              target=f"client:{cid}", address=address))
    db.session.commit()
    return client


def _forget_in_uploads(store_id: int, client_id: int) -> None:
    """Uploaded files not yet applied still hold the client's row: they are deleted (the owner uploads again).
    Applied runs keep no file, only their report: possible duplicates that name this client are dropped."""
    for run in db.session.scalars(select(ImportRun).where(ImportRun.store_id == store_id)):
        if run.status in ("uploaded", "checked", "failed"):
            db.session.delete(run)
        elif run.report.get("duplicates"):
            run.report = {**run.report, "duplicates": [d for d in run.report["duplicates"]
                                                       if d.get("existing_id") != client_id]}
