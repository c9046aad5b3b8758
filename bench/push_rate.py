"""Pushes per second sent by ONE worker process to a local push endpoint (goal: at least 200/s).

Everything is real: a private redis-server, a migrated SQLite file, `python -m jewelpwa.tasks.worker`, pywebpush
encrypting (aes128gcm) and signing (VAPID ES256) each push, and the test suite's push endpoint decrypting
and verifying every request. The clock runs from the first accepted push to the last, so worker start-up
is not counted.

    .venv/bin/python bench/push_rate.py [--pushes 2000] [--devices 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from jewelpwa import create_app  # noqa: E402
from jewelpwa.extensions import db  # noqa: E402
from jewelpwa.services.accounts.users import create_user  # noqa: E402
from jewelpwa.services.push import devices, outbox  # noqa: E402
from jewelpwa.services.push.vapid import init_keys  # noqa: E402
from jewelpwa.tasks import queues  # noqa: E402
from tests.workers.support import (  # noqa: E402
    LOCAL_PUSH_CONFIG,
    LOCAL_PUSH_ENV,
    PrivateRedis,
    Processes,
    PushEndpoint,
    wait_for,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=2000)
    parser.add_argument("--devices", type=int, default=100)
    args = parser.parse_args()
    per_device = max(1, args.pushes // args.devices)
    total = per_device * args.devices

    with tempfile.TemporaryDirectory(prefix="jewelpwa-bench-") as tmp:
        tmp = Path(tmp)
        redis = PrivateRedis(tmp)
        endpoint = PushEndpoint()
        instance = tmp / "instance"
        init_keys(str(instance))
        url = f"sqlite:///{tmp / 'bench.db'}"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis.url, **LOCAL_PUSH_CONFIG})
        app.instance_path = str(instance)
        procs = Processes({**{k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "JEWELPWA_"))},
                           "JEWELPWA_ENV": "development", "DATABASE_URL": url, "REDIS_URL": redis.url,
                           "JEWELPWA_INSTANCE_PATH": str(instance), "LOG_LEVEL": "WARNING", **LOCAL_PUSH_ENV}, tmp)
        try:
            with app.app_context():
                upgrade()
                ids: list[int] = []
                users = [create_user(f"a{n}@bench.test", f"Associate {n}", "associate", "Bench Store", "x" * 12)
                         for n in range(max(1, args.devices // 5))]  # five devices each
                for n in range(args.devices):
                    devices.subscribe(users[n % len(users)], endpoint.device(f"d{n}").subscription())
                for user in users:
                    for k in range(per_device):
                        ids += outbox.queue_notification(user.id, f"bench:{k}", "Appointment at 3:30 PM",
                                                         "Consultation in 1 h 55 min.", "/today", tag=f"bench-{k}")
                queues.enqueue_deliveries(redis.client, [(i, 0) for i in ids])
                db.session.remove()
            print(f"{total} pushes queued for {args.devices} devices; starting one worker")
            procs.worker("push")
            accepted = lambda: sum(len(d.accepted) for d in endpoint.devices.values())  # noqa: E731
            wait_for(lambda: accepted() >= total, timeout=max(120, total / 20), interval=0.2, what="all pushes")
            times = sorted(r.at for d in endpoint.devices.values() for r in d.accepted)
            rate = (len(times) - 1) / (times[-1] - times[0])
            print(f"one worker: {len(times)} pushes in {times[-1] - times[0]:.2f} s = {rate:.0f} pushes/s "
                  f"(goal >= 200/s); endpoint check failures: {len(endpoint.errors)}")
        finally:
            procs.stop_all()
            endpoint.stop()
            redis.stop()


if __name__ == "__main__":
    main()
