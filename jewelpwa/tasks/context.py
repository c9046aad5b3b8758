"""The worker's app: built once per process (create_app is not free), each job run inside its context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from .. import create_app
from ..extensions import db

_app: Flask | None = None


def get_app() -> Flask:
    """Config from the environment, as the web's (JEWELPWA_INSTANCE_PATH points at instance/: the VAPID keys)."""
    global _app
    if _app is None:
        _app = create_app()
    return _app


@contextmanager
def app_context() -> Iterator[Flask]:
    """Run a job in the app's context and hand its session back, whatever the job did."""
    with get_app().app_context() as ctx:
        try:
            yield ctx.app
        finally:
            db.session.remove()
