"""Has background work stopped? The owner hears it at the morning huddle: without a worker and the scheduler no
day is planned and no reminder is pushed, and nothing else on the page would say so."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.exceptions import RedisError

from ...clock import store_now
from ...models import User
from ...tasks import heartbeats
from ..access import require_manager


@dataclass(frozen=True)
class Stopped:
    since: datetime | None  # on the store's clock: the last beat of the first process to stop; None when unknown


def background_stopped(actor: User, redis_url: str) -> Stopped | None:
    """None while a worker and the scheduler beat; otherwise since when (as far as Redis remembers).

    Beats carry the processes' real time, so they are compared with the real time, not the app's clock (which a
    test or a demo may pin to another day)."""
    require_manager(actor)
    now = time.time()
    try:
        beats = heartbeats.read_beats(redis_url)
    except RedisError:
        return Stopped(None)  # no job runs without Redis; when it stopped is in Redis too
    stale = [last for last in beats.values() if not heartbeats.is_fresh(last, now)]
    if not stale:
        return None
    known = [last for last in stale if last is not None]
    if not known:
        return Stopped(None)
    return Stopped(store_now(actor.store, datetime.fromtimestamp(min(known), UTC)))
