"""`python -m jewelpwa.tasks.scheduler`: enqueue the periodic jobs of jewelpwa.tasks.schedule on time, until SIGTERM.

Several schedulers may run (one per host, or a second one by mistake): each time slot of each job
is taken with SET NX in Redis, and the job id carries the slot, so a slot is enqueued once. If Redis
forgets (FLUSHALL), a slot may be enqueued twice; the jobs are idempotent, so nothing is doubled.
The scheduler itself touches no database and keeps no state worth losing: catch-up after downtime
is the jobs' business (they compare the database with the clock).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
import time

from redis.exceptions import RedisError
from rq import Queue

from . import heartbeats, queues
from .schedule import PERIODIC_JOBS, Periodic

log = logging.getLogger("jewelpwa.tasks.scheduler")


def enqueue_due(connection, jobs: tuple[Periodic, ...], every: dict[str, float], last: dict[str, int],
                now: float) -> list[str]:
    """Enqueue each job whose current slot this process has not handled yet; returns the job ids enqueued."""
    done = []
    for job in jobs:
        slot = int(now // every[job.name])
        if last.get(job.name) == slot:
            continue
        last[job.name] = slot
        job_id = f"periodic-{job.name}-{slot}"
        # The slot lock outlives the slot a little, so a late second scheduler cannot take it again.
        if not connection.set(f"jewelpwa:slot:{job_id}", os.getpid(), nx=True, ex=max(2, int(every[job.name] * 3))):
            continue
        Queue(job.queue, connection=connection).enqueue(job.func, job_id=job_id, job_timeout=job.timeout,
                                                        result_ttl=600, failure_ttl=24 * 3600)
        done.append(job_id)
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m jewelpwa.tasks.scheduler", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only these periodic jobs (repeatable)")
    parser.add_argument("--every", type=float, help="override every interval, in seconds (tests, demos)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s scheduler[%(process)d] %(levelname)s %(message)s")

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    connection = queues.connect(url)
    jobs = tuple(j for j in PERIODIC_JOBS if not args.only or j.name in args.only)
    every = {j.name: args.every or j.every for j in jobs}
    tick = max(0.1, min(1.0, min(every.values()) / 2, heartbeats.interval()))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("scheduling %s on %s", ", ".join(f"{j.name}/{every[j.name]:g}s" for j in jobs), url)

    last: dict[str, int] = {}
    beat_every, beaten = heartbeats.interval(), 0.0
    while not stop.is_set():
        try:
            now = time.time()
            for job_id in enqueue_due(connection, jobs, every, last, now):
                log.debug("enqueued %s", job_id)
            if now - beaten >= beat_every:  # /readyz and the owner's huddle read it
                heartbeats.beat(connection, heartbeats.SCHEDULER, now)
                beaten = now
        except RedisError as e:  # Redis restarting: keep ticking, the next slot will do
            log.warning("redis unavailable: %s", e)
            last.clear()
        stop.wait(tick)
    log.info("scheduler stopped")


if __name__ == "__main__":
    main()
