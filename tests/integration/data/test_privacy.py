"""A client's privacy requests from the card: everything as JSON, and erasure (purchases kept, anonymised)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import (
    AuditEvent,
    Client,
    ConsentEvent,
    FollowUp,
    ImportantDate,
    ImportRun,
    Message,
    Notification,
    Outreach,
    Person,
    Purchase,
    WishItem,
)
from jewelpwa.services.book.search import search_clients
from jewelpwa.services.data import import_runs
from jewelpwa.services.data.importing.clients import import_clients
from jewelpwa.services.data.importing.purchases import import_purchases

from ..conftest import make_user
from .test_data_pages import login_owner
from .test_import_pos import POS, TODAY


def exported(client, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(client.get(path, buffered=True).data.decode("utf-8-sig"))))


def book_with_maria(owner):
    """Maria (C-1) from the point of sale, with a sale, a logged call, a wish, consent, a follow-up and a push."""
    import_clients(owner.store_id, POS / "clients_us.csv", today=TODAY)
    import_purchases(owner.store_id, POS / "purchases_tab.tsv", today=TODAY)
    maria = db.session.scalar(select(Client).where(Client.client_number == "C-1"))
    now = datetime.now(UTC)
    db.session.add_all([
        Outreach(store_id=owner.store_id, client_id=maria.id, user_id=owner.id, channel="call", outcome="reached",
                 note="Maria wants the sapphire earrings for her sister Ines", occurred_at=now, occurred_on=now.date()),
        WishItem(store_id=owner.store_id, client_id=maria.id, description="Sapphire earrings"),
        ConsentEvent(store_id=owner.store_id, client_id=maria.id, user_id=owner.id, channel="email", what="opt_out"),
        FollowUp(store_id=owner.store_id, client_id=maria.id, assignee_id=owner.id, kind="birthday", status="open",
                 opens_on=now.date(), due_on=now.date(), expires_on=now.date() + timedelta(days=5),
                 occasion_on=now.date() + timedelta(days=5), show_on=now.date(), source="date:1",
                 dedupe_key=f"birthday:{maria.id}", detail={"partner": "Daniel"}),
        Notification(store_id=owner.store_id, user_id=owner.id, key="due:999:2025-03-01", title="Due today",
                     body="A client", url=f"/clients/{maria.id}", tag="followup-999"),
        Message(store_id=owner.store_id, client_id=maria.id, user_id=owner.id, channel="text", kind="marketing",
                to_address="+15550100001", body="Hi Maria, the sapphire earrings for Ines are in", status="sent"),
        Message(store_id=owner.store_id, client_id=maria.id, channel="text", direction="in", kind="transactional",
                to_address="+15550100001", body="Lovely, I'll come Saturday", status="received"),
    ])
    db.session.commit()
    return maria


def test_export_erase_export_round_trip_keeps_sales_and_removes_everything_personal(client, auth):
    owner = login_owner(auth)
    maria = book_with_maria(owner)
    purchases_before = exported(client, "/owner/data/purchases.csv")
    total_before = db.session.scalar(select(func.sum(Purchase.total)))

    record = json.loads(client.get(f"/owner/data/clients/{maria.id}/export.json").data)
    assert record["client"]["first_name"] == "Maria" and record["client"]["email"] == "maria@example.com"
    assert [p["receipt_number"] for p in record["purchases"]] == ["INV-1"]
    assert len(record["purchases"][0]["items"]) == 2
    assert record["outreach"][0]["note"].startswith("Maria wants")
    assert record["wish_items"][0]["description"] == "Sapphire earrings"
    assert record["consent_events"][0]["what"] == "opt_out"
    assert {d["kind"] for d in record["important_dates"]} == {"birthday", "anniversary"}
    assert [(m["direction"], m["body"][:8]) for m in record["messages"]] == [("out", "Hi Maria"), ("in", "Lovely, ")]

    # An upload of the point of sale's file that was never applied still holds Maria's row.
    pending_id = import_runs.upload(owner, "clients", "again.csv", (POS / "clients_us.csv").read_bytes()).id

    confirm = client.get(f"/owner/data/clients/{maria.id}/erase")
    assert confirm.status_code == 200 and "Erase Maria Lopez?" in confirm.get_data(as_text=True)
    assert auth.post(f"/owner/data/clients/{maria.id}/erase", token_from="/owner/data/").status_code == 303

    db.session.expire_all()
    erased = db.session.get(Client, maria.id)
    assert (erased.first_name, erased.email, erased.phone, erased.notes) == ("Erased client", None, None, None)
    assert erased.erased_at is not None
    for model in (Person, ImportantDate, WishItem, ConsentEvent, Message):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.client_id == maria.id)) == 0
    assert db.session.scalar(select(Outreach.note).where(Outreach.client_id == maria.id)) is None
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.client_id == maria.id))
    assert (follow_up.status, follow_up.note, follow_up.detail) == ("skipped", "client erased", {})
    assert db.session.scalar(select(Notification.status)) == "dropped"
    assert db.session.get(ImportRun, pending_id) is None

    # The second export: no trace of Maria, the same sales and totals.
    clients_after = exported(client, "/owner/data/clients.csv")
    assert [r["client_number"] for r in clients_after] == ["C-2"]
    assert exported(client, "/owner/data/purchases.csv") == purchases_before
    assert db.session.scalar(select(func.sum(Purchase.total))) == total_before == Decimal("1890.00")
    outreach = exported(client, "/owner/data/outreach.csv")
    assert outreach[0]["client_name"] == "Erased client" and outreach[0]["note"] == ""
    everything = client.get("/owner/data/archive.zip").data
    assert b"maria@example.com" not in everything and b"Sapphire earrings" not in everything
    # ...and that export re-imports cleanly: the erased client's sales are left as they are.
    again = import_purchases(owner.store_id, client.get("/owner/data/purchases.csv", buffered=True).data, today=TODAY)
    assert (again.rejected, again.created) == ([], 0)

    # The client has vanished from the card, search and their own JSON export.
    assert client.get(f"/clients/{maria.id}").status_code == 404
    assert client.get(f"/owner/data/clients/{maria.id}/export.json").status_code == 404
    assert maria.id not in {hit.id for hit in search_clients(owner, "Maria").hits}


def test_erasing_twice_is_harmless_and_audited_once(client, auth):
    owner = login_owner(auth)
    maria = book_with_maria(owner)
    for _ in range(2):
        assert auth.post(f"/owner/data/clients/{maria.id}/erase", token_from="/owner/data/").status_code == 303
    actions = db.session.execute(select(AuditEvent.action, AuditEvent.target)
                                 .where(AuditEvent.action == "client_erased")).all()
    assert actions == [("client_erased", f"client:{maria.id}")]
    assert db.session.scalar(select(func.count(Purchase.id)).where(Purchase.client_id == maria.id)) == 1


def test_only_owners_and_managers_see_and_use_the_privacy_section(client, auth):
    owner = make_user(store="Gem Store", role="owner")
    associate = make_user(store="Gem Store", role="associate")
    import_clients(owner.store_id, POS / "clients_us.csv", today=TODAY)
    maria = db.session.scalar(select(Client).where(Client.client_number == "C-1"))
    maria.assigned_to_id = associate.id
    db.session.commit()

    auth.login(associate.email)
    card = client.get(f"/clients/{maria.id}").get_data(as_text=True)
    assert card and "Erase this client" not in card and "Export this client" not in card
    assert client.get(f"/owner/data/clients/{maria.id}/export.json").status_code == 403
    assert auth.post(f"/owner/data/clients/{maria.id}/erase").status_code == 403
    assert db.session.get(Client, maria.id).erased_at is None

    auth.post("/logout")
    auth.login(owner.email)
    card = client.get(f"/clients/{maria.id}").get_data(as_text=True)
    assert "Export this client (JSON)" in card and "Erase this client" in card
