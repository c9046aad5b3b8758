"""Heartbeats of the background processes: each worker and each scheduler says "I am alive" in Redis.

One key per kind of process holds the time of the last beat of any process of that kind (a later beat
overwrites an earlier one). The key has no TTL on purpose: when every worker has died, its last beat is what
tells the owner *when* background work stopped ("Background work stopped at 09:12"). Staleness is the beat's
age, read by /readyz and the morning huddle.

Why Redis and not a table: the scheduler touches no database by design, a worker without Redis can run no job
(so a beat that Redis took is proof the process can work), and a beat every few seconds from each process
would be a steady trickle of writes through SQLite's one writer lock for no user's benefit.

The worker beats from a thread, so a long job (planning a big store) does not look like a dead worker; a hung
job is RQ's job timeout's business. The scheduler beats from its own loop.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from redis import Redis
from redis.exceptions import RedisError

WORKER, SCHEDULER = "worker", "scheduler"
KINDS = (WORKER, SCHEDULER)
KEY = "jewelpwa:heartbeat:{}"
PROBE_TIMEOUT_S = 1.0

log = logging.getLogger("jewelpwa.tasks.heartbeats")


def interval() -> float:
    """Seconds between two beats of one process."""
    return float(os.environ.get("HEARTBEAT_SECONDS", "15"))


def stale_after() -> float:
    """A beat older than this means the process is gone: several missed beats, well within "a few minutes"."""
    return float(os.environ.get("HEARTBEAT_STALE_SECONDS", "120"))


def beat(connection: Redis, kind: str, now: float | None = None) -> None:
    connection.set(KEY.format(kind), repr(time.time() if now is None else now))


def last_beats(connection: Redis) -> dict[str, float | None]:
    """The unix time of each kind's last beat, None where none was ever recorded (or Redis was emptied)."""
    values: list[bytes | None] = connection.mget([KEY.format(kind) for kind in KINDS])  # type: ignore[assignment]
    return {kind: float(value) if value is not None else None for kind, value in zip(KINDS, values, strict=True)}


def read_beats(redis_url: str) -> dict[str, float | None]:
    """last_beats() on a connection of its own with short timeouts: a page or a probe that asks must answer
    quickly even when Redis hangs. Raises RedisError when Redis does not answer."""
    connection = Redis.from_url(redis_url, socket_connect_timeout=PROBE_TIMEOUT_S, socket_timeout=PROBE_TIMEOUT_S)
    try:
        return last_beats(connection)
    finally:
        connection.close()


def is_fresh(last: float | None, now: float) -> bool:
    return last is not None and now - last <= stale_after()


class Beater(threading.Thread):
    """Beats for `kind` every interval() seconds until stop(); a beat Redis refuses is skipped (and logged once)."""

    def __init__(self, connection: Redis, kind: str) -> None:
        super().__init__(name=f"{kind}-heartbeat", daemon=True)
        self.connection = connection
        self.kind = kind
        self.stopping = threading.Event()

    def run(self) -> None:
        failing = False
        while not self.stopping.is_set():
            try:
                beat(self.connection, self.kind)
                failing = False
            except RedisError as e:
                if not failing:
                    log.warning("%s heartbeat: Redis unavailable: %s", self.kind, e)
                failing = True
            self.stopping.wait(interval())

    def stop(self) -> None:
        self.stopping.set()
