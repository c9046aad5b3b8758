"""Backups proven: a store is backed up the way docs/deploy.md says (PostgreSQL: `pg_dump -Fc` and `pg_restore`;
SQLite: the online `.backup` while the app holds the database open), restored into a fresh database, and every row
of every table (Alembic's revision too) is found there, value for value."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlparse

import pytest
from sqlalchemy import create_engine, inspect, select, text

from jewelpwa.extensions import db

from ..conftest import make_user
from ..web.test_scoping import FACTORIES

pytestmark = pytest.mark.slow


def every_row(engine) -> dict[str, list[tuple]]:
    """Each table's rows in primary-key order, as plain tuples (the same on both sides of a restore)."""
    tables = sorted(inspect(engine).get_table_names())
    found = {}
    with engine.connect() as conn:
        for name in tables:
            table = db.Table(name, db.MetaData(), autoload_with=conn)
            order = list(table.primary_key.columns) or list(table.columns)
            found[name] = [tuple(row) for row in conn.execute(select(table).order_by(*order))]
    return found


def a_store_with_every_kind_of_row() -> None:
    owner = make_user(store="Backup Store", role="owner")
    associate = make_user(store="Backup Store", role="associate")
    for make in FACTORIES.values():
        make(associate)
    make(owner)


def pg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_backup_restores_every_row_into_a_fresh_database(app, database_url, fresh_url, tmp_path):
    a_store_with_every_kind_of_row()
    before = every_row(db.engine)
    assert sum(map(len, before.values())) > 20
    backup = tmp_path / "backup"
    if database_url.startswith("sqlite"):
        sqlite3 = shutil.which("sqlite3") or pytest.skip("no sqlite3 command (apt-get install sqlite3)")
        source = urlparse(database_url).path
        # Online: the app's own connection is open (and holds a read transaction) while the backup runs.
        with db.engine.connect() as held:
            held.execute(text("SELECT count(*) FROM clients")).scalar()
            # No timeout of its own (pytest-timeout's 300 s holds): a timed wait polls with sleeps, which fail
            # under libfaketime (`make test-on`) with EINVAL.
            subprocess.run([sqlite3, source, f".backup '{backup}'"], check=True)
        restored_path = urlparse(fresh_url).path
        subprocess.run([sqlite3, restored_path, f".restore '{backup}'"], check=True)
    else:
        subprocess.run(["pg_dump", "-Fc", "-f", str(backup), "-d", pg_url(database_url)], check=True, timeout=120)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", pg_url(fresh_url), str(backup)],
                       check=True, timeout=120)
    restored = create_engine(fresh_url if fresh_url.startswith("sqlite") else
                             fresh_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        after = every_row(restored)
    finally:
        restored.dispose()
    assert after.keys() == before.keys()
    assert "alembic_version" in after and after["alembic_version"] == before["alembic_version"]
    missing = {name: len(rows) - len(after[name]) for name, rows in before.items() if after[name] != rows}
    assert not missing, f"rows lost or changed in the restore: {missing}"
