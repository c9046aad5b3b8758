"""The installable shell: the service worker at the root (its scope is the whole app) and the offline page."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

bp = Blueprint("pwa", __name__)

# The app shell sw.js precaches: every stylesheet, script, icon and the manifest under static/ (all of
# them public, none holds client data), so a stylesheet added tomorrow is offline without a second list
# to keep in step. /sw.js itself is never cached. The worker's cache name carries a hash of these files:
# a browser only re-installs a worker whose script bytes changed, and this makes any change do so.
SHELL_GLOBS = ("css/*.css", "js/*.js", "vendor/*.js", "icons/*.png", "manifest.webmanifest")
NOT_SHELL = frozenset({"js/sw.js"})
VERSION_MARK = "const SHELL_VERSION = 'dev';"
FILES_MARK = "const SHELL_FILES = [];"


def shell_files(static: Path) -> list[str]:
    """The shell's files, relative to the static folder, in a stable order."""
    found = {path.relative_to(static).as_posix() for pattern in SHELL_GLOBS for path in static.glob(pattern)}
    return sorted(found - NOT_SHELL)


def shell_version(static: Path, template: bytes, files: list[str]) -> str:
    """A short hash of the worker script and every shell file."""
    stamps = tuple((name, (static / name).stat().st_mtime_ns, (static / name).stat().st_size) for name in files)
    return _hashed(static, template, stamps)


@functools.lru_cache(maxsize=8)
def _hashed(static: Path, template: bytes, stamps: tuple) -> str:
    # Browsers fetch /sw.js on most navigations: hash the files again only when one of them changed.
    digest = hashlib.sha256(template)
    for name, _mtime, _size in stamps:
        digest.update(name.encode() + b"\0" + (static / name).read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    """The service worker script with its shell list and version; never cached by HTTP (updates show at once)."""
    static = Path(current_app.static_folder)
    script = (static / "js" / "sw.js").read_bytes()
    files = shell_files(static)
    version = shell_version(static, script, files)
    body = script.replace(VERSION_MARK.encode(), f"const SHELL_VERSION = '{version}';".encode(), 1)
    body = body.replace(FILES_MARK.encode(), f"const SHELL_FILES = {json.dumps(files)};".encode(), 1)
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.set_etag(version)
    return response.make_conditional(request)


@bp.get("/offline")
def offline():
    """What the service worker shows when a page cannot be fetched: public, no client data, no session."""
    return render_template("pwa/offline.html")
