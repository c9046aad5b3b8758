"""client_search_terms (SQLite's index of name words and phone ends, migration 0030): kept in step with every path
that writes a client, scoped to its store; and the searches it serves find the same clients, in the same order,
with the same counts, as PostgreSQL's trigram indexes do (every search test here runs on both databases)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select, text

from jewelpwa.demo.seed import seed_demo_store
from jewelpwa.domain.client_columns import client_columns
from jewelpwa.extensions import db
from jewelpwa.models import Client, ClientSearchTerm
from jewelpwa.services.book.client_edit import update_client
from jewelpwa.services.book.clients import create_client
from jewelpwa.services.book.search import COUNT_CAP, search_clients
from jewelpwa.services.data.importing.clients import import_clients
from jewelpwa.services.data.privacy import erase_client

from ..conftest import make_user
from ..factories import make_client

TODAY = date(2026, 3, 10)


def names(result) -> list[str]:
    return [hit.name for hit in result.hits]


def expected_terms(client: Client) -> set[str]:
    """What the triggers must hold for a client: its name's words, its digits after "+" and backwards after "~"."""
    if client.erased_at is not None:
        return set()
    terms = {word for word in client.search_name.split(" ") if word}  # as the triggers split it: on spaces
    if client.phone_digits:
        terms |= {"+" + client.phone_digits, "~" + client.phone_digits[::-1]}
    return terms


def terms_of(client_id: int) -> set[str]:
    return set(db.session.scalars(select(ClientSearchTerm.term).where(ClientSearchTerm.client_id == client_id)))


def assert_terms_in_step(store_id: int) -> None:
    """Every client of the store has exactly its terms (SQLite keeps them; PostgreSQL leaves the table empty)."""
    db.session.expire_all()
    rows = db.session.execute(select(ClientSearchTerm.client_id, ClientSearchTerm.term)
                              .where(ClientSearchTerm.store_id == store_id)).all()
    if db.engine.dialect.name != "sqlite":
        assert rows == []
        return
    held: dict[int, set[str]] = {}
    for client_id, term in rows:
        held.setdefault(client_id, set()).add(term)
    clients = db.session.scalars(select(Client).where(Client.store_id == store_id)).all()
    assert held == {c.id: expected_terms(c) for c in clients if expected_terms(c)}


def client_row(store_id: int, first: str, last: str, phone: str | None) -> dict:
    """A client as bulk writers insert it (Core executemany: no ORM event runs)."""
    return {"store_id": store_id, "first_name": first, "last_name": last, "phone": phone, "tier": "C",
            "frequency": "normal", "first_seen_on": TODAY, **client_columns(first, last, phone)}


