"""`python -m jewelpwa.tasks.worker [QUEUE ...]`: an RQ worker on the push and default queues, until SIGTERM.

It runs jobs in its own process (RQ's SimpleWorker) instead of forking per job: a push is a few
milliseconds of work, and a fork per job would cost more than the push and cap one worker far below
200 pushes a second. Isolation comes from running several workers (see docs/workers.md); RQ's job
timeout still applies (SIGALRM), and a send has its own 10 s HTTP timeout.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import time

from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.exceptions import StopRequested

from . import heartbeats, queues
from .context import get_app


class Worker(SimpleWorker):
    """RQ's SimpleWorker that remembers being asked to stop (SIGTERM/SIGINT), through RQ's public hook for it."""

    stop_requested = False

    def handle_warm_shutdown_request(self) -> None:
        self.stop_requested = True
        super().handle_warm_shutdown_request()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m jewelpwa.tasks.worker", description=__doc__.splitlines()[0])
    parser.add_argument("queues", nargs="*", default=list(queues.ALL), help="queues to listen to, in order")
    parser.add_argument("--burst", action="store_true", help="quit when the queues are empty")
    parser.add_argument("--name", help="worker name (default: RQ's random one)")
    args = parser.parse_args(argv)

    app = get_app()  # build it once, before the first job, and fail early on a bad configuration
    url = os.environ.get("REDIS_URL") or app.config["REDIS_URL"]
    connection = queues.connect(url)
    log = logging.getLogger("jewelpwa.tasks.worker")
    # /readyz and the owner's huddle read this: beats stop when the process dies or Redis is gone.
    beater = heartbeats.Beater(connection, heartbeats.WORKER)
    beater.start()
    for round_ in itertools.count():
        # A name is registered in Redis until its TTL; a restarted loop must not collide with its old self.
        name = args.name if not (args.name and round_) else f"{args.name}-{round_}"
        worker = None
        try:
            worker = Worker([Queue(q, connection=connection) for q in args.queues], connection=connection,
                                  name=name)
            worker.work(burst=args.burst, logging_level=os.environ.get("LOG_LEVEL", "INFO"), with_scheduler=False)
        except RedisError as e:  # Redis still away (RQ's start and its last words need it too)
            log.warning("worker lost Redis: %s", e)
        # SIGTERM/SIGINT (RQ's warm shutdown), or the queues ran dry
        if args.burst or (worker is not None and worker.stop_requested):
            break
        # RQ quits when Redis goes away while a job runs (its bookkeeping after the job raises). The job's
        # work is in the database; quitting would only leave the queues without this worker until someone
        # restarts it. Start again once Redis answers.
        log.warning("worker quit without being asked to; starting again in 1 s")
        try:
            time.sleep(1)
        except StopRequested:  # SIGTERM while waiting: the last worker's handler says stop
            break
    beater.stop()
    log.info("worker stopped")


if __name__ == "__main__":
    main()
