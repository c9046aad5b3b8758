"""Real exports (issue 21): customer and order files laid out as Shopify, Square, Lightspeed (R and X-Series),
Clover and The Edge write them import with no manual mapping, and what they carry lands on the client; consent
is never lost; UTF-16 reads like UTF-8 and binary is refused; dates and phones follow the store's country."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, ImportantDate, ImportRun, Purchase, Store
from jewelpwa.services.book.clients import find_duplicates
from jewelpwa.services.book.search import search_clients
from jewelpwa.services.data.importing.clients import import_clients
from jewelpwa.services.data.importing.purchases import import_purchases
from jewelpwa.services.errors import Invalid

from ..conftest import make_user
from .test_data_pages import login_owner, upload

TODAY = date(2025, 3, 1)
EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "exports"


def by_number(store_id: int, number: str) -> Client:
    return db.session.scalar(select(Client).where(Client.store_id == store_id, Client.client_number == number))


def consent_events(client: Client) -> set[tuple[str, str | None, str | None, int | None]]:
    return {(e.what, e.channel, e.value, e.user_id) for e in db.session.scalars(
        select(ConsentEvent).where(ConsentEvent.client_id == client.id))}


def in_country(user, country: str):
    store = db.session.get(Store, user.store_id)
    store.country = country
    db.session.commit()
    return user


@pytest.fixture
def owner():
    user = make_user(store="Gem Store", role="owner", email="owner@gem.test")
    make_user(store="Gem Store", role="associate", email="ana@gem.test", name="Ana")
    return user


def test_shopify_customers_export_lands_address_consent_tags_spend_and_ids_without_guards(owner):
    report = import_clients(owner.store_id, EXPORTS / "shopify_customers.csv", today=TODAY)
    assert report.rejected == [] and report.created == 2
    maria = by_number(owner.store_id, "7012345678901")  # the apostrophe guard is gone
    assert (maria.address_line1, maria.address_line2, maria.city, maria.region, maria.postal_code, maria.country) == (
        "12 Elm Street", "Apt 4", "Springfield", "IL", "62701", "US")
    assert maria.company == "Lopez Design"
    assert (maria.phone, maria.phone_digits, maria.phone2) == ("+12175550199", "12175550199", "(217) 555-0134")
    assert maria.opted_out == ["email"]  # "Accepts Email Marketing: no" is an opt-out, never emailable
    assert consent_events(maria) == {("opt_out", "email", "import", None)}
    assert maria.tags == ["VIP", "Bridal"]
    assert (maria.imported_spend, maria.imported_orders) == (Decimal("1250.00"), 3)
    assert maria.notes == "Likes rose gold"
    james = by_number(owner.store_id, "7012345678902")
    assert james.opted_out == ["text"] and james.postal_code == "97201"
    assert not [w for w in report.warnings if w.column in ("accepts_email", "accepts_text", "tags", "phone2")]


def test_square_export_uses_its_own_id_when_reference_id_is_blank_and_first_visit_as_client_since(owner):
    report = import_clients(owner.store_id, EXPORTS / "square_customers.csv", today=TODAY)
    assert report.rejected == [] and report.created == 2
    ava = by_number(owner.store_id, "GZ3K9J6Q2S1N8")
    assert ava.first_seen_on == date(2021, 3, 4)  # not the import day: the reconnect clock keeps its history
    assert (ava.preferred_name, ava.address_line2, ava.opted_out) == ("Avie", "Suite 2", [])
    assert (ava.imported_spend, ava.imported_orders, ava.notes) == (Decimal("3210.00"), 7, "Anniversary in June")
    ben = by_number(owner.store_id, "7H2M4P0X9B5C1")  # its own id, not the Reference ID: stable across exports
    assert ben.opted_out == ["email"] and ben.company == "Carter LLC"
    birthday = db.session.scalar(select(ImportantDate).where(ImportantDate.client_id == ben.id))
    assert (birthday.month, birthday.day, birthday.year) == (6, 30, None)


def test_lightspeed_retail_mobile_is_the_number_to_text_and_no_email_is_an_opt_out(owner):
    report = import_clients(owner.store_id, EXPORTS / "lightspeed_r_customers.csv", today=TODAY)
    assert report.rejected == [] and report.created == 2
    grace = by_number(owner.store_id, "1042")
    assert (grace.phone, grace.phone_kind) == ("(617) 555-0199", "mobile")  # the text button's number
    assert (grace.phone2, grace.phone2_kind) == ("(617) 555-0110", "home")
    assert grace.opted_out == ["email"] and grace.country == "US"  # "United States" read as its code
    assert grace.first_seen_on == date(2019, 5, 6)
    hugo = by_number(owner.store_id, "1043")  # no mobile: the home phone is the one to call
    assert (hugo.phone, hugo.phone_kind, hugo.phone2) == ("(617) 555-0120", "home", None)


def test_lightspeed_x_series_export_in_a_new_zealand_store(owner):
    in_country(owner, "NZ")
    report = import_clients(owner.store_id, EXPORTS / "lightspeed_x_customers.csv", today=TODAY)
    assert report.rejected == [] and report.warnings and report.created == 1
    chloe = by_number(owner.store_id, "CHLOE-0001")  # customer_code, not the UUID
    assert (chloe.phone, chloe.phone_digits, chloe.phone_kind) == ("021 555 0199", "64215550199", "mobile")
    assert (chloe.city, chloe.postal_code, chloe.country, chloe.opted_out) == ("Auckland", "1010", "NZ", ["email"])
    assert chloe.first_seen_on == date(2022, 8, 1)


def test_clover_marketing_not_allowed_closes_email_and_text(owner):
    report = import_clients(owner.store_id, EXPORTS / "clover_customers.csv", today=TODAY)
    assert report.rejected == []
    dana = by_number(owner.store_id, "JQ4V1X6M8R2T0")
    assert dana.opted_out == ["text", "email"] and dana.first_seen_on == date(2020, 7, 4)
    assert {(what, channel) for what, channel, _, _ in consent_events(dana)} == {("opt_out", "text"),
                                                                                 ("opt_out", "email")}
    assert (dana.address_line1, dana.region, dana.postal_code) == ("77 Ocean Dr", "FL", "33139")


def test_the_edge_jewelry_export_brings_spouse_ring_size_and_mail_consent(owner):
    report = import_clients(owner.store_id, EXPORTS / "the_edge_customers.csv", today=TODAY)
    assert report.rejected == []
    bill = by_number(owner.store_id, "001-00001")
    assert (bill.phone, bill.phone_kind, bill.phone2_kind) == ("(937) 555-0155", "mobile", "home")
    assert (bill.ring_size, bill.opted_out, bill.first_seen_on) == ("10.5", ["email"], date(1998, 3, 2))
    assert bill.people[0].name == "Anne"


def test_shopify_orders_export_finds_buyers_by_email_and_reads_one_row_per_line_item(owner):
    import_clients(owner.store_id, EXPORTS / "shopify_customers.csv", today=TODAY)
    report = import_purchases(owner.store_id, EXPORTS / "shopify_orders.csv", today=TODAY)
    assert report.rejected == [] and (report.created, report.items) == (2, 3)
    order = db.session.scalar(select(Purchase).where(Purchase.receipt_number == "#1001"))
    assert order.client_id == by_number(owner.store_id, "7012345678901").id
    assert order.purchased_on == date(2025, 2, 10)
    assert order.total == Decimal("1349.50")  # 1250.00 + 2 × 49.75
    again = import_purchases(owner.store_id, EXPORTS / "shopify_orders.csv", today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_reimport_never_reopens_a_channel_the_client_closed_and_the_report_says_so(client, auth):
    owner = login_owner(auth)
    import_clients(owner.store_id, EXPORTS / "shopify_customers.csv", today=TODAY)
    james = by_number(owner.store_id, "7012345678902")
    token = auth.csrf(f"/clients/{james.id}")
    answer = client.post(f"/clients/{james.id}/communication",
                         data={"csrf_token": token, "frequency": "normal", "opted_out": ["email", "text"]})
    assert answer.status_code in (200, 303)
    db.session.expire_all()
    assert set(by_number(owner.store_id, "7012345678902").opted_out) == {"email", "text"}

    report = import_clients(owner.store_id, EXPORTS / "shopify_customers.csv", today=TODAY)  # says email: yes
    assert report.rejected == []
    db.session.expire_all()
    assert set(by_number(owner.store_id, "7012345678902").opted_out) == {"email", "text"}
    assert any(w.column == "accepts_email" and "7012345678902" in w.message and "kept closed" in w.message
               for w in report.warnings)


def test_consent_round_trip_export_then_import_keeps_every_opt_out(client, auth):
    owner = login_owner(auth)
    import_clients(owner.store_id, EXPORTS / "lightspeed_r_customers.csv", today=TODAY)
    import_clients(owner.store_id, EXPORTS / "clover_customers.csv", today=TODAY)
    exported = client.get("/owner/data/clients.csv", buffered=True).data

    other = make_user(store="Second Store", role="owner", email="owner@second.test")
    report = import_clients(other.store_id, exported, today=TODAY)
    assert report.rejected == [] and report.created == 3
    assert by_number(other.store_id, "1042").opted_out == ["email"]
    assert by_number(other.store_id, "JQ4V1X6M8R2T0").opted_out == ["text", "email"]
    assert by_number(other.store_id, "1043").opted_out == []
    again = import_clients(owner.store_id, exported, today=TODAY)  # into the book it came from: nothing moves
    assert (again.rejected, again.created, again.updated, again.unchanged) == ([], 0, 0, 3)


def test_a_utf16_file_imports_like_its_utf8_twin(owner):
    text = (EXPORTS / "lightspeed_r_customers.csv").read_text("utf-8").replace("Grace", "Grâce")
    twin = make_user(store="Twin Store", role="owner", email="owner@twin.test")
    tab_separated = text.replace(",", "\t")  # Excel's "Unicode text": UTF-16 LE with a BOM, tabs
    utf8 = import_clients(owner.store_id, text.encode("utf-8"), today=TODAY)
    utf16 = import_clients(twin.store_id, b"\xff\xfe" + tab_separated.encode("utf-16-le"), today=TODAY)
    big_endian = import_clients(twin.store_id, b"\xfe\xff" + text.encode("utf-16-be"), today=TODAY)
    assert (utf8.rejected, utf16.rejected, big_endian.rejected) == ([], [], [])
    assert (utf8.created, utf16.created, big_endian.unchanged) == (2, 2, 2)
    for store_id in (owner.store_id, twin.store_id):
        grace = by_number(store_id, "1042")
        assert (grace.first_name, grace.phone_kind, grace.opted_out) == ("Grâce", "mobile", ["email"])


def test_a_binary_file_is_refused_with_a_clear_message_and_nothing_written(client, auth, tmp_path):
    owner = login_owner(auth)
    junk = tmp_path / "clients.csv"
    junk.write_bytes(os.urandom(20000))
    with pytest.raises(Invalid) as refused:
        import_clients(owner.store_id, junk, today=TODAY)
    assert "not a text file" in refused.value.errors["file"]
    answer = upload(auth, client, junk)
    assert answer.status_code == 422 and "This is not a text file" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 0
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0


def test_a_uk_store_reads_03_04_1985_as_3_april_and_an_import_can_say_month_first(owner):
    in_country(owner, "GB")
    rows = "client_number,first_name,birthday,anniversary\nUK1,Olivia,03/04/1985,14-Feb-1990\nUK2,Amelia,1985/02/14,\n"
    report = import_clients(owner.store_id, rows, today=TODAY)
    assert report.rejected == []
    olivia = by_number(owner.store_id, "UK1")
    dates = {d.kind: (d.year, d.month, d.day) for d in olivia.dates}
    assert dates == {"birthday": (1985, 4, 3), "anniversary": (1990, 2, 14)}
    amelia = by_number(owner.store_id, "UK2")
    assert [(d.month, d.day) for d in amelia.dates] == [(2, 14)]

    us_file = "client_number,first_name,birthday\nUK1,Olivia,03/04/1985\n"
    report = import_clients(owner.store_id, us_file, today=TODAY, date_order="month_first")
    assert report.updated == 1
    db.session.expire_all()
    assert [(d.month, d.day) for d in by_number(owner.store_id, "UK1").dates if d.kind == "birthday"] == [(3, 4)]

    wrong_way = import_clients(owner.store_id, "client_number,first_name,birthday\nUK3,Ada,02/14/1985\n", today=TODAY)
    assert "has month 14: this store reads / dates day first" in wrong_way.rejected[0].message


def test_the_import_page_keeps_the_files_date_order_from_dry_run_to_apply(client, auth, tmp_path):
    owner = in_country(login_owner(auth), "GB")
    path = tmp_path / "us.csv"
    path.write_text("client_number,first_name,birthday\nU1,Mia,12/25/1985\n")
    run_url = upload(auth, client, path).headers["Location"]
    page = client.get(run_url).get_data(as_text=True)
    assert "As this store writes them (day first: 3 April)" in page
    token = auth.csrf(run_url)
    checked = client.post(f"{run_url}/mapping", data={"csrf_token": token, "column_0": "client_number",
                                                      "column_1": "first_name", "column_2": "birthday",
                                                      "date_order": "month_first"})
    assert checked.status_code == 303
    applied = client.post(f"{run_url}/apply", data={"csrf_token": token})
    assert applied.status_code == 303
    mia = by_number(owner.store_id, "U1")
    assert [(d.month, d.day) for d in mia.dates] == [(12, 25)]


def test_in_a_uk_store_a_national_and_an_international_number_are_one_client(owner):
    in_country(owner, "GB")
    import_clients(owner.store_id, "client_number,first_name,phone\nG1,Harry,07700 900123\n", today=TODAY)
    report = import_clients(owner.store_id, "client_number,first_name,phone\nG2,Harold,+44 7700 900123\n",
                            today=TODAY)
    assert [(d.client_number, d.existing_number, d.by) for d in report.duplicates] == [("G2", "G1", "phone")]
    assert [d.client.client_number for d in find_duplicates(owner, "+44 (0)7700 900123", None)] == ["G1", "G2"]
    for typed in ("07700 900123", "+44 7700 900123", "0044 7700 900123", "7700900123"):
        assert [h.id for h in search_clients(owner, typed).hits][:1] == [by_number(owner.store_id, "G1").id], typed


def test_an_unreadable_phone_is_kept_and_flagged_never_dropped(client, auth):
    owner = in_country(login_owner(auth), "GB")
    report = import_clients(owner.store_id, "client_number,first_name,phone\nG9,Ivy,12345\n", today=TODAY)
    assert report.rejected == [] and report.created == 1
    assert any(w.column == "phone" and "kept as written" in w.message for w in report.warnings)
    ivy = by_number(owner.store_id, "G9")
    assert (ivy.phone, ivy.phone_digits) == ("12345", "12345")
    card = client.get(f"/clients/{ivy.id}").get_data(as_text=True)
    assert "not a GB number: check it" in card


def test_the_card_dials_in_e164(client, auth):
    owner = in_country(login_owner(auth), "GB")
    import_clients(owner.store_id, "client_number,first_name,phone\nG1,Harry,07700 900123\n", today=TODAY)
    card = client.get(f"/clients/{by_number(owner.store_id, 'G1').id}").get_data(as_text=True)
    assert 'href="tel:+447700900123"' in card and 'href="sms:+447700900123' in card


def test_a_german_store_reads_its_own_amounts_and_the_exports_plain_ones(owner):
    # The import reads prices in the store's locale, as the counter does: "1.250" is 1250 in Germany (a US store
    # would refuse it as 1.25 or 1250), and "89.90", as exports write amounts, reads the same everywhere.
    in_country(owner, "DE")
    clients = "client_number,first_name,total_spent\nDE1,Lena,2.450\n"
    assert import_clients(owner.store_id, clients, today=TODAY).rejected == []
    assert by_number(owner.store_id, "DE1").imported_spend == Decimal("2450.00")
    sales = ("client_number,receipt_number,purchased_on,description,price\n"
             "DE1,R1,01.02.2025,Ring,1.250\nDE1,R2,02.02.2025,Kette,89.90\n")
    report = import_purchases(owner.store_id, sales, today=TODAY)
    assert report.rejected == []
    totals = db.session.scalars(select(Purchase.total).where(Purchase.store_id == owner.store_id)
                                .order_by(Purchase.purchased_on)).all()
    assert totals == [Decimal("1250.00"), Decimal("89.90")]