def test_the_triggers_that_keep_the_terms_are_there_after_every_migration(app):
    """A later migration that rebuilds clients on SQLite (batch_alter_table copies the table) drops its triggers
    with the old table: it must create them again (0030's TRIGGERS), or the terms go stale unnoticed."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads trigram indexes: no terms, no triggers")
    triggers = set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                           "AND tbl_name = 'clients'")))
    assert triggers == {"client_search_terms_insert", "client_search_terms_update", "client_search_terms_delete"}


@pytest.fixture
def owner():
    return make_user(store="Gem Store", role="owner")


def test_a_new_clients_words_and_phone_ends_find_it(owner):
    client = create_client(owner, "Anna Maria", "Lindqvist-Berg", phone="(617) 555-0142", today=TODAY)
    assert_terms_in_step(owner.store_id)
    if db.engine.dialect.name == "sqlite":
        assert terms_of(client.id) == {"anna", "maria", "lindqvist", "berg", "+16175550142", "~24105557161"}
    for typed in ("berg", "maria", "berg anna", "lindq mar", "0142", "55-0142", "617 555"):
        assert names(search_clients(owner, typed)) == ["Anna Maria Lindqvist-Berg"], typed


def test_editing_a_name_or_phone_replaces_its_terms(owner):
    client = create_client(owner, "Grace", "Walker", phone="(617) 555-0142", today=TODAY)
    update_client(owner, client.id, "contact", {"first_name": "Grace", "last_name": "Hopper",
                                                "phone": "(212) 555-0199"})
    assert_terms_in_step(owner.store_id)
    assert names(search_clients(owner, "walker")) == []
    assert names(search_clients(owner, "grace wal")) == []
    assert names(search_clients(owner, "0142")) == []
    assert names(search_clients(owner, "hopp")) == ["Grace Hopper"]
    assert names(search_clients(owner, "0199")) == ["Grace Hopper"]


def test_imported_clients_are_found_by_later_words_and_phone_ends_and_a_reimport_renames_them(owner):
    csv = ("client_number,first_name,last_name,phone\n"
           "C1,Ada,Lovelace,(617) 555-0142\nC2,Charles,Babbage,(212) 555-0199\n")
    report = import_clients(owner.store_id, csv, today=TODAY)
    assert not report.rejected and report.created == 2
    assert_terms_in_step(owner.store_id)
    assert names(search_clients(owner, "lovel")) == ["Ada Lovelace"]
    assert names(search_clients(owner, "5550199")) == ["Charles Babbage"]
    import_clients(owner.store_id, "client_number,first_name,last_name\nC1,Ada,Byron\n", today=TODAY)
    assert_terms_in_step(owner.store_id)
    assert names(search_clients(owner, "lovel")) == []
    assert names(search_clients(owner, "byron")) == ["Ada Byron"]
    assert names(search_clients(owner, "0142")) == ["Ada Byron"]  # a blank phone cell keeps the number


def test_an_erased_client_is_not_found_by_its_old_words_or_number(owner):
    client = create_client(owner, "Grace", "Walker", phone="(617) 555-0142", today=TODAY)
    create_client(owner, "Zoe", "Walker", phone="(212) 555-0142", today=TODAY)
    erase_client(owner, client.id)
    assert_terms_in_step(owner.store_id)
    assert terms_of(client.id) == set()
    assert names(search_clients(owner, "walker")) == ["Zoe Walker"]
    assert names(search_clients(owner, "grace wal")) == []
    assert names(search_clients(owner, "0142")) == ["Zoe Walker"]
    assert search_clients(owner, "walker").count == 1


def test_the_demo_store_bulk_written_has_every_clients_terms(app):
    result = seed_demo_store(clients=60, today=TODAY, past_days=0)
    assert_terms_in_step(result.store_id)


def test_bulk_core_inserts_and_deletes_keep_the_terms(owner):
    """The bench generator and the importer insert clients with Core executemany; a client deleted (its store
    closed) leaves no terms behind."""
    rows = [client_row(owner.store_id, "Ivy", "Stone", "(617) 555-0101"),
            client_row(owner.store_id, "Al", "Ivy Stone", None)]
    db.session.execute(insert(Client), rows)
    db.session.commit()
    assert_terms_in_step(owner.store_id)
    assert names(search_clients(owner, "ston ivy")) == ["Al Ivy Stone", "Ivy Stone"]
    db.session.execute(Client.__table__.delete().where(Client.first_name == "Ivy"))
    db.session.commit()
    assert_terms_in_step(owner.store_id)
    assert names(search_clients(owner, "stone")) == ["Al Ivy Stone"]


def test_any_text_left_in_the_name_column_is_split_into_terms(owner):
    """Every writer folds search_name, but an older version or a raw write may have left quotes, a backslash or
    a line break there: the client is still written, and its words are still found."""
    raw = 'o"brien back\\slash two\r\nlines'
    db.session.execute(insert(Client), [client_row(owner.store_id, "Raw", "Row", None) | {"search_name": raw}])
    db.session.commit()
    assert_terms_in_step(owner.store_id)
    assert names(search_clients(owner, "back")) == ["Raw Row"]


def test_a_word_or_number_of_one_store_never_surfaces_in_another(owner):
    elsewhere = make_user(store="Other Jewelers", role="owner")
    make_client(elsewhere, first_name="Grace", last_name="Walker", phone="(617) 555-0142")
    for n in range(3):
        make_client(elsewhere, first_name=f"Zed{n}", last_name="Walker", phone=f"(617) 555-{n:04d}")
    mine = make_client(owner, first_name="Amy", last_name="Walkerson", phone="(212) 555-0142")
    # A page of one: the count of a full page is read from the terms alone, so another store's would show there.
    for typed in ("walker", "walk", "grace wal", "wal grace", "0142", "555-0142", "5550000", "0000", "617"):
        found = search_clients(owner, typed, limit=1)
        assert {hit.id for hit in found.hits} <= {mine.id} and found.count == len(found.hits), typed
    assert names(search_clients(owner, "walk")) == ["Amy Walkerson"]
    assert names(search_clients(elsewhere, "walk")) == ["Grace Walker", "Zed0 Walker", "Zed1 Walker", "Zed2 Walker"]
    assert_terms_in_step(owner.store_id)
    assert_terms_in_step(elsewhere.store_id)


def test_a_client_with_two_words_starting_alike_is_one_match(owner):
    make_client(owner, first_name="Ann", last_name="Annan")
    make_client(owner, first_name="Bo", last_name="Annan")
    result = search_clients(owner, "ann", limit=1)
    assert names(result) == ["Ann Annan"] and result.count == 2


def test_later_word_and_several_word_matches_come_in_groups_then_name_order(owner):
    for first, last in (("Zed", "Smith"), ("Amy", "Smith"), ("Bo", "Smithers"), ("Smitty", "Jones"),
                        ("Amy", "Smith Jones"), ("Jones", "Amy Smith")):
        make_client(owner, first_name=first, last_name=last)
    assert names(search_clients(owner, "smit")) == ["Smitty Jones", "Amy Smith", "Amy Smith Jones", "Bo Smithers",
                                                    "Jones Amy Smith", "Zed Smith"]
    assert names(search_clients(owner, "smith amy")) == ["Amy Smith", "Amy Smith Jones", "Jones Amy Smith"]
    assert names(search_clients(owner, "jo sm am")) == ["Amy Smith Jones", "Jones Amy Smith"]
    result = search_clients(owner, "smith", limit=2)
    assert names(result) == ["Amy Smith", "Amy Smith Jones"] and result.count == 5


def test_numbers_ending_with_the_digits_come_in_number_order_with_those_starting_with_them(owner):
    make_client(owner, first_name="Late", phone="(617) 555-0042")
    make_client(owner, first_name="Early", phone="(212) 555-0042")
    make_client(owner, first_name="Inside", phone="(617) 555-0420")  # 042 inside, not at the end: not found
    make_client(owner, first_name="Start", phone="0042 5")  # too short to read: kept as typed, 00425, a prefix
    result = search_clients(owner, "0042")
    assert [hit.name for hit in result.hits] == ["Start Test", "Early Test", "Late Test"] and result.count == 3
    result = search_clients(owner, "0042", limit=2)
    assert [hit.name for hit in result.hits] == ["Start Test", "Early Test"] and result.count == 3


def test_more_matches_than_the_count_cap_page_in_name_order_and_say_so(owner):
    """Past COUNT_CAP matches SQLite pages by walking the name index (the terms would be read and sorted in
    full); below it, from the terms. Both give the order PostgreSQL gives."""
    rows = [client_row(owner.store_id, f"P{n:04d}", "Quill" if n % 2 else "Quillon", f"(617) 555-{n:04d}")
            for n in range(COUNT_CAP + 10)]
    db.session.execute(insert(Client), rows)
    db.session.commit()
    many = search_clients(owner, "quill", limit=5)
    assert names(many) == ["P0000 Quillon", "P0001 Quill", "P0002 Quillon", "P0003 Quill", "P0004 Quillon"]
    assert many.count == COUNT_CAP + 1 and many.capped
    few = search_clients(owner, "quillon p00", limit=5)
    assert names(few) == ["P0000 Quillon", "P0002 Quillon", "P0004 Quillon", "P0006 Quillon", "P0008 Quillon"]
    assert few.count == 50
    numbers = search_clients(owner, "617 555", limit=3)
    assert [hit.phone for hit in numbers.hits] == ["(617) 555-0000", "(617) 555-0001", "(617) 555-0002"]
    assert numbers.count == COUNT_CAP + 1
