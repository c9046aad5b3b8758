"""Server-Timing on every response, behind the SERVER_TIMING flag (off unless JEWELPWA_SERVER_TIMING=1).

For the benchmarks (bench/mixed_load.py) and for a look in the browser's network panel: how long the app took
for this request (and how much of it was this thread's CPU: on a busy machine the wall time also holds the
wait for a core), how many SQL statements it ran and how long they took, and whether a kept page answered
(web/page_cache.py). Measured around the whole WSGI app, so every hook, the session and the template are
inside it; only gunicorn's socket work is not. Off, none of this is installed and a request pays nothing.

    Server-Timing: app;dur=12.4, cpu;dur=6.1, db;dur=7.9;desc="9 sql", page;desc=kept
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from flask import Flask, request
from sqlalchemy import event

PAGE_KEY = "jewelpwa.page"  # set by web/page_cache.py: "kept" or "made"

# [statements, seconds] of the request running in this thread; None outside a timed request.
_sql: ContextVar[list | None] = ContextVar("jewelpwa_server_timing_sql", default=None)


def note_page(state: str) -> None:
    """Say whether the page came from the kept pages ("kept") or was made now ("made")."""
    request.environ[PAGE_KEY] = state


class ServerTiming:
    """WSGI middleware: adds the Server-Timing header when the response starts."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started, cpu = time.perf_counter(), time.thread_time()
        sql = [0, 0.0]
        token = _sql.set(sql)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            parts = [f"app;dur={(time.perf_counter() - started) * 1000:.1f}",
                     f"cpu;dur={(time.thread_time() - cpu) * 1000:.1f}",
                     f'db;dur={sql[1] * 1000:.1f};desc="{sql[0]} sql"']
            if environ.get(PAGE_KEY):
                parts.append(f"page;desc={environ[PAGE_KEY]}")
            headers.append(("Server-Timing", ", ".join(parts)))
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            _sql.reset(token)


def _before(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
    conn.info.setdefault("jewelpwa_timing", []).append(time.perf_counter())


def _after(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
    started = conn.info.get("jewelpwa_timing")
    sql = _sql.get()
    if started and sql is not None:
        sql[0] += 1
        sql[1] += time.perf_counter() - started.pop()


def init_timing(app: Flask) -> None:
    if not app.config.get("SERVER_TIMING"):
        return
    from ..extensions import db

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _before)
        event.listen(db.engine, "after_cursor_execute", _after)
    app.wsgi_app = ServerTiming(app.wsgi_app)  # type: ignore[method-assign]
