"""Integration fixtures: the app on a migrated database (SQLite and PostgreSQL), a client, `auth`, factories."""

from __future__ import annotations

import itertools
import re
import uuid
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from jewelpwa import create_app
from jewelpwa.database import read_only
from jewelpwa.extensions import db
from jewelpwa.services.accounts.users import create_user
from tests.clock import Clock
from tests.conftest import PG_URL

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
DATABASES = ("sqlite", "postgres")


def pytest_generate_tests(metafunc):
    """Every integration test runs on both databases, except those marked `one_database` (they check what a
    page or a header says, not how SQL behaves): SQLite only, the one `make test-on` runs."""
    if "database_url" in metafunc.fixturenames:
        kinds = ["sqlite"] if metafunc.definition.get_closest_marker("one_database") else list(DATABASES)
        metafunc.parametrize("database_url", kinds, indirect=True, scope="session")


class Apps:
    """One migrated app per database, built on first use and kept for the whole session (per xdist worker):
    create_app and the Alembic upgrade run twice per session instead of once per test."""

    def __init__(self, tmp_path_factory, redis_url: str) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.redis_url = redis_url
        self.apps: dict[str, Flask] = {}
        self.migrated: set[str] = set()
        self._sqlite_url: str | None = None

    def sqlite_url(self) -> str:
        """One SQLite file for the session; pytest may end and start `database_url` again between its params."""
        if self._sqlite_url is None:
            self._sqlite_url = f"sqlite:///{self.tmp_path_factory.mktemp('db') / 'jewelpwa.db'}"
        return self._sqlite_url

    def create(self, url: str) -> Flask:
        """A new app on this database (migrated the first time one is made on it)."""
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": self.redis_url})
        app.test_client_class = IsolatedClient
        with app.app_context():
            if url not in self.migrated:
                upgrade()
                self.migrated.add(url)
            app.extensions["jewelpwa_tests_empty"] = emptier(db.engine)
        return app

    def get(self, url: str) -> Flask:
        """The session's app on this database."""
        if url not in self.apps:
            self.apps[url] = self.create(url)
        return self.apps[url]


def emptier(engine):
    """Empty every table between tests, as TRUNCATE ... RESTART IDENTITY did: no rows, ids from 1 again, and on
    PostgreSQL a heap with no pages, so rows come back from a scan in the order they were inserted.

    SQLite: a DELETE per table, children first (a rowid table with no rows numbers from 1 again, and a scan
    reads it in rowid order, which is insertion order). PostgreSQL: the same DELETEs, every sequence set back to 1, then VACUUM of
    the tables that had pages, which cuts them back to none. TRUNCATE of the 31 tables took 0.62-0.77 s a test on
    this busy 2-core machine, this 25-40 ms. Without the VACUUM, inserts refill the slots of the deleted rows
    and a query without ORDER BY returns rows out of insertion order: the campaign summary's tie order in
    test_campaigns failed that way.
    """
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    statements = [text(f"DELETE FROM {name}") for name in tables]
    if engine.dialect.name != "postgresql":
        def empty() -> None:
            with engine.begin() as conn:
                for statement in statements:
                    conn.execute(statement)

        return empty

    with engine.connect() as conn:
        sequences = conn.execute(text(
            "SELECT quote_ident(s.relname) FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace "
            "WHERE s.relkind = 'S' AND n.nspname = current_schema()")).scalars().all()
    if sequences:
        statements.append(text("SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in sequences)))
    with_pages = text(
        "SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname = ANY(:tables) "
        "AND pg_relation_size(c.oid) > 0").bindparams(tables=tables)

    def empty() -> None:
        with engine.begin() as conn:
            touched = conn.execute(with_pages).scalars().all()
            for statement in statements:
                conn.execute(statement)
        if touched:
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM " + ", ".join(touched)))

    return empty


@pytest.fixture(scope="session")
def apps(tmp_path_factory, redis_url) -> Apps:
    return Apps(tmp_path_factory, redis_url)


@pytest.fixture(scope="session")
def database_url(request, apps):
    """The database of this parametrization (see pytest_generate_tests); its schema comes from the Alembic
    migrations. Apps keeps both, so switching back and forth between the two costs nothing."""
    return apps.sqlite_url() if request.param == "sqlite" else request.getfixturevalue("pg_database")


@pytest.fixture(autouse=True)
def app(request, apps, database_url, tmp_path):
    """The session's app on this test's database, in a fresh app context, with an instance/ of its own (VAPID
    keys, demo logins). Whatever the test changed in app.config is put back and every table emptied after it.
    A test marked `fresh_app` (it adds routes or hooks) gets an app of its own on the same database."""
    fresh = request.node.get_closest_marker("fresh_app") is not None
    app = apps.create(database_url) if fresh else apps.get(database_url)
    config, instance_path = dict(app.config), app.instance_path
    app.instance_path = str(tmp_path / "instance")
    try:
        # The test body runs alone, so its own reads and writes need no writer lock (requests still take it).
        with app.app_context(), read_only():
            yield app
            db.session.remove()
            app.extensions["jewelpwa_tests_empty"]()
            if fresh:
                db.engine.dispose()
    finally:
        app.instance_path = instance_path
        app.config.clear()
        app.config.update(config)


class IsolatedClient(FlaskClient):
    """Each request in its own app context, as in production; otherwise Flask reuses the test's context and
    its `g` (where Flask-Login caches the user) leaks from one simulated device to the next."""

    def open(self, *args, **kwargs):
        # End the test body's own transaction first: it must not hold SQLite's write lock, and afterwards
        # it must read what the request wrote, not an old snapshot.
        db.session.rollback()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


def new_client(app, address: str | None = None):
    """A browser of its own; a distinct address keeps the per-address login limit from leaking between tests."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address or f"10.{next(_counter) % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    return client


@pytest.fixture
def clock(app):
    """The app's clock, pinned by the test (`clock.set_day(date(2026, 6, 10))`) and unpinned after it."""
    pinned = Clock(app)
    yield pinned
    pinned.unpin()


@pytest.fixture
def client(app):
    return new_client(app)


def make_user(store: str = "Gem Store", role: str = "associate", **overrides):
    email = overrides.pop("email", f"{role}{next(_counter)}@{re.sub(r'[^a-z]', '', store.lower())}.test")
    return create_user(email, overrides.pop("name", role.title()), role, store, overrides.pop("password", PASSWORD))


class Auth:
    """flaskr's `auth` fixture: sign in through the real form, CSRF included."""

    def __init__(self, client) -> None:
        self.client = client

    def csrf(self, path: str = "/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
            r'name="csrf-token" content="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email: str, password: str = PASSWORD):
        token = self.csrf("/login")
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def post(self, path: str, data: dict | None = None, token_from: str = "/me", **kwargs):
        return self.client.post(path, data={**(data or {}), "csrf_token": self.csrf(token_from)}, **kwargs)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """An empty database of the session's kind, for a book built at an older revision."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    import psycopg

    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"jewelpwa_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlparse(admin)._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
