"""The installable shell: the service worker at the root (its scope is the whole app) and the offline page."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

bp = Blueprint("pwa", __name__)

# What sw.js precaches, relative to the static folder; keep in step with SHELL in sw.js and base.html.
# The service worker's cache name carries a hash of these files, so changing any of them installs a new
# worker and replaces the cache (a browser only re-installs a worker whose script bytes changed).
SHELL_FILES = (
    "css/app.css", "css/today.css", "css/card.css", "css/counter.css", "css/lists.css", "css/pwa.css",
    "js/app.js", "js/outbox.js", "js/push.js", "vendor/htmx.min.js", "manifest.webmanifest",
    "icons/icon-192.png", "icons/icon-512.png", "icons/maskable-192.png", "icons/maskable-512.png",
    "icons/apple-touch-icon-180.png", "icons/favicon-32.png",
)
VERSION_MARK = "const SHELL_VERSION = 'dev';"


def shell_version(static: Path, template: bytes) -> str:
    """A short hash of the worker script and every shell file."""
    stamps = tuple((path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None
                   for path in (static / name for name in SHELL_FILES))
    return _hashed(static, template, stamps)


@functools.lru_cache(maxsize=8)
def _hashed(static: Path, template: bytes, _stamps: tuple) -> str:
    # Browsers fetch /sw.js on most navigations: hash the files again only when one of them changed.
    digest = hashlib.sha256(template)
    for name in SHELL_FILES:
        path = static / name
        digest.update(name.encode() + (path.read_bytes() if path.exists() else b""))
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    """The service worker script with its shell version; never cached by HTTP (the browser checks it for updates)."""
    static = Path(current_app.static_folder)
    script = (static / "js" / "sw.js").read_bytes()
    version = shell_version(static, script)
    body = script.replace(VERSION_MARK.encode(), f"const SHELL_VERSION = '{version}';".encode(), 1)
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.set_etag(version)
    return response.make_conditional(request)


@bp.get("/offline")
def offline():
    """What the service worker shows when a page cannot be fetched: public, no client data, no session."""
    return render_template("pwa/offline.html")


@bp.get("/healthz")
def health():
    """For the load balancer and `make run`'s readiness wait."""
    return {"ok": True}
