"""Is this store ready to serve? The database answers and its schema is at the migrations' head, Redis answers,
and a worker and the scheduler have beaten recently. Read by /readyz: each check names what failed, in a few
words an operator can act on (no URL, no password, no traceback)."""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..tasks import heartbeats

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")
OK = "ok"


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # check -> "ok" or what is wrong

    @property
    def ok(self) -> bool:
        return all(value == OK for value in self.checks.values())

    @property
    def failed(self) -> list[str]:
        return [name for name, value in self.checks.items() if value != OK]


@functools.cache
def migration_heads() -> frozenset[str]:
    """The heads of the migration scripts shipped with this code (read once: they cannot change under a process)."""
    return frozenset(ScriptDirectory(MIGRATIONS).get_heads())


def database_check() -> str:
    try:
        with db.engine.connect() as conn:
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as e:
        return f"unreachable ({type(getattr(e, 'orig', None) or e).__name__})"
    if current != migration_heads():
        return f"migrations not at head (at {', '.join(sorted(current)) or 'none'}; run `jewelpwa db upgrade`)"
    return OK


def background_checks(redis_url: str, now: float) -> dict[str, str]:
    """Redis, and the last beat of the worker and of the scheduler."""
    try:
        beats = heartbeats.read_beats(redis_url)
    except RedisError as e:
        unknown = "unknown: Redis does not answer"
        return {"redis": f"unreachable ({type(e).__name__})", heartbeats.WORKER: unknown, heartbeats.SCHEDULER: unknown}
    checks = {"redis": OK}
    for kind, last in beats.items():
        if heartbeats.is_fresh(last, now):
            checks[kind] = OK
        elif last is None:
            checks[kind] = "no heartbeat ever recorded: is it running?"
        else:
            checks[kind] = f"no heartbeat for {now - last:.0f} s"
    return checks


def readiness(redis_url: str) -> Readiness:
    return Readiness({"database": database_check(), **background_checks(redis_url, time.time())})
