"""Emails per second sent by ONE worker process to a local SMTP server (goal: at least 50/s).

Everything is real: a private redis-server, a migrated SQLite file, `python -m jewelpwa.tasks.worker`, the SMTP
transport (smtplib, AUTH, one kept connection) and the test suite's aiosmtpd server parsing every message. Each
message is a marketing email with its unsubscribe link and List-Unsubscribe headers. The clock runs from the first
received email to the last, so worker start-up is not counted.

    .venv/bin/python bench/email_rate.py [--emails 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from jewelpwa import create_app  # noqa: E402
from jewelpwa.clock import utcnow  # noqa: E402
from jewelpwa.extensions import db  # noqa: E402
from jewelpwa.models import Client, Message  # noqa: E402
from jewelpwa.services.accounts.users import create_user  # noqa: E402
from jewelpwa.tasks import queues  # noqa: E402
from tests.endpoints import SmtpServer  # noqa: E402
from tests.workers.support import PrivateRedis, Processes, wait_for  # noqa: E402


class _Clocked(SmtpServer):
    """The test server, noting when each email arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []
        handle = self.inbox.handle_DATA

        async def timed(server, session, envelope):  # noqa: ANN001 - aiosmtpd's hook
            answer = await handle(server, session, envelope)
            self.times.append(time.monotonic())
            return answer

        self.inbox.handle_DATA = timed  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jewelpwa-bench-") as tmp:
        tmp = Path(tmp)
        redis = PrivateRedis(tmp)
        smtp = _Clocked()
        url = f"sqlite:///{tmp / 'bench.db'}"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis.url})
        procs = Processes({**{k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "JEWELPWA_"))},
                           "JEWELPWA_ENV": "development", "DATABASE_URL": url, "REDIS_URL": redis.url,
                           "JEWELPWA_INSTANCE_PATH": str(tmp / "instance"), "LOG_LEVEL": "WARNING",
                           "SMTP_URL": smtp.url, "SMTP_FROM": "hello@bench.test"}, tmp)
        try:
            with app.app_context():
                upgrade()
                user = create_user("a@bench.test", "Bench Associate", "associate", "Bench Store", "x" * 12)
                store = user.store
                store.postal_address = "1 Bench Street, Springfield"
                clients = [Client(store_id=store.id, first_name=f"Client{n}", last_name="Bench",
                                  email=f"c{n}@example.com", first_seen_on=utcnow().date(), frequency="normal")
                           for n in range(args.emails)]
                db.session.add_all(clients)
                db.session.flush()
                now = utcnow()
                rows = [Message(store_id=store.id, client_id=c.id, user_id=user.id, channel="email",
                                kind="marketing", to_address=c.email, subject="New arrivals",
                                body=f"Hi {c.first_name}, the spring pieces are in.", status="queued", attempts=0,
                                next_try_at=now, created_at=now, base_url="https://store.example.com/")
                        for c in clients]
                db.session.add_all(rows)
                db.session.commit()
                queues.enqueue_deliveries(redis.client, [(m.id, 0) for m in rows], queues.DELIVER_MESSAGES,
                                          "message")
                db.session.remove()
            print(f"{args.emails} emails queued; starting one worker")
            procs.worker("push")
            wait_for(lambda: len(smtp.times) >= args.emails, timeout=max(120, args.emails / 5), interval=0.2,
                     what="all emails")
            span = smtp.times[-1] - smtp.times[0]
            rate = (len(smtp.times) - 1) / span
            last = smtp.messages[-1]
            assert last["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", "headers missing"
            print(f"one worker: {len(smtp.times)} emails in {span:.2f} s = {rate:.0f} emails/s (goal >= 50/s); "
                  f"load average {os.getloadavg()[0]:.1f}")
        finally:
            procs.stop_all()
            smtp.stop()
            redis.stop()


if __name__ == "__main__":
    main()
