"""Pushes queued by a web request: on the push queue at once, or left to the sweeper while Redis is away."""

from __future__ import annotations

from flask import current_app
from redis.exceptions import RedisError

from . import queues


def deliver_soon(notification_ids: list[int]) -> int:
    """Enqueue delivery of fresh outbox rows; returns how many were enqueued (0 when the queue is down).

    The rows are already saved, so a Redis outage only delays them: the sweeper re-enqueues every row that is
    due on its next pass once Redis is back.
    """
    if not notification_ids:
        return 0
    try:
        return queues.enqueue_deliveries(queues.connect(current_app.config["REDIS_URL"]),
                                         [(i, 0) for i in notification_ids])
    except RedisError:
        current_app.logger.warning("push queue unavailable; %d pushes left to the sweeper", len(notification_ids))
        return 0
