"""Background import of a big uploaded file (more than ~5,000 rows): the dry run or the apply of one
import run. The job takes the run's id; the file, the mapping, the progress and the report are all in the
database, so a lost Redis only loses the job, never the upload (the owner presses the button again).
"""

from __future__ import annotations

import logging
import time

from flask import current_app
from redis.exceptions import RedisError

from ..database import read_only
from ..extensions import db
from ..models import ImportRun, User
from ..services.data import import_runs
from ..services.data.import_runs import JOB_TIMEOUT_S
from . import queues
from .context import app_context

RUN_IMPORT = "jewelpwa.tasks.imports.run_import"
log = logging.getLogger(__name__)


def enqueue(redis_url: str, import_id: int, step: str, attempt: int) -> bool:
    """Put the step on the default queue under an id of its own (the same click twice is one job)."""
    return queues.enqueue_once(queues.connect(redis_url), queues.DEFAULT, RUN_IMPORT,
                               f"import-{import_id}-{step}-{attempt}", import_id, step, timeout=JOB_TIMEOUT_S)


def start_step(actor: User, import_id: int, step: str) -> ImportRun:
    """Start a dry run ("check") or an apply: a big file goes to a worker, a small one runs in this request.

    When the queue is down the request does the work itself: the database holds the file, the mapping and the
    state, so the result is the same, only slower to come.
    """
    run, background = import_runs.start(actor, import_id, step)
    if background:
        try:
            # A new job id per click (to the second): a dry run after a changed mapping is a new job.
            enqueue(current_app.config["REDIS_URL"], run.id, step, int(time.time()))
            return run
        except RedisError:
            current_app.logger.warning("import %s: Redis unavailable, running %s in the request", run.id, step)
    return import_runs.run_step(run.id, step)


def run_import(import_id: int, step: str) -> str:
    """Check or apply import run `import_id`; progress goes to the run row while the rows are checked."""
    with app_context():
        sqlite = db.engine.dialect.name == "sqlite"

        def progress(done: int, total: int) -> None:
            import_runs.record_progress(import_id, done, total)

        try:
            if step == "check" and sqlite:
                # SQLite has one writer: the dry run only reads, so it runs in a deferred transaction and the
                # progress rows (another connection) can be written meanwhile; the outcome is saved after.
                with read_only():
                    report, status = import_runs.outcome(import_id, step, progress)
                    db.session.rollback()
                run = import_runs.save_outcome(import_id, report, status)
            else:
                # An apply holds SQLite's write lock from its first read to its commit: no progress rows there.
                run = import_runs.run_step(import_id, step, None if sqlite else progress)
        except Exception as e:
            log.exception("import %s %s failed", import_id, step)
            import_runs.record_failure(import_id, f"{type(e).__name__}: {e}")
            raise
        return run.status
