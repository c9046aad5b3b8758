"""Periodic work, declared as data in one place (redash's periodic_job_definitions).

The scheduler only enqueues these on time; each job then asks the database what is due. That is
what makes catch-up and double schedulers safe: "plan the store" means "plan every day after
store.last_planned_on", and every push is an outbox row unique on (key, device).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import queues


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str  # dotted path: the scheduler enqueues by name and never builds the app
    every: float  # seconds
    queue: str = queues.DEFAULT
    timeout: int = 600


PERIODIC_JOBS: tuple[Periodic, ...] = (
    # The safety net for every push: new rows whose job was lost, retries that are due, dead senders.
    Periodic("sweep_outbox", "jewelpwa.tasks.jobs.sweep_outbox", every=30, queue=queues.PUSH, timeout=120),
    Periodic("plan_due_stores", "jewelpwa.tasks.jobs.plan_due_stores", every=60),
    # Digest and high-priority "due today" pushes, once the store's day is planned.
    Periodic("morning_digests", "jewelpwa.tasks.jobs.morning_digests", every=60),
    Periodic("appointment_reminders", "jewelpwa.tasks.jobs.appointment_reminders", every=60, queue=queues.PUSH),
    # Thank-yous, appointment reminders and greetings due today in each store's time zone (docs/messages.md).
    Periodic("automatic_messages", "jewelpwa.tasks.jobs.automatic_messages", every=300),
    Periodic("evening_nudges", "jewelpwa.tasks.jobs.evening_nudges", every=300),
)
