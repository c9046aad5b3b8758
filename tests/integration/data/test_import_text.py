"""A dry run that passes cannot fail on apply: the import checks every cell as the tables do on apply (NUL and
control characters, lengths). Before, a CSV with a NUL cell passed the dry run ("0 rows rejected") and then
failed the apply (a 500 on PostgreSQL; on SQLite the NUL was stored and exported)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client
from jewelpwa.services.data.importing.clients import import_clients

from ..conftest import make_user

TODAY = date(2026, 6, 10)


@pytest.mark.parametrize(("cell", "says"), [("Ann\x00a", "NUL"), ("Ann\x1ba", "control character")])
def test_a_cell_the_tables_refuse_is_rejected_by_the_dry_run_and_the_apply_alike(cell, says):
    owner = make_user(role="owner")
    text = f"client_number,first_name,last_name\nC1,{cell},Lopez\nC2,Ben,Okafor\n"
    dry = import_clients(owner.store_id, text, dry_run=True, today=TODAY)
    assert [(e.row, e.column) for e in dry.rejected] == [(2, "first_name")]
    assert says in dry.rejected[0].message
    applied = import_clients(owner.store_id, text, today=TODAY)
    assert [(e.row, e.column) for e in applied.rejected] == [(2, "first_name")]
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0
