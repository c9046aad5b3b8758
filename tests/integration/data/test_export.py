"""Exports: CSV files that re-import unchanged, formulas neutralised, a whole-store archive, every export audited."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import AuditEvent
from jewelpwa.services.data.importing.clients import import_clients
from jewelpwa.services.data.importing.purchases import import_purchases

from .test_data_pages import login_owner
from .test_import_pos import POS, TODAY


def rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_clients_and_purchases_exports_reimport_with_nothing_to_change(client, auth):
    owner = login_owner(auth)
    import_clients(owner.store_id, POS / "clients_us.csv", today=TODAY)
    import_clients(owner.store_id, POS / "clients_semicolon_1252.csv", today=TODAY)
    import_purchases(owner.store_id, POS / "purchases_tab.tsv", today=TODAY)

    clients = client.get("/owner/data/clients.csv", buffered=True)
    assert clients.status_code == 200 and clients.mimetype == "text/csv"
    assert "attachment" in clients.headers["Content-Disposition"]
    purchases = client.get("/owner/data/purchases.csv", buffered=True)

    again = import_clients(owner.store_id, clients.data, today=TODAY)
    assert (again.rejected, again.created, again.updated, again.unchanged) == ([], 0, 0, 5)
    sales = import_purchases(owner.store_id, purchases.data, today=TODAY)
    assert (sales.rejected, sales.created, sales.updated, sales.unchanged) == ([], 0, 0, 2)


def test_cells_a_spreadsheet_would_run_are_neutralised_with_an_apostrophe(client, auth):
    owner = login_owner(auth)
    import_clients(owner.store_id, POS / "clients_semicolon_1252.csv", today=TODAY)
    exported = {r["client_number"]: r for r in rows(client.get("/owner/data/clients.csv", buffered=True).data)}
    assert exported["1002"]["first_name"] == '\'=HYPERLINK("http://evil.test","Click")'
    assert exported["1001"]["phone"] == "'+33 6 12 34 56 78"
    assert exported["1001"]["first_name"] == "Renée"
    assert exported["1001"]["partner_name"] == "Frédéric" and exported["1001"]["anniversary"] == "06-21"


def test_store_archive_has_every_table_a_manifest_and_no_secrets(client, auth):
    owner = login_owner(auth)
    import_clients(owner.store_id, POS / "clients_us.csv", today=TODAY)
    answer = client.get("/owner/data/archive.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    names = set(archive.namelist())
    assert {"manifest.json", "README.txt", "tables/clients.csv", "tables/purchases.csv", "tables/users.csv",
            "import/clients.csv", "import/purchases.csv"} <= names
    assert "tables/user_sessions.csv" not in names and "tables/push_subscriptions.csv" not in names
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["tables"]["tables/clients.csv"]["rows"] == 2
    users = rows(archive.read("tables/users.csv"))
    assert len(users) == 2 and not any("password" in column for column in users[0])
    # The archive's import files re-import into the same store as they are.
    report = import_clients(owner.store_id, archive.read("import/clients.csv"), today=TODAY)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_every_export_is_recorded_with_who_and_what(client, auth):
    owner = login_owner(auth)
    for path in ("/owner/data/clients.csv", "/owner/data/purchases.csv", "/owner/data/outreach.csv",
                 "/owner/data/archive.zip"):
        assert client.get(path, buffered=True).status_code == 200
    events = db.session.execute(select(AuditEvent.action, AuditEvent.user_id).where(
        AuditEvent.action.like("export_%")).order_by(AuditEvent.id)).all()
    assert events == [("export_clients", owner.id), ("export_purchases", owner.id), ("export_outreach", owner.id),
                      ("export_archive", owner.id)]


def test_clients_and_sales_made_in_the_app_round_trip_by_their_jp_names_without_copies(client, auth):
    from datetime import date

    from jewelpwa.models import Client, Purchase

    from ..factories import add_purchase, make_client

    owner = login_owner(auth)
    walk_in = make_client(owner, client_number=None, first_name="Walk", last_name="In")
    add_purchase(walk_in, date(2024, 12, 1), "300", description="Hoops")  # logged at the counter: no receipt
    clients = client.get("/owner/data/clients.csv", buffered=True).data
    sales = client.get("/owner/data/purchases.csv", buffered=True).data
    assert rows(clients)[0]["client_number"] == f"JP-{walk_in.id}"
    assert rows(sales)[0]["receipt_number"].startswith("JP-P")

    assert import_clients(owner.store_id, clients, today=TODAY).unchanged == 1
    report = import_purchases(owner.store_id, sales, today=TODAY)
    assert (report.rejected, report.created, report.unchanged) == ([], 0, 1)
    assert len(db.session.scalars(select(Client.id)).all()) == 1
    assert len(db.session.scalars(select(Purchase.id)).all()) == 1
