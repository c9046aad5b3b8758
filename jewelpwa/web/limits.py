"""Sign-in throttling kept in Redis: per account and per address, counting failed attempts only.

Count, then check: each attempt takes its place in both counters (one atomic INCR each) before its password is
checked, and is refused when either counter is past the limit, so however many attempts arrive at once, at
most LOGIN_LIMIT passwords are checked per account and per address in a window. (Flask-Limiter's "deduct when
failed" checked first and counted after the answer: 40 concurrent wrong passwords had 17 checked against a
limit of 10.) A successful sign-in gives its place back, so a busy store sharing one address is not locked
out by success.

The address is `request.remote_addr`: behind a proxy, wsgi.py's ProxyFix (TRUSTED_PROXY_HOPS) makes that the
client's, not the proxy's.

If Redis is down or does not answer within a second, the counters live in this process's memory for
FALLBACK_SECONDS (documented in docs/deploy.md): sign-in keeps working and is still throttled, per process.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)

FALLBACK_SECONDS = 30
# The prefix separates deployments (and concurrent test runs) sharing one Redis.
PREFIX = os.environ.get("JEWELPWA_RATELIMIT_PREFIX", "jewelpwa")


def account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()[:320]


def address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


class SignInLimit:
    """The two sign-in counters of one app, in its Redis, with a per-process fallback."""

    def __init__(self, uri: str, options: dict, limit: str, prefix: str = PREFIX) -> None:
        self.item: RateLimitItem = parse(limit)
        self.prefix = prefix
        self._uri, self._options = uri, options
        self._primary: FixedWindowRateLimiter | None = None
        self._fallback = FixedWindowRateLimiter(MemoryStorage())
        self._dead_until = 0.0
        self._lock = threading.Lock()

    def _redis(self) -> FixedWindowRateLimiter:
        with self._lock:
            if self._primary is None:
                storage = storage_from_string(self._uri, **self._options)
                assert isinstance(storage, Storage)  # a synchronous storage: the app is not async
                self._primary = FixedWindowRateLimiter(storage)
            return self._primary

    def _hit(self, key: str, cost: int) -> bool:
        if time.monotonic() >= self._dead_until:
            try:
                return self._redis().hit(self.item, self.prefix, "login", key, cost=cost)
            except Exception:  # noqa: BLE001 - any storage failure: count in memory for a while
                log.warning("sign-in limit: Redis unreachable, counting in this process for %ss", FALLBACK_SECONDS)
                self._dead_until = time.monotonic() + FALLBACK_SECONDS
        return self._fallback.hit(self.item, self.prefix, "login", key, cost=cost)

    def take(self, keys: tuple[str, ...]) -> bool:
        """Count one attempt on every key; False when any of them is past the limit (then check no password)."""
        over = [key for key in keys if not self._hit(key, 1)]  # every counter counts, even after a refusal
        for key in over:
            log.warning("sign-in refused: too many attempts (%s)", key)
        return not over

    def give_back(self, keys: tuple[str, ...]) -> None:
        """A successful sign-in does not count against the account or the address."""
        for key in keys:
            self._hit(key, -1)


def sign_in_limit() -> SignInLimit:
    return current_app.extensions["jewelpwa_sign_in_limit"]


def init_limits(app: Flask) -> None:
    # A Redis that accepts connections and never answers held every sign-in for ever; after 1 s the counters
    # fall back to this process's memory, as they do when Redis refuses outright.
    options = app.config.get("RATELIMIT_STORAGE_OPTIONS") or {"socket_connect_timeout": 1, "socket_timeout": 1}
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if uri.startswith("memory://"):
        options = {}
    app.extensions["jewelpwa_sign_in_limit"] = SignInLimit(uri, options, app.config["LOGIN_LIMIT"])
