"""The rows the demo seed and bench/generate.py insert: one builder, every column, derived columns derived."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jewelpwa.demo.rows import client_row, date_row, item_row, person_row, purchase_row
from jewelpwa.domain.vocab import DateKind, ItemCategory, Relation
from jewelpwa.models import Client, ImportantDate, Person, Purchase, PurchaseItem

NOW = datetime(2026, 3, 10, 15, tzinfo=UTC)


def columns(model: type) -> set[str]:
    return {c.name for c in model.__table__.c} - {"id"}


def test_a_client_row_has_every_column_so_a_new_one_is_added_in_the_builder():
    # Both books insert these rows as they are (the bench through PostgreSQL's COPY, which knows no ORM
    # defaults): a column missing here would be missing, or NULL, in one of them.
    row = client_row(1, "Ana", "Lopez", None, first_seen_on=date(2020, 5, 1), created_at=NOW, updated_at=NOW)
    assert set(row) == columns(Client)
    assert (row["tier"], row["frequency"], row["do_not_contact"], row["metals"]) == ("C", "normal", False, [])


def test_a_client_row_derives_search_name_and_phone_digits_and_refuses_them_as_input():
    row = client_row(1, "Ana María", "O'Neil", "(978) 555-0142", first_seen_on=date(2020, 5, 1), created_at=NOW,
                     updated_at=NOW, email="ana@example.com")
    assert (row["search_name"], row["phone_digits"], row["email"]) == ("ana maria oneil", "19785550142",
                                                                       "ana@example.com")
    with pytest.raises(TypeError, match="search_name"):
        client_row(1, "Ana", "Lopez", None, first_seen_on=date(2020, 5, 1), created_at=NOW, updated_at=NOW,
                   search_name="someone else")
    with pytest.raises(TypeError, match="colour"):
        client_row(1, "Ana", "Lopez", None, first_seen_on=date(2020, 5, 1), created_at=NOW, updated_at=NOW,
                   colour="blue")


def test_other_rows_fill_their_tables_columns_with_plain_strings():
    person = person_row(1, 2, "Daniel", Relation.PARTNER, created_at=NOW)
    when = date_row(1, 2, DateKind.BIRTHDAY, 2, 29, 1984, person_id=3)
    sale = purchase_row(1, 2, date(2025, 12, 24), 1349, receipt_number="R100", associate_id=None, created_at=NOW)
    item = item_row(1, 4, ItemCategory.NECKLACE, 1250, metal="white gold", stone="sapphire")
    assert [set(person), set(when), set(sale), set(item)] == [
        columns(Person), columns(ImportantDate), columns(Purchase), columns(PurchaseItem)]
    assert when["md"] == 229
    assert type(person["relation"]) is str and type(when["kind"]) is str and type(item["category"]) is str
