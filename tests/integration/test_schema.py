"""The tables the models describe are the tables the migrations build (a model change needs its migration)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jewelpwa.extensions import db


def test_the_models_and_the_migrations_describe_the_same_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "a model and the migrations disagree: add a migration (flask db migrate)"
