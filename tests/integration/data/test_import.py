"""CSV import of clients and purchases: row-numbered errors, all-or-nothing, idempotent re-import, the CLI."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from jewelpwa.cli.imports import import_group
from jewelpwa.extensions import db
from jewelpwa.models import Client, ConsentEvent, ImportantDate, Person, Purchase, PurchaseItem, User
from jewelpwa.services.book.clients import create_client
from jewelpwa.services.book.people import DateInput, add_person
from jewelpwa.services.book.purchases import ItemInput, record_purchase
from jewelpwa.services.data.importing.clients import import_clients
from jewelpwa.services.data.importing.purchases import import_purchases
from jewelpwa.services.data.importing.report import RowError

from ..conftest import make_user

TODAY = date(2025, 3, 1)

CLIENT_HEADER = ("client_number,first_name,last_name,email,phone,birthday,anniversary,partner_name,"
                 "partner_birthday,children,associate_email,preferred_channel,do_not_contact,frequency,notes")
PURCHASE_HEADER = "client_number,purchased_on,receipt_number,description,category,metal,stone,brand,price,occasion,associate_email"


def clients_csv(*rows: str) -> str:
    return "\n".join((CLIENT_HEADER, *rows)) + "\n"


def purchases_csv(*rows: str) -> str:
    return "\n".join((PURCHASE_HEADER, *rows)) + "\n"


def count(model, **filters) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def client_by_number(store_id: int, number: str) -> Client:
    return db.session.scalar(select(Client).where(Client.store_id == store_id, Client.client_number == number))


def dates_of(client: Client) -> dict[tuple[str | None, str], tuple[int, int, int | None, int]]:
    """{(person name or None, kind): (month, day, year, md)}"""
    rows = db.session.execute(
        select(Person.name, ImportantDate.kind, ImportantDate.month, ImportantDate.day, ImportantDate.year,
               ImportantDate.md)
        .select_from(ImportantDate).outerjoin(Person, Person.id == ImportantDate.person_id)
        .where(ImportantDate.client_id == client.id))
    return {(name, kind): (m, d, y, md) for name, kind, m, d, y, md in rows}


@pytest.fixture
def owner():
    """The owner of Gem Store, whose staff includes the associate ana@gem.test."""
    user = make_user(store="Gem Store", role="owner", email="owner@gem.test")
    make_user(store="Gem Store", role="associate", email="ana@gem.test", name="Ana")
    return user


@pytest.fixture
def associate(owner):
    return db.session.scalar(select(User).where(User.email == "ana@gem.test"))


GOOD_CLIENTS = clients_csv(
    'C001,Maria,Lopez,Maria.Lopez@Example.com,(555) 010-2000,1985-02-14,02-29,Daniel,1984-02-29,'
    '"Emma:2015-06-01; Liam:03-14; Noah",ana@gem.test,text,no,,Likes rose gold',
    "C002,James,O'Neil,,555.010.3000,03-09,,,,,,call,yes,low,",
    "C003,Li,,li@example.com,,,2001-06-30,,,,,,,high,",
)


def test_good_file_creates_clients_with_partner_children_and_dates(owner, associate):
    report = import_clients(owner.store_id, GOOD_CLIENTS, today=TODAY)

    assert report.rejected == []
    assert (report.created, report.updated) == (3, 0)
    maria = client_by_number(owner.store_id, "C001")
    assert (maria.first_name, maria.last_name, maria.search_name) == ("Maria", "Lopez", "maria lopez")
    assert maria.email == "maria.lopez@example.com"
    assert (maria.phone, maria.phone_digits) == ("(555) 010-2000", "15550102000")  # E.164 in a US store
    assert maria.assigned_to_id == associate.id
    assert (maria.preferred_channel, maria.frequency, maria.do_not_contact) == ("text", "normal", False)
    assert maria.first_seen_on == TODAY
    assert maria.notes == "Likes rose gold"
    people = {p.name: p.relation for p in db.session.scalars(select(Person).where(Person.client_id == maria.id))}
    assert people == {"Daniel": "partner", "Emma": "child", "Liam": "child", "Noah": "child"}
    assert dates_of(maria) == {
        (None, "birthday"): (2, 14, 1985, 214),
        (None, "anniversary"): (2, 29, None, 229),  # leap day without a year
        ("Daniel", "birthday"): (2, 29, 1984, 229),  # leap day in a leap year
        ("Emma", "birthday"): (6, 1, 2015, 601),
        ("Liam", "birthday"): (3, 14, None, 314),  # unknown year
    }

    james = client_by_number(owner.store_id, "C002")
    assert (james.do_not_contact, james.frequency, james.phone_digits) == (True, "low", "15550103000")
    consent = db.session.scalars(select(ConsentEvent).where(ConsentEvent.client_id == james.id)).all()
    assert [(c.what, c.user_id, c.value) for c in consent] == [("do_not_contact", None, "import")]
    assert dates_of(james) == {(None, "birthday"): (3, 9, None, 309)}
    assert count(ConsentEvent) == 1  # only the client marked do-not-contact

    li = client_by_number(owner.store_id, "C003")
    assert (li.last_name, li.search_name, li.frequency, li.preferred_channel) == ("", "li", "high", None)


MESSY_CLIENTS = clients_csv(
    "C001,Maria,Lopez,maria@example.com,,1985-13-02,,,,,,,,,",       # row 2: month 13
    "C002,James,Smith,,,,2023-02-29,,,,,,,,",                          # row 3: not a leap year
    "C003,Ann,Lee,,,,,,,,nobody@gem.test,,,,",                          # row 4: unknown associate
    "C004,Bob,Ray,,,,,,,,,pigeon,,,",                                   # row 5: bad channel
    "C005,,Nameless,,,,,,,,,,,,",                                       # row 6: missing first_name
    "C006,Eve,Good,eve@example.com,,,,,,,,,,,",                         # row 7: fine, still not written
    'C007,Kim,Park,not-an-email,,,,,,"Joe:2010-02-30",,,maybe,weekly,',  # row 8: four problems
    "C006,Eve,Again,,,,,,,,,,,,",                                       # row 9: duplicate number
)


def test_messy_clients_file_reports_every_error_by_row_and_column_and_writes_nothing(owner):
    report = import_clients(owner.store_id, MESSY_CLIENTS, today=TODAY)

    found = {(e.row, e.column) for e in report.rejected}
    assert found == {
        (2, "birthday"), (3, "anniversary"), (4, "associate_email"), (5, "preferred_channel"),
        (6, "first_name"), (8, "email"), (8, "children"), (8, "do_not_contact"), (8, "frequency"),
        (9, "client_number"),
    }
    messages = {(e.row, e.column): e.message for e in report.rejected}
    assert messages[(2, "birthday")].startswith('birthday "1985-13-02" is not a date: use YYYY-MM-DD, MM/DD/YYYY')
    assert "2023 is not a leap year" in messages[(3, "anniversary")]
    assert "not a staff email in this store" in messages[(4, "associate_email")]
    assert "use call, text, email, visit or mail" in messages[(5, "preferred_channel")]
    assert "already on row 7" in messages[(9, "client_number")]
    assert str(report.rejected[0]).startswith("row 2, birthday: ")
    assert report.rejected_rows == 7
    assert (report.created, report.updated) == (0, 0)
    assert count(Client) == count(Person) == count(ImportantDate) == count(ConsentEvent) == 0


def test_messy_purchases_file_reports_every_error_and_writes_nothing(owner):
    import_clients(owner.store_id, GOOD_CLIENTS, today=TODAY)
    messy = purchases_csv(
        "C001,2024-12-24,R100,Pendant,necklace,gold,sapphire,,-120.00,christmas,",  # row 2: negative
        "C999,2024-12-24,R101,Ring,ring,,,,100,,",                                  # row 3: unknown client
        "C001,2025-12-01,R102,Ring,ring,,,,100,,",                                  # row 4: in the future
        "C001,24/12/2024,R103,Ring,ring,,,,100,,",                                  # row 5: not ISO
        "C001,2024-12-24,R104,Ring,ring,,,,12.5.0,,stranger@gem.test",              # row 6: two problems
        "C002,2024-11-02,R105,Watch,watch,steel,,Tissot,$1,250.00,,",              # row 7: unquoted comma
        "C002,2024-11-02,R106,Watch,watch,steel,,Tissot,\"$1,250.00\",,",          # row 8: fine
        "C003,2024-11-02,R106,Strap,other,,,,40,,",                                 # row 9: receipt of C002
    )
    report = import_purchases(owner.store_id, messy, today=TODAY)

    assert {(e.row, e.column) for e in report.rejected} == {
        (2, "price"), (3, "client_number"), (4, "purchased_on"), (5, "purchased_on"), (6, "price"),
        (6, "associate_email"), (7, ""), (9, "client_number"),
    }
    messages = {(e.row, e.column): e.message for e in report.rejected}
    assert "negative" in messages[(2, "price")]
    assert '"C999" is not a client of this store' in messages[(3, "client_number")]
    assert "in the future" in messages[(4, "purchased_on")]
    assert messages[(5, "purchased_on")] == ('purchased_on "24/12/2024" has month 24: this store reads / dates month '
                                             'first (12/24/2024); if the whole file is day first, choose "day first" '
                                             "for its dates on the import page (or write 24.12.2024)")
    assert "differs from row 8" in messages[(9, "client_number")]
    assert count(Purchase) == count(PurchaseItem) == 0


def test_dry_run_reports_counts_and_writes_nothing(owner):
    report = import_clients(owner.store_id, GOOD_CLIENTS, dry_run=True, today=TODAY)
    assert (report.created, report.updated, report.rejected) == (3, 0, [])
    assert report.summary == "Would create 3 clients, update 0; 0 rows rejected"
    assert count(Client) == count(Person) == count(ImportantDate) == 0

    import_clients(owner.store_id, GOOD_CLIENTS, today=TODAY)
    changed = GOOD_CLIENTS.replace("Maria,Lopez", "Maria,Lopez-Diaz")
    report = import_clients(owner.store_id, changed, dry_run=True, today=TODAY)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    db.session.expire_all()
    assert client_by_number(owner.store_id, "C001").last_name == "Lopez"

    sale = purchases_csv("C001,2024-12-24,R100,Pendant,necklace,gold,sapphire,,120.00,christmas,")
    report = import_purchases(owner.store_id, sale, dry_run=True, today=TODAY)
    assert (report.created, report.rejected) == (1, [])
    assert count(Purchase) == 0


def test_reimport_updates_clients_in_place_without_duplicating_people_or_dates(owner, associate):
    import_clients(owner.store_id, GOOD_CLIENTS, today=TODAY)
    before = (count(Client), count(Person), count(ImportantDate), count(ConsentEvent))

    again = import_clients(owner.store_id, GOOD_CLIENTS, today=date(2025, 6, 1))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (count(Client), count(Person), count(ImportantDate), count(ConsentEvent)) == before

    edited = clients_csv(
        'C001,Maria,Lopez-Diaz,maria@new.example,555 010 9999,1985-02-15,02-29,Dani,1984-03-01,'
        '"Emma:2015-06-02; Liam:2016-03-14; Sofia:12-01",ana@gem.test,email,no,high,',
        "C002,James,O'Neil,,555.010.3000,03-09,,,,,,call,yes,low,",
        "C003,Li,,li@example.com,,,2001-06-30,,,,,,yes,high,",
    )
    report = import_clients(owner.store_id, edited, today=date(2025, 6, 1))
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    db.session.expire_all()
    maria = client_by_number(owner.store_id, "C001")
    assert (maria.last_name, maria.search_name, maria.email) == ("Lopez-Diaz", "maria lopez diaz", "maria@new.example")
    assert (maria.phone_digits, maria.preferred_channel, maria.frequency) == ("15550109999", "email", "high")
    assert maria.first_seen_on == TODAY  # first seen on the first import, not the re-import
    assert maria.notes == "Likes rose gold"  # a blank cell leaves what the book holds
    people = {p.name: p.relation for p in db.session.scalars(select(Person).where(Person.client_id == maria.id))}
    assert people == {"Dani": "partner", "Emma": "child", "Liam": "child", "Noah": "child", "Sofia": "child"}
    assert dates_of(maria) == {
        (None, "birthday"): (2, 15, 1985, 215),
        (None, "anniversary"): (2, 29, None, 229),
        ("Dani", "birthday"): (3, 1, 1984, 301),
        ("Emma", "birthday"): (6, 2, 2015, 602),
        ("Liam", "birthday"): (3, 14, 2016, 314),
        ("Sofia", "birthday"): (12, 1, None, 1201),
    }
    assert count(Client) == 3
    assert count(Person) == before[1] + 1  # Sofia; the partner was renamed, not added
    assert count(ImportantDate) == before[2] + 1  # Sofia's birthday; the others were replaced in place
    li = client_by_number(owner.store_id, "C003")
    assert li.do_not_contact is True
    assert count(ConsentEvent, client_id=li.id, what="do_not_contact") == 1

    third = import_clients(owner.store_id, edited, today=date(2025, 6, 2))
    assert (third.created, third.updated, third.unchanged) == (0, 0, 3)
    assert (count(Person), count(ImportantDate), count(ConsentEvent)) == (before[1] + 1, before[2] + 1, 2)


def test_import_does_not_lift_do_not_contact(owner):
    import_clients(owner.store_id, GOOD_CLIENTS, today=TODAY)
    lifted = GOOD_CLIENTS.replace(",call,yes,low,", ",call,no,low,")
    report = import_clients(owner.store_id, lifted, today=TODAY)
    assert report.rejected == []
    assert [(w.row, w.column) for w in report.warnings] == [(3, "do_not_contact")]
    db.session.expire_all()
    assert client_by_number(owner.store_id, "C002").do_not_contact is True


def test_rows_sharing_a_receipt_are_one_purchase_and_reimport_never_duplicates(owner, associate):
    import_clients(owner.store_id, GOOD_CLIENTS, today=TODAY)
    sales = purchases_csv(
        "C001,2024-12-24,R100,Sapphire pendant,necklace,white gold,sapphire,,\"$1,250.00\",christmas,ana@gem.test",
        "C001,2024-12-24,R100,Chain,necklace,white gold,,,$99.50,,",
        "C002,2025-03-01,R200,Watch battery,repair,,,,0,,",
    )
    report = import_purchases(owner.store_id, sales, today=TODAY)
    assert report.rejected == []
    assert (report.created, report.updated, report.items) == (2, 0, 3)
    assert report.summary == "Created 2 purchases, updated 0; 0 rows rejected"
    maria = client_by_number(owner.store_id, "C001")
    purchase = db.session.scalar(select(Purchase).where(Purchase.receipt_number == "R100"))
    assert (purchase.client_id, purchase.purchased_on, purchase.occasion) == (maria.id, date(2024, 12, 24), "christmas")
    assert purchase.associate_id == associate.id
    assert purchase.total == Decimal("1349.50")
    assert [(i.description, i.metal, i.stone, i.price) for i in purchase.items] == [
        ("Sapphire pendant", "white gold", "sapphire", Decimal("1250.00")),
        ("Chain", "white gold", None, Decimal("99.50")),
    ]

    again = import_purchases(owner.store_id, sales, today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (count(Purchase), count(PurchaseItem)) == (2, 3)

    corrected = sales.replace("$99.50", "$120.00")
    report = import_purchases(owner.store_id, corrected, today=TODAY)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    db.session.expire_all()
    purchase = db.session.scalar(select(Purchase).where(Purchase.receipt_number == "R100"))
    assert purchase.total == Decimal("1370.00")
    assert (count(Purchase), count(PurchaseItem)) == (2, 3)


def test_file_saved_by_excel_with_a_bom_imports(owner, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_CLIENTS.replace("\n", "\r\n").encode("utf-8"))
    report = import_clients(owner.store_id, path, today=TODAY)
    assert (report.created, report.rejected, report.warnings) == (3, [], [])
    assert client_by_number(owner.store_id, "C001").first_name == "Maria"


def test_file_that_is_not_utf8_is_read_as_windows_1252(owner, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(clients_csv("C001,Ren\xe9e,Roy,,,,,,,,,,,,").encode("cp1252"))
    report = import_clients(owner.store_id, path, today=TODAY)
    assert (report.created, report.rejected) == (1, [])
    assert client_by_number(owner.store_id, "C001").first_name == "Ren\u00e9e"


def test_missing_required_column_is_an_error_on_the_header(owner):
    report = import_clients(owner.store_id, "client_number,last_name,shoe_size\nC1,Lopez,38\n", today=TODAY)
    assert report.rejected == [RowError(1, "first_name", report.rejected[0].message)]
    assert [(w.row, w.column) for w in report.warnings] == [(1, "shoe_size")]


def test_import_into_one_store_leaves_another_stores_client_with_the_same_number(owner):
    other = make_user(store="Other Jeweler", role="owner", email="owner@other.test")
    import_clients(other.store_id, clients_csv("C001,Olga,Other,olga@other.test,,,,,,,,,,,"), today=TODAY)

    report = import_clients(owner.store_id, GOOD_CLIENTS, today=TODAY)
    assert (report.created, report.updated) == (3, 0)
    db.session.expire_all()
    olga = client_by_number(other.store_id, "C001")
    assert (olga.first_name, olga.email) == ("Olga", "olga@other.test")
    assert count(Person, client_id=olga.id) == 0
    # A sale is matched to the client of its own store only.
    report = import_purchases(other.store_id, purchases_csv("C002,2024-12-24,R1,Ring,ring,,,,100,,"), today=TODAY)
    assert [(e.row, e.column) for e in report.rejected] == [(2, "client_number")]
    # And staff of another store is not staff here.
    report = import_clients(other.store_id, clients_csv("C001,Olga,Other,,,,,,,,ana@gem.test,,,,"), today=TODAY)
    assert [(e.row, e.column) for e in report.rejected] == [(2, "associate_email")]


def test_cli_prints_summary_and_rejected_rows_with_exit_codes(app, owner, associate, tmp_path):
    app.cli.add_command(import_group)
    runner = app.test_cli_runner()
    good = tmp_path / "clients.csv"
    good.write_text(GOOD_CLIENTS, encoding="utf-8")
    bad = tmp_path / "messy.csv"
    bad.write_text(MESSY_CLIENTS, encoding="utf-8")

    result = runner.invoke(args=["import", "clients", str(good), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would create 3 clients, update 0; 0 rows rejected" in result.output
    assert count(Client) == 0

    result = runner.invoke(args=["import", "clients", str(bad)])
    assert result.exit_code == 1
    assert 'row 2, birthday: birthday "1985-13-02" is not a date: use YYYY-MM-DD, MM/DD/YYYY' in result.output
    assert "row 6, first_name: " in result.output
    assert "7 rows rejected" in result.output
    assert count(Client) == 0

    result = runner.invoke(args=["import", "clients", str(good)])
    assert result.exit_code == 0, result.output
    assert "Created 3 clients, updated 0; 0 rows rejected" in result.output
    assert count(Client) == 3

    sales = tmp_path / "purchases.csv"
    sales.write_text(purchases_csv("C001,2024-12-24,R100,Pendant,necklace,gold,,,120,,"), encoding="utf-8")
    result = runner.invoke(args=["import", "purchases", str(sales)])
    assert result.exit_code == 0, result.output
    assert "Created 1 purchase, updated 0; 0 rows rejected" in result.output


def test_cli_needs_store_when_there_are_several(app, owner, tmp_path):
    make_user(store="Other Jeweler", role="owner", email="owner@other.test")
    app.cli.add_command(import_group)
    runner = app.test_cli_runner()
    good = tmp_path / "clients.csv"
    good.write_text(GOOD_CLIENTS.replace("ana@gem.test", ""), encoding="utf-8")  # staff of one store only

    result = runner.invoke(args=["import", "clients", str(good)])
    assert result.exit_code == 2
    assert "several stores" in result.output and "--store" in result.output
    assert count(Client) == 0

    result = runner.invoke(args=["import", "clients", str(good), "--store", "nowhere"])
    assert result.exit_code == 2
    assert 'no store has the slug or name "nowhere"' in result.output

    result = runner.invoke(args=["import", "clients", str(good), "--store", "other-jeweler"])
    assert result.exit_code == 0, result.output
    assert "Other Jeweler: Created 3 clients" in result.output
    result = runner.invoke(args=["import", "clients", str(good), "--store", "Gem Store"])
    assert result.exit_code == 0, result.output
    assert count(Client, store_id=owner.store_id) == 3


def test_imported_purchases_set_spend_and_tier_at_once_not_after_the_next_plan(owner):
    """A client card, a search by tier and a segment read the client row: the import fills it before it commits."""
    import_clients(owner.store_id, GOOD_CLIENTS, today=TODAY)
    sales = purchases_csv(
        "C001,2024-12-24,R100,Sapphire pendant,necklace,white gold,sapphire,,\"$1,250.00\",christmas,",
        "C001,2022-06-01,R101,Old ring,ring,gold,,,$400.00,,",  # older than 24 months: lifetime only
        "C002,2025-02-01,R200,Studs,earrings,gold,,,$80.00,,",
    )
    assert import_purchases(owner.store_id, sales, today=TODAY).rejected == []
    db.session.expire_all()
    maria, second = client_by_number(owner.store_id, "C001"), client_by_number(owner.store_id, "C002")
    assert (maria.spend_24m, maria.lifetime_spend, maria.tier) == (Decimal("1250.00"), Decimal("1650.00"), "A")
    assert (second.spend_24m, second.lifetime_spend) == (Decimal("80.00"), Decimal("80.00"))
    assert second.tier != "A"

    import_purchases(owner.store_id, purchases_csv("C002,2025-02-20,R201,Bracelet,bracelet,gold,,,$3000.00,,"),
                     today=TODAY)
    db.session.expire_all()
    assert client_by_number(owner.store_id, "C002").tier == "A"
    assert client_by_number(owner.store_id, "C001").tier != "A"  # the top of the book moved


def test_imported_rows_read_like_rows_typed_in_and_the_app_adds_after_them(owner, associate):
    """PostgreSQL loads new rows with COPY and ids taken ahead: the columns an insert fills by default must be
    filled, and the next client, person, date and sale saved in the app must get a fresh id, not a clash."""
    import_clients(owner.store_id, GOOD_CLIENTS + 'C004,Zoë,"Dupré\\Lefèvre",,555.010.4000,,,,,,,,,,"Tab\there, \\N\r\nnext line"\n',
                   today=TODAY)
    import_purchases(owner.store_id, purchases_csv("C003,2025-02-01,R300,Studs,earrings,gold,,,$80.00,,"), today=TODAY)
    db.session.expire_all()
    zoe = client_by_number(owner.store_id, "C004")  # COPY's own escapes (tab, backslash, \N) do not leak in
    assert (zoe.first_name, zoe.last_name, zoe.notes) == ("Zoë", "Dupré\\Lefèvre", "Tab\there, \\N\r\nnext line")
    li = client_by_number(owner.store_id, "C003")
    assert (li.metals, li.tags, li.opted_out, li.imported_spend, li.loyalty_tier) == ([], [], [], None, None)
    assert li.created_at.tzinfo is not None and li.updated_at >= li.created_at
    assert db.session.scalar(select(Purchase.created_at).where(Purchase.receipt_number == "R300")) is not None

    typed = create_client(owner, "Nora", "Ames", phone="(555) 010-9000", today=TODAY)
    partner = add_person(owner, typed.id, "Sam", "partner", DateInput(text="1980-05-04"), today=TODAY)
    sale = record_purchase(owner, typed.id, TODAY, [ItemInput(category="ring", price="500")], today=TODAY)
    assert typed.id > max(db.session.scalars(select(Client.id).where(Client.id != typed.id)))
    assert partner.id > max(db.session.scalars(select(Person.id).where(Person.id != partner.id)))
    assert sale.id > max(db.session.scalars(select(Purchase.id).where(Purchase.id != sale.id)))
    james = client_by_number(owner.store_id, "C002")
    assert (james.tier, james.lifetime_spend, james.spend_24m) == (typed.tier, Decimal("0"), Decimal("0"))
    assert count(ImportantDate, client_id=typed.id) == 1
