"""Client search: name, last name, phone digits, email prefix, filters, scoping, and both render modes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jewelpwa.extensions import db
from jewelpwa.services.book.search import search_clients

from ..conftest import make_user
from ..factories import make_client

HX = {"HX-Request": "true"}


def names(result) -> list[str]:
    return [hit.name for hit in result.hits]


@pytest.fixture
def book():
    me = make_user()
    other = make_user(name="Rita Ruiz")
    clients = {
        "anna": make_client(me, first_name="Anna", last_name="Lindqvist", phone="(617) 555-0142",
                            email="anna.l@example.com", tier="A"),
        "annabel": make_client(other, first_name="Annabel", last_name="Ortiz", phone="+1 212 555 0199",
                               email="bel@example.org", tier="B"),
        "ben": make_client(me, first_name="Ben", last_name="Annan", phone="617.555.7788", email=None, tier="C"),
        "carla": make_client(me, first_name="Carla", last_name="van der Berg", phone=None, email="carla@vdb.nl",
                             tier="C"),
    }
    return me, other, clients


def test_name_prefix_finds_first_names_in_alphabetical_order(book):
    me, _, _ = book
    assert names(search_clients(me, "ann")) == ["Anna Lindqvist", "Annabel Ortiz", "Ben Annan"]
    assert names(search_clients(me, "ANNA L")) == ["Anna Lindqvist"]


def test_last_name_prefix_finds_the_client_including_multi_word_last_names(book):
    me, _, _ = book
    assert names(search_clients(me, "lind")) == ["Anna Lindqvist"]
    assert names(search_clients(me, "Berg")) == ["Carla van der Berg"]
    assert names(search_clients(me, "annan")) == ["Ben Annan"]


@pytest.mark.parametrize("typed", ["6175550142", "(617) 555-0142", "617 555 0142", "+1 617-555-0142", "617.555",
                                   "0142", "555-0142"])
def test_phone_digits_typed_any_way_find_the_client(book, typed):
    me, _, _ = book
    assert "Anna Lindqvist" in names(search_clients(me, typed))


def test_phone_needs_three_digits(book):
    me, _, _ = book
    result = search_clients(me, "61")
    assert result.mode == "short" and result.hits == []


def test_email_prefix_is_case_insensitive(book):
    me, _, _ = book
    assert names(search_clients(me, "Anna.L@Ex")) == ["Anna Lindqvist"]
    assert names(search_clients(me, "carla@")) == ["Carla van der Berg"]
    assert names(search_clients(me, "nobody@")) == []


def test_tier_filter_and_my_clients(book):
    me, _, _ = book
    assert names(search_clients(me, "ann", tier="A")) == ["Anna Lindqvist"]
    assert names(search_clients(me, "ann", mine=True)) == ["Anna Lindqvist", "Ben Annan"]


def test_empty_query_lists_my_clients_most_recently_touched_first(book):
    me, _, clients = book
    clients["ben"].last_touch_on = date(2026, 11, 20)
    clients["anna"].last_touch_on = date(2026, 10, 1)
    db.session.commit()
    assert names(search_clients(me, "")) == ["Ben Annan", "Anna Lindqvist", "Carla van der Berg"]


def test_erased_client_never_appears(book):
    me, _, clients = book
    clients["anna"].erased_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.session.commit()
    assert "Anna Lindqvist" not in names(search_clients(me, "anna"))
    assert "Anna Lindqvist" not in names(search_clients(me, "0142"))
    assert "Anna Lindqvist" not in names(search_clients(me, ""))


def test_another_stores_client_is_never_found(book):
    me, _, _ = book
    stranger = make_user(store="Other Jewelers")
    make_client(stranger, first_name="Anna", last_name="Elsewhere", phone="(617) 555-0142", email="anna.l@example.com")
    assert "Anna Elsewhere" not in names(search_clients(me, "anna"))
    assert "Anna Elsewhere" not in names(search_clients(me, "6175550142"))
    assert "Anna Elsewhere" not in names(search_clients(me, "anna.l@"))


def test_count_says_how_many_match_when_the_list_is_cut(book):
    me, _, _ = book
    for n in range(5):
        make_client(me, first_name=f"Anne{n}", last_name="Roe")
    result = search_clients(me, "ann", limit=3)
    assert len(result.hits) == 3 and result.count == 8 and result.more


def test_page_shows_results_with_card_links_tier_phone_and_associate(client, auth, book):
    me, _, clients = book
    auth.login(me.email)
    response = client.get("/clients?q=ann")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page and 'name="q"' in page and 'value="ann"' in page
    assert f'href="/clients/{clients["anna"].id}"' in page
    assert "(617) 555-0142" in page and "Rita Ruiz" in page and "3 clients" in page
    assert 'hx-trigger="input changed delay:250ms, search"' in page
    assert 'href="/clients/new"' in page


def test_htmx_search_answers_only_the_results_fragment(client, auth, book):
    me, _, _ = book
    auth.login(me.email)
    response = client.get("/clients?q=lind", headers=HX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment and 'id="client-results"' in fragment
    assert "Anna Lindqvist" in fragment and "Ben Annan" not in fragment
    assert "HX-Request" in response.headers.get("Vary", "")


def test_no_match_shows_an_empty_state_with_add_a_client(client, auth, book):
    me, _, _ = book
    auth.login(me.email)
    page = client.get("/clients?q=zzz", headers=HX).get_data(as_text=True)
    assert "No client matches" in page and "Add a client" in page


def test_script_in_a_name_is_escaped(client, auth):
    me = make_user()
    make_client(me, first_name="<script>alert(1)</script>", last_name="Evil")
    auth.login(me.email)
    page = client.get("/clients?q=%3Cscript").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_search_needs_sign_in(client):
    response = client.get("/clients?q=ann")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
