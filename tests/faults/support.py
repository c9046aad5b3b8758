"""Real parts for the fault tests: a Redis we can stop and start on the same port, the app under gunicorn,
and a signed-in member of staff talking HTTP to it with the session's CSRF token.

The private redis-server, the decrypting push endpoint and the worker processes come from tests/workers.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import redis
import requests
from werkzeug.security import generate_password_hash

from jewelpwa.clock import store_today
from jewelpwa.demo.seed import seed_demo_store
from jewelpwa.extensions import db
from jewelpwa.models import User
from jewelpwa.services.book.clients import create_client
from jewelpwa.services.push import devices as push
from tests.workers.support import PYTHON, ROOT, free_port, redis_binary, wait_for

GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PASSWORD = "correct horse battery"


class RestartableRedis:
    """A private redis-server on a fixed port that can be stopped (SIGTERM) and started again on that port.

    No persistence, like a cache node restarted without its dump: it comes back empty, and the database
    has to be the truth. `freeze()` is SIGSTOP: the kernel still accepts connections, nothing answers.
    """

    def __init__(self, workdir: Path, port: int | None = None, start: bool = True) -> None:
        self.binary = redis_binary()
        if self.binary is None:
            raise FileNotFoundError("no redis-server binary")
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)
        self.proc: subprocess.Popen | None = None
        if start:
            self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(self._ping, 10, what="redis-server to answer")

    def _ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; waits until the port is closed."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def freeze(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)


class WebServer:
    """`gunicorn wsgi:app` as docs/deploy.md runs it, on a free port, its output in a log file.

    --preload builds the app once before forking (on a busy 2-core machine, four workers importing it each
    took 10 s). It is the stricter setting: anything the app opened before the fork would be shared by
    every worker process, and would show up here.
    """

    def __init__(self, env: dict[str, str], log_path: Path, workers: int, threads: int, wait: bool = True) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        log = open(log_path, "wb")  # noqa: SIM115 - the server writes to it until stop()
        self.proc = subprocess.Popen(
            [GUNICORN, "wsgi:app", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", str(threads), "--preload"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if wait:
            self.wait()

    def wait(self) -> WebServer:
        """Until every worker process answers (a busy 2-core machine takes seconds to import the app 4 times)."""
        wait_for(self._up, 60, interval=0.2, what="gunicorn to answer /healthz")
        return self

    def _up(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()}")
        try:
            return requests.get(self.url + "/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """SIGQUIT, gunicorn's quick shutdown: the test has its answers, nothing is left to finish."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(1)
            except subprocess.TimeoutExpired:  # its workers linger on their threads' exit; nothing is in flight
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


class Staff:
    """One browser of one member of staff: signs in through the form, then posts with the session's CSRF token."""

    def __init__(self, base_url: str, email: str, timeout: float = 60) -> None:
        self.base = base_url
        self.email = email
        self.timeout = timeout
        self.http = requests.Session()
        self.token: str | None = None
        self.resent = 0  # requests sent again after gunicorn closed a kept-alive connection unread

    def csrf(self, path: str) -> str:
        page = self.get(path).text
        match = re.search(r'name="csrf-token" content="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, password: str = PASSWORD) -> requests.Response:
        token = self.csrf("/login")
        answer = self.post("/login", {"email": self.email, "password": password}, token=token)
        if answer.status_code == 303:
            self.token = self.csrf("/me/devices")  # the signed-in session's token serves every form of the shift
        return answer

    def get(self, path: str) -> requests.Response:
        return self._send("GET", path)

    def post(self, path: str, data: dict, token: str | None = None) -> requests.Response:
        return self._send("POST", path, data={**data, "csrf_token": token or self.token})

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send as a browser does: when the server closes a reused keep-alive connection without a byte of
        answer, send once more on a new one. gunicorn's threaded worker closes a kept-alive connection whose
        keep-alive time ran out while every thread was busy, even with the next request already waiting in it
        unread (gthread's murder_keepalived); Chromium resends in that case, and so does this client. Were the
        first request ever processed, the test's exactly-once checks would see the write doubled."""
        try:
            return self.http.request(method, self.base + path, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.ConnectionError as e:
            if not _closed_unanswered(e):
                raise
            self.resent += 1
            return self.http.request(method, self.base + path, timeout=self.timeout, allow_redirects=False, **kwargs)


def _closed_unanswered(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (http.client.RemoteDisconnected, ConnectionResetError)):
            return True
        seen = seen.__cause__ or seen.__context__ or (seen.args[-1] if seen.args and isinstance(
            seen.args[-1], BaseException) else None)
    return False


def timed(call, *args, **kwargs) -> tuple[object, float]:
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return result, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- a store to work in -------------------------------------------------------------------------------


@dataclass
class Seeded:
    store_id: int
    today: date
    staff: list[tuple[int, str]]  # (user id, email)


def seed_store(staff: int, clients: int = 400) -> Seeded:
    """The demo store's book (clients, purchases, dates: real work for the planner) plus `staff` associates
    who sign in with PASSWORD (one scrypt hash shared, as the demo seed does)."""
    result = seed_demo_store(clients=clients, past_days=0)  # the book is the planner's work; no past needed
    password_hash = generate_password_hash(PASSWORD)
    users = [User(store_id=result.store_id, email=f"writer{n}@faults.test", name=f"Writer {n}", role="associate",
                  daily_target=10, password_hash=password_hash) for n in range(staff)]
    db.session.add_all(users)
    db.session.commit()
    today = store_today(users[0].store)
    return Seeded(result.store_id, today, [(u.id, u.email) for u in users])


def add_clients(user_id: int, n: int, tag: str) -> list[int]:
    """Clients of one associate, added through the counter's own service: a phone, an email, nothing that
    would gate an outreach."""
    user = db.session.get(User, user_id)
    today = store_today(user.store)
    return [create_client(user, f"Fault{tag}", f"Client{i}", f"+1 555 {user_id:03d} {i:04d}", f"{tag}-{i}@clients.test",
                          "", None, user_id, True, today).id for i in range(n)]


def subscribe_device(user_id: int, device) -> None:
    push.subscribe(db.session.get(User, user_id), device.subscription(), label=device.name)
