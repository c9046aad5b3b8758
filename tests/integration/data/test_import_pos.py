"""Real point-of-sale exports: encodings, separators, their own header names, date and price formats, messy rows
(zero rows written), possible duplicates, and a second apply that changes nothing."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, ImportantDate, Person, Purchase, PurchaseItem
from jewelpwa.services.data import import_mapping
from jewelpwa.services.data.importing.clients import import_clients
from jewelpwa.services.data.importing.purchases import import_purchases

from ..conftest import make_user
from ..factories import make_client

TODAY = date(2025, 3, 1)
POS = Path(__file__).resolve().parents[2] / "fixtures" / "pos"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def by_number(store_id: int, number: str) -> Client:
    return db.session.scalar(select(Client).where(Client.store_id == store_id, Client.client_number == number))


@pytest.fixture
def owner():
    user = make_user(store="Gem Store", role="owner", email="owner@gem.test")
    make_user(store="Gem Store", role="associate", email="ana@gem.test", name="Ana")
    return user


def test_european_export_in_windows_1252_with_semicolons_and_day_first_dates_imports(owner):
    report = import_clients(owner.store_id, POS / "clients_semicolon_1252.csv", today=TODAY)

    assert report.rejected == []
    assert (report.created, report.updated) == (3, 0)
    renee = by_number(owner.store_id, "1001")
    assert (renee.first_name, renee.last_name, renee.notes) == ("Renée", "Dupré", "Aime l'or rosé")
    assert renee.phone == "+33 6 12 34 56 78"
    assert renee.assigned_to.email == "ana@gem.test"
    dates = {(d.kind, d.person_id is None): (d.month, d.day, d.year) for d in renee.dates}
    assert dates[("birthday", True)] == (3, 14, 1985)      # 14.03.1985
    assert dates[("anniversary", True)] == (6, 21, None)    # 21.06. (no year)
    assert [p.name for p in renee.people] == ["Frédéric"]   # the "Spouse" column
    zoe = by_number(owner.store_id, "1003")
    assert zoe.email == "zoe@example.com" and zoe.notes == "Notes; with a semicolon"
    assert {(d.kind, d.month, d.day) for d in zoe.dates} == {("birthday", 7, 1), ("anniversary", 3, 14)}
    # A formula in a name is stored as plain text (exports neutralise it: test_export.py).
    assert by_number(owner.store_id, "1002").first_name == '=HYPERLINK("http://evil.test","Click")'


def test_messy_file_rejects_every_bad_row_by_row_and_column_and_writes_nothing(owner):
    report = import_clients(owner.store_id, POS / "clients_messy.csv", today=TODAY)

    assert {(e.row, e.column) for e in report.rejected} == {
        (3, "birthday"),        # 13/45/1980
        (4, "client_number"),   # blank
        (5, "client_number"),   # C-1 again
        (7, "email"), (7, "birthday"),  # not an email; 29 Feb 2023
    }
    text = [str(e) for e in report.rejected]
    assert any(t.startswith('row 3, birthday: birthday "13/45/1980" is not a date') for t in text)
    assert 'row 5, client_number: "C-1" is already on row 2: one row per client' in text
    assert any("2023 is not a leap year" in t for t in text)
    assert report.summary.startswith("Nothing imported: 4 rows rejected")
    # Row 2 (good, BOM before its header) and row 6 (a formula as a name) are fine, and still not written.
    assert count(Client) == count(Person) == count(ImportantDate) == count(ConsentEvent) == 0


def test_tab_separated_sales_with_us_dates_and_currency_prices_import_once(owner):
    import_clients(owner.store_id, POS / "clients_us.csv", today=TODAY)
    first = import_purchases(owner.store_id, POS / "purchases_tab.tsv", today=TODAY)
    assert (first.rejected, first.created, first.items) == ([], 2, 3)
    inv1 = db.session.scalar(select(Purchase).where(Purchase.receipt_number == "INV-1"))
    assert (inv1.purchased_on, inv1.total) == (date(2024, 12, 24), Decimal("1250.00"))
    assert db.session.scalar(select(Purchase.total).where(Purchase.receipt_number == "INV-2")) == Decimal("640.00")

    again = import_purchases(owner.store_id, POS / "purchases_tab.tsv", today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (count(Purchase), count(PurchaseItem)) == (2, 3)


def test_second_apply_of_the_same_file_creates_and_updates_nothing(owner):
    first = import_clients(owner.store_id, POS / "clients_semicolon_1252.csv", today=TODAY)
    assert first.created == 3
    second = import_clients(owner.store_id, POS / "clients_semicolon_1252.csv", today=TODAY)
    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 0, 3, [])
    assert (count(Client), count(Person), count(ImportantDate)) == (3, 1, 5)


def test_new_client_with_a_known_phone_or_email_is_listed_as_a_possible_duplicate_not_merged(owner):
    known = make_client(owner, client_number="OLD-7", first_name="Maria", last_name="Lopez",
                        phone="555 010 2000", email="someone@example.com")
    report = import_clients(owner.store_id, POS / "clients_us.csv", today=TODAY)

    assert report.created == 2
    assert [(d.row, d.client_number, d.existing_id, d.by) for d in report.duplicates] == [(2, "C-1", known.id, "phone")]
    assert "has the phone of Maria Lopez (client OLD-7)" in str(report.duplicates[0])
    assert count(Client) == 3


def test_header_names_of_point_of_sale_exports_are_recognised_and_the_stores_choice_wins():
    header = ["Customer #", "First", "Last", "E-mail", "Cell", "Birth Date", "Anniv", "Sales Associate", "Shoe size"]
    assert import_mapping.recognise(header, "clients") == [
        "client_number", "first_name", "last_name", "email", "phone", "birthday", "anniversary", "associate_email", ""]
    assert import_mapping.recognise(["Invoice", "Cust No", "Date", "Item Description", "Amount"], "purchases") == [
        "receipt_number", "client_number", "purchased_on", "description", "price"]
    # The owner once said "Shoe size" holds notes: that choice comes back for this store.
    assert import_mapping.recognise(header, "clients", {"shoesize": "notes"})[-1] == "notes"
    assert import_mapping.check(["client_number", "", "email"], "clients") == {"mapping": "Choose a column for First name"}


def test_a_confirmed_mapping_reads_columns_no_name_list_knows(owner):
    text = "Kunde,Vorname,Geburtstag\nK1,Jürgen,03.05.1970\n"
    without = import_clients(owner.store_id, text, today=TODAY)
    assert [(e.row, e.column) for e in without.rejected] == [(1, "client_number"), (1, "first_name")]
    report = import_clients(owner.store_id, text, today=TODAY, mapping=["client_number", "first_name", "birthday"])
    assert (report.created, report.rejected) == (1, [])
    client = by_number(owner.store_id, "K1")
    assert client.first_name == "Jürgen" and (client.dates[0].month, client.dates[0].day) == (5, 3)


def test_cli_reads_a_point_of_sale_file_with_a_mapping_for_unknown_headers(app, owner, tmp_path):
    from jewelpwa.cli.imports import import_group

    app.cli.add_command(import_group)
    runner = app.test_cli_runner()
    german = tmp_path / "kunden.csv"
    german.write_bytes("Kunde;Vorname;E-mail;Geburtstag\nK1;Jürgen;j@example.com;03.05.1970\n".encode("cp1252"))

    result = runner.invoke(args=["import", "clients", str(german), "--mapping", "Kunde=client_number,Vorname=first_name"])
    assert result.exit_code == 0, result.output
    assert "Created 1 client, updated 0; 0 rows rejected" in result.output
    assert by_number(owner.store_id, "K1").first_name == "Jürgen"

    result = runner.invoke(args=["import", "clients", str(german), "--mapping", "Shoe=notes"])
    assert result.exit_code == 2 and 'no column "Shoe"' in result.output

    result = runner.invoke(args=["import", "clients", str(POS / "clients_us.csv"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would create 2 clients" in result.output


# Pure parsers, one test each with every case (each integration test pays for a database reset).
PRICES = [("$1,250.00", "1250.00"), ("1.250,00 €", "1250.00"), ("€1.250,00", "1250.00"), ("1 250,00", "1250.00"),
          ("USD 1,250", "1250.00"), ("12,50", "12.50"), ("1,250", "1250.00"), ("1.250.000", "1250000.00"),
          ("0", "0.00")]
DATES = [("03/14/1985", (3, 14, 1985)), ("3/14/85", (3, 14, 1985)), ("14.03.1985", (3, 14, 1985)),
         ("1985-03-14", (3, 14, 1985)), ("March 14, 1985", (3, 14, 1985)), ("14 Mar 1985", (3, 14, 1985)),
         ("03-14", (3, 14, None)), ("3/14", (3, 14, None)), ("14.03.", (3, 14, None)), ("Mar 14", (3, 14, None)),
         ("14 Mar", (3, 14, None)), ("02-29", (2, 29, None))]


def test_prices_and_dates_in_every_common_point_of_sale_format():
    from jewelpwa.domain.money import parse_money
    from jewelpwa.domain.yearly_date import parse_yearly_date

    assert [(cell, parse_money(cell)) for cell, _ in PRICES] == [(cell, Decimal(amount)) for cell, amount in PRICES]
    for cell in ("-5", "(12.00)", "12.3456", "1,2,3", "abc"):
        with pytest.raises(ValueError, match=re.escape(f'price "{cell}"')):
            parse_money(cell)
    found = [(cell, (w.month, w.day, w.year)) for cell, _ in DATES for w in [parse_yearly_date(cell, "birthday")]]
    assert found == DATES
