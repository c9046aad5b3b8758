"""Bench-only WSGI entry: the real app built from the environment, plus a bare GET /bench/hello.

The bare route goes through the same Flask app (before/after-request hooks, security headers) but touches
no session and no database, so its throughput is the ceiling the app's own routes are compared with.
It exists only here: the production entry point is wsgi.py.

    DATABASE_URL=sqlite:////tmp/x.db SECRET_KEY=... gunicorn --chdir bench bench_wsgi:app
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from jewelpwa import create_app  # noqa: E402


def build():
    overrides = {"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "SECRET_KEY": os.environ["SECRET_KEY"],
                 # Only failed sign-ins are counted; the bench signs in once, so process memory is enough.
                 "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_RATELIMIT_STORAGE_URI", "memory://")}
    # "development": plain-http cookies (wrk and the bench talk to 127.0.0.1 without TLS), no debug.
    app = create_app(os.environ.get("JEWELPWA_ENV", "development"), overrides)

    @app.get("/bench/hello")
    def bench_hello() -> str:
        return "hello"

    return app


app = build()
