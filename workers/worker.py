"""`python -m workers.worker [QUEUE ...]`: an RQ worker on the push and default queues, until SIGTERM.

It runs jobs in its own process (RQ's SimpleWorker) instead of forking per job: a push is a few
milliseconds of work, and a fork per job would cost more than the push and cap one worker far below
200 pushes a second. Isolation comes from running several workers (see docs/workers.md); RQ's job
timeout still applies (SIGALRM), and a send has its own 10 s HTTP timeout.
"""

from __future__ import annotations

import argparse
import logging
import os

from rq import Queue, SimpleWorker

from . import queues
from .jobs import get_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workers.worker", description=__doc__.splitlines()[0])
    parser.add_argument("queues", nargs="*", default=list(queues.ALL), help="queues to listen to, in order")
    parser.add_argument("--burst", action="store_true", help="quit when the queues are empty")
    parser.add_argument("--name", help="worker name (default: RQ's random one)")
    args = parser.parse_args(argv)

    app = get_app()  # build it once, before the first job, and fail early on a bad configuration
    url = os.environ.get("REDIS_URL") or app.config["REDIS_URL"]
    connection = queues.connect(url)
    worker = SimpleWorker([Queue(name, connection=connection) for name in args.queues], connection=connection,
                          name=args.name)
    worker.work(burst=args.burst, logging_level=os.environ.get("LOG_LEVEL", "INFO"),
                with_scheduler=False)
    logging.getLogger("workers.worker").info("worker stopped")


if __name__ == "__main__":
    main()
