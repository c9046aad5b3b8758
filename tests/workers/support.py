"""Real parts for the worker tests: a private redis-server, a push endpoint that decrypts, worker processes.

The endpoint plays a browser vendor's push service: it checks the VAPID JWT (ES256 signature with the
key in the `vapid t=…,k=…` header, audience = its own origin, expiry in the future and within 24 h, a
subject), decrypts the aes128gcm body with the device's private key and auth secret (as the phone
would), and only then answers 201 and records the delivery as accepted.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _own_ports() -> list[int]:
    """Ports this process may hand out: a slice of 1,000 below the kernel's ephemeral range, one per xdist worker.

    bind(0) hands out ports from the ephemeral range, where other workers' free_port(), every outgoing
    connection and other test runs on the machine take theirs too; between our check and the server's own bind
    one of them could take the port. Below that range and in a slice of its own, no other worker of this run
    looks. A random start within the slice keeps two runs at once apart. Where the ephemeral range starts too
    low to leave room (not Debian's 32768), the kernel picks as before.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    index = int(worker) if worker.isdigit() else 0
    try:
        ephemeral_start = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_start = 0
    start = 20000 + (index % 12) * 1000
    if start + 1000 > ephemeral_start:
        return []
    offset = random.randrange(1000)
    return [start + (offset + i) % 1000 for i in range(1000)]


_ports: list[int] | None = None


def free_port() -> int:
    """A port nothing listens on, never handed out twice in this process (a stopped server keeps its port)."""
    global _ports
    if _ports is None:
        _ports = _own_ports()
    while _ports:
        port = _ports.pop(0)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


# --- a private Redis ----------------------------------------------------------------------------------


def redis_binary() -> str | None:
    for candidate in ("/usr/bin/redis-server", str(ROOT / ".venv" / "bin" / "redis-server"), shutil.which("redis-server")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class PrivateRedis:
    """Our own redis-server on a free port: FLUSHALL here cannot hurt anyone else's test run."""

    def __init__(self, workdir: Path) -> None:
        binary = redis_binary()
        if binary is None:
            raise FileNotFoundError("no redis-server binary")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir), "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        import redis

        self.client = redis.Redis.from_url(self.url)
        wait_for(self._ping, 10, what="redis-server to answer")

    def _ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:  # noqa: BLE001 - still starting
            return False

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --- the push endpoint --------------------------------------------------------------------------------

# The endpoint below is plain http on 127.0.0.1, which the outbound guard refuses (services/outbound.py): these
# let it through, for the apps and worker processes that talk to it, and nowhere else.
LOCAL_PUSH_CONFIG = {"PUSH_SERVICE_HOSTS": "127.0.0.1", "OUTBOUND_TEST_LOCAL": True}
LOCAL_PUSH_ENV = {"JEWELPWA_PUSH_HOSTS": "127.0.0.1", "JEWELPWA_OUTBOUND_TEST_LOCAL": "1"}


@dataclass
class Received:
    device: str
    payload: dict
    headers: dict
    claims: dict
    vapid_key: str
    at: float


@dataclass
class Device:
    """A subscribed browser: its own P-256 key pair and auth secret, as PushManager.subscribe makes them."""

    name: str
    base_url: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))
    # What to answer the next requests: 201 (default), "hang", or (status, headers).
    script: deque = field(default_factory=deque)
    attempts: list[tuple[float, object]] = field(default_factory=list)
    accepted: list[Received] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/push/{self.name}"

    def subscription(self) -> dict:
        public = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                            serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64e(public), "auth": b64e(self.auth)}}

    def accepted_tags(self) -> list[str]:
        return [r.payload["tag"] for r in self.accepted]


def verify_vapid(authorization: str, origin: str) -> tuple[dict, str]:
    """Check an RFC 8292 `vapid t=JWT, k=KEY` header; returns the claims and the public key."""
    match = re.fullmatch(r"vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)", authorization.strip())
    if not match:
        raise ValueError(f"not a vapid Authorization header: {authorization[:40]!r}")
    token, key = match.groups()
    head, body, sig = token.split(".")
    if json.loads(b64d(head)).get("alg") != "ES256":
        raise ValueError("JWT alg is not ES256")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(key))
    raw = b64d(sig)
    if len(raw) != 64:
        raise ValueError("ES256 signature is not 64 bytes")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as e:
        raise ValueError("VAPID signature does not verify") from e
    claims = json.loads(b64d(body))
    now = time.time()
    if claims.get("aud") != origin:
        raise ValueError(f"aud {claims.get('aud')!r} is not {origin!r}")
    if not (now < int(claims.get("exp", 0)) <= now + 24 * 3600):
        raise ValueError(f"exp {claims.get('exp')} not within the next 24 h")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError(f"sub {claims.get('sub')!r} is not a mailto: or https: URL")
    return claims, key


