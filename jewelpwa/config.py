"""Configuration classes read from the environment; secrets live in instance/, never in git."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def instance_secret(instance_path: str, name: str, nbytes: int = 32) -> str:
    """Read a secret from instance/NAME, generating it on first use so a fresh machine needs no setup."""
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    # O_EXCL: two processes starting at once (web + worker) must agree on one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


class Config:
    """Production-safe defaults; every value can come from the environment."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    REDIS_URL: str = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    # Messages to clients (docs/messages.md): none set = the development transport, which delivers nothing.
    SMTP_URL: str | None = os.environ.get("SMTP_URL")
    SMTP_FROM: str | None = os.environ.get("SMTP_FROM")
    TWILIO_ACCOUNT_SID: str | None = os.environ.get("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN: str | None = os.environ.get("TWILIO_AUTH_TOKEN")
    TWILIO_FROM: str | None = os.environ.get("TWILIO_FROM")
    TWILIO_MESSAGING_SERVICE_SID: str | None = os.environ.get("TWILIO_MESSAGING_SERVICE_SID")
    TWILIO_API_BASE: str | None = os.environ.get("TWILIO_API_BASE")
    # Replies by email (docs/messages.md): the domain Mailgun receives for (its route forwards reply+...@ to
    # /messages/inbound/email) and the domain's HTTP webhook signing key. Unset: no Reply-To, webhooks 404.
    INBOUND_EMAIL_DOMAIN: str | None = os.environ.get("INBOUND_EMAIL_DOMAIN")
    MAILGUN_SIGNING_KEY: str | None = os.environ.get("MAILGUN_SIGNING_KEY")

    SESSION_COOKIE_SECURE = os.environ.get("JEWELPWA_INSECURE_COOKIES") != "1"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "__Host-jewelpwa" if SESSION_COOKIE_SECURE else "jewelpwa"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12  # one shift plus a margin
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long shift never loses a form
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    # Request size (web/inputs.py): a body of at most 1 MB (the CSV upload: 26 MB), one form field of at most
    # 256 KB, at most 1,000 fields; more is a 413 before anything is parsed.
    MAX_CONTENT_LENGTH = 1024 * 1024
    UPLOAD_MAX_CONTENT_LENGTH = 26 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024
    MAX_FORM_PARTS = 1000
    # Reverse proxies in front of the app that append to X-Forwarded-For (0: none; the headers are then ignored).
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0") or 0)
    # Login throttle: per account and per address (the "11th wrong password in a minute").
    LOGIN_LIMIT = os.environ.get("LOGIN_LIMIT", "10 per minute")
    RATELIMIT_STORAGE_URI: str | None = None  # derived from REDIS_URL in create_app
    RATELIMIT_HEADERS_ENABLED = False
    # werkzeug's method string for new password hashes (checking reads the method from the stored hash).
    PASSWORD_HASH_METHOD = "scrypt"

    # Server-Timing header (app time, SQL count and time, kept page) on every response: web/timing.py.
    SERVER_TIMING = os.environ.get("JEWELPWA_SERVER_TIMING") == "1"

    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:owner@jewelpwa.invalid")
    # The push services the server may call (services/outbound.py): comma-separated names, `*.` for a domain's
    # names; unset means the browsers' own services (FCM, Mozilla, Apple, Windows).
    PUSH_SERVICE_HOSTS: str | None = os.environ.get("JEWELPWA_PUSH_HOSTS") or None
    # Tests only: lets outbound calls reach the tests' local plain-http endpoint. Never read from the environment
    # in production; the test fixtures set it (and worker processes under test run as "development").
    OUTBOUND_TEST_LOCAL = False
    TESTING = False


class DevConfig(Config):
    """`make run` on a laptop: plain http on localhost, so cookies cannot be Secure."""

    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "jewelpwa"
    REMEMBER_COOKIE_SECURE = False
    OUTBOUND_TEST_LOCAL = os.environ.get("JEWELPWA_OUTBOUND_TEST_LOCAL") == "1"


class TestConfig(Config):
    """Tests: real SQLite/PostgreSQL and Redis, chosen through environment variables."""

    TESTING = True
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "jewelpwa"
    REMEMBER_COOKIE_SECURE = False
    SECRET_KEY = "test-secret-key-not-for-production"
    REDIS_URL = os.environ.get("TEST_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    # One PBKDF2 round: a test signs in or makes a user in well under a millisecond instead of 0.1-0.3 s of
    # scrypt. Only here; tests/integration/accounts/test_password_hashing.py holds production to scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"


CONFIGS = {"production": Config, "development": DevConfig, "testing": TestConfig}
