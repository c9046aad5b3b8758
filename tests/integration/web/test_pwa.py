"""The installable shell: /offline, /sw.js and the manifest, as the browser fetches them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from jewelpwa.views.pwa import shell_files, shell_version

from ..conftest import make_user

# The shell, the manifest and the offline page are files and markup: SQLite alone (see conftest).
pytestmark = pytest.mark.one_database

STATIC = Path(__file__).resolve().parents[3] / "jewelpwa" / "static"


def test_offline_page_is_public_and_tells_how_outcomes_are_kept(client):
    response = client.get("/offline")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You're offline" in page
    assert "Outcomes you log are kept on this phone and sent when you're back" in page
    assert '<span id="offline-waiting">0</span> waiting' in page
    assert 'href="">Try again</a>' in page  # works with JavaScript off: reloads the address that failed
    assert "/static/js/outbox.js" in page
    hx = client.get("/offline", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert hx.startswith("<!doctype html>")  # a whole page in every mode: it stands in for any page


def test_offline_page_holds_no_session_store_or_token_even_when_signed_in(client, auth):
    user = make_user(store="Secret Store Name")
    auth.login(user.email)
    response = client.get("/offline")
    page = response.get_data(as_text=True)
    # The service worker keeps this page on the phone: nothing about who was signed in may be in it.
    assert "Secret Store Name" not in page
    assert "csrf" not in page.lower()
    assert "app-nav" not in page
    assert "Set-Cookie" not in response.headers
    assert "<script>" not in page and "style=" not in page


def test_offline_page_sends_the_same_security_headers(client):
    response = client.get("/offline")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_service_worker_is_served_from_the_root_with_its_shell_version(client):
    response = client.get("/sw.js")
    script = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-store" in response.headers["Cache-Control"]  # the browser must see a new worker at once
    version = re.search(r"const SHELL_VERSION = '([^']+)';", script).group(1)
    assert version != "dev" and len(version) == 12
    assert response.headers["ETag"] == f'"{version}"'
    again = client.get("/sw.js", headers={"If-None-Match": f'"{version}"'})
    assert again.status_code == 304


def served_shell(client) -> list[str]:
    script = client.get("/sw.js").get_data(as_text=True)
    return json.loads(re.search(r"const SHELL_FILES = (\[.*?\]);", script).group(1))


def test_shell_version_changes_when_a_shell_file_changes(tmp_path):
    for name in ("css/app.css", "css/pwa.css", "js/app.js", "js/sw.js", "manifest.webmanifest", "icons/a.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"one")
    files = shell_files(tmp_path)
    assert files == ["css/app.css", "css/pwa.css", "icons/a.png", "js/app.js", "manifest.webmanifest"]  # never sw.js
    before = shell_version(tmp_path, b"worker", files)
    (tmp_path / "css" / "pwa.css").write_bytes(b"two, longer")
    assert shell_version(tmp_path, b"worker", files) != before
    assert shell_version(tmp_path, b"worker 2", files) != shell_version(tmp_path, b"worker", files)
    (tmp_path / "css" / "new.css").write_bytes(b"a sheet added tomorrow")
    assert "css/new.css" in shell_files(tmp_path)


def test_the_shell_holds_every_file_a_page_links(client):
    """Whatever base.html links (stylesheets added by anyone, scripts, icons, the manifest) is precached."""
    shell = {f"/static/{name}" for name in served_shell(client)}
    page = client.get("/login").get_data(as_text=True)
    linked = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page))
    assert {"/static/css/app.css", "/static/css/pwa.css", "/static/js/outbox.js", "/static/manifest.webmanifest"} <= linked
    assert linked <= shell, linked - shell
    assert "/static/js/sw.js" not in shell


def test_every_precached_url_answers(client):
    """A single 404 in the shell makes the worker's install fail, and the app is not installable."""
    for url in ["/offline"] + [f"/static/{name}" for name in served_shell(client)]:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_manifest_meets_the_install_criteria(client):
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] and manifest["short_name"]
    assert manifest["start_url"] == "/today" and manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        served = client.get(f"/static/{icon['src']}")
        assert served.status_code == 200, icon["src"]
        served.close()
        with Image.open(STATIC / icon["src"]) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_manifest_shortcuts_open_pages_a_signed_in_associate_can_see(client, auth):
    manifest = json.loads(client.get("/static/manifest.webmanifest").get_data(as_text=True))
    names = [s["name"] for s in manifest["shortcuts"]]
    assert names == ["Today", "Clients"]
    auth.login(make_user().email)
    for shortcut in manifest["shortcuts"]:
        assert client.get(shortcut["url"]).status_code == 200, shortcut["url"]