class PushEndpoint:
    """A push service on 127.0.0.1 in a thread; `devices` by name, `errors` for anything that failed a check."""

    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.errors: list[str] = []
        self.release = threading.Event()  # lets "hang" requests go
        self.lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                endpoint.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def device(self, name: str) -> Device:
        self.devices[name] = Device(name, self.origin)
        return self.devices[name]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        name = request.path.rsplit("/", 1)[-1]
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        device = self.devices.get(name)
        if device is None:
            return self._answer(request, 404)
        with self.lock:
            step = device.script.popleft() if device.script else 201
            device.attempts.append((time.time(), step))
        if step == "hang":
            # Hold the request open without answering; whatever happens next, it was never accepted.
            self.release.wait(30)
            request.close_connection = True
            return
        try:
            received = self.check(device, request, body)
        except Exception as e:  # noqa: BLE001 - every failed check is a test failure, reported via errors
            self.errors.append(f"{name}: {type(e).__name__}: {e}")
            return self._answer(request, 400)
        if step == 201:
            with self.lock:
                device.accepted.append(received)
            return self._answer(request, 201, {"Location": f"{self.origin}/msg/{len(device.accepted)}"})
        status, headers = step
        return self._answer(request, status, headers)

    def check(self, device: Device, request: BaseHTTPRequestHandler, body: bytes) -> Received:
        headers = {k.lower(): v for k, v in request.headers.items()}  # header names are case-insensitive
        claims, key = verify_vapid(headers.get("authorization", ""), self.origin)
        if headers.get("content-encoding") != "aes128gcm":
            raise ValueError(f"Content-Encoding {headers.get('content-encoding')!r}")
        if not int(headers.get("ttl", "0")) > 0:
            raise ValueError("TTL missing or 0")
        if headers.get("urgency") not in ("very-low", "low", "normal", "high"):
            raise ValueError(f"Urgency {headers.get('urgency')!r}")
        topic = headers.get("topic", "")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", topic):
            raise ValueError(f"Topic {topic!r} is not 1-32 URL-safe characters")
        plain = http_ece.decrypt(body, private_key=device.private_key, auth_secret=device.auth, version="aes128gcm")
        payload = json.loads(plain)
        return Received(device.name, payload, headers, claims, key, time.time())

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int, headers: dict | None = None) -> None:
        request.send_response(status)
        for k, v in (headers or {}).items():
            request.send_header(k, str(v))
        request.send_header("Content-Length", "0")
        request.end_headers()


# --- worker and scheduler processes -------------------------------------------------------------------


class Processes:
    """Starts `python -m jewelpwa.tasks.worker` / `jewelpwa.tasks.scheduler` with the test's database, Redis and instance/."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env = env
        self.logdir = logdir
        self.running: list[subprocess.Popen] = []

    def start(self, module: str, *args: str, name: str | None = None) -> subprocess.Popen:
        log = open(self.logdir / f"{name or module.rsplit('.', 1)[-1]}-{len(self.running)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([PYTHON, "-m", module, *args], cwd=ROOT, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        proc.log_path = log.name
        self.running.append(proc)
        return proc

    def worker(self, *args: str) -> subprocess.Popen:
        return self.start("jewelpwa.tasks.worker", *args)

    def scheduler(self, *args: str) -> subprocess.Popen:
        return self.start("jewelpwa.tasks.scheduler", *args)

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        """SIGKILL: no warm shutdown, no cleanup, exactly what a crashed host looks like."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.running:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.running:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def logs(self) -> str:
        out = []
        for proc in self.running:
            out.append(f"--- {' '.join(proc.args[2:])} (pid {proc.pid}, rc {proc.poll()})\n")
            out.append(Path(proc.log_path).read_text(errors="replace")[-int(os.environ.get("JEWELPWA_LOG_CHARS", "4000")):])
        return "".join(out)
