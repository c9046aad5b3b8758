"""Integration fixtures: the app on a migrated database (SQLite and PostgreSQL), a client, `auth`, factories."""

from __future__ import annotations

import itertools
import re
import uuid

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from jewelpwa import create_app
from jewelpwa.database import read_only
from jewelpwa.extensions import db
from jewelpwa.services.accounts.users import create_user
from tests.clock import Clock

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request, tmp_path_factory):
    """Every integration test runs on both databases; the schema comes from the Alembic migrations."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'jewelpwa.db'}"
    return request.getfixturevalue("pg_database")


@pytest.fixture(scope="session")
def migrated(database_url, redis_url, tmp_path_factory):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url})
    with app.app_context():
        upgrade()
    return database_url


@pytest.fixture(autouse=True)
def app(migrated, redis_url, tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": migrated, "REDIS_URL": redis_url})
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = IsolatedClient
    # The test body runs alone, so its own reads and writes need no writer lock (requests still take it).
    with app.app_context(), read_only():
        yield app
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    conn.execute(text(f"DELETE FROM {name}"))


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
