"""Login throttling kept in Redis: per account and per address, counting failed attempts only.

If Redis is down, limits fall back to each process's memory (documented in docs/deploy.md): sign-in
keeps working and is still throttled, just per process instead of store-wide.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# The prefix separates deployments (and concurrent test runs) sharing one Redis.
limiter = Limiter(get_remote_address, in_memory_fallback_enabled=True, swallow_errors=True,
                  key_prefix=os.environ.get("JEWELPWA_RATELIMIT_PREFIX", "jewelpwa"))


def account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def address_key() -> str:
    return "address:" + (get_remote_address() or "unknown")


def failed_login(response: Response) -> bool:
    """Only failed sign-ins count, so a busy store sharing one address is not locked out by success."""
    return response.status_code == 401


def init_limits(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # A Redis that accepts connections and never answers held every sign-in for ever; after 1 s the limiter
    # falls back to this process's memory, as it does when Redis refuses outright.
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    limiter.init_app(app)
    # Only sign-in is limited, by its decorators, which check their limits themselves when the view runs. The
    # limiter's before_request hook checks application-wide and default limits, of which there are none, yet
    # cost every request about a tenth of a kept Today's time: it is taken out.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
