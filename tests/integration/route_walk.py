"""The URL map as a list of real URLs, and the checks every response of the security walk must pass.

test_route_walk.py walks every rule of `app.url_map` as each kind of visitor; this module turns a rule into a
URL whose ids name real rows of one store (through test_scoping's FACTORIES and WORDS, so a new id-bearing
route needs one factory for both walks), and holds the header and database-fingerprint helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Store

from .web.test_scoping import FACTORIES, WORDS

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# An id no row has: the walk's "nonexistent id" URL.
MISSING_ID = 987654321

# Endpoints an anonymous visitor may open, each with what it answers to the walk and why it is public.
# Every other endpoint must send the visitor to sign in. The share page and the feed are reached with a made-up
# token here (WORDS), so they answer 404; test_wish_share and test_calendar_feed open real ones.
ALLOWED_PUBLIC = {
    "static": (200, "stylesheets, scripts, icons and the manifest: the installable shell, no client data"),
    "auth.login": (200, "the sign-in form itself"),
    "health.alive": (200, "the load balancer's and `make run`'s liveness probe: answers {ok: true}, nothing else"),
    "pwa.offline": (200, "what the service worker shows without a network: a static page, no session"),
    "pwa.service_worker": (200, "the browser fetches /sw.js without cookies; it only lists public static files"),
    "share.shared": (404, "a gift-giver without an account opens a wish list by its secret, revocable token"),
    "feeds.calendar": (404, "a phone's calendar subscribes without cookies: the secret token is the key"),
    "messages.unsubscribe": (404, "a client unsubscribes from a link in an email (a mail program's one-click POST "
                                  "too), without an account: the signed token is the key"),
    "messages.status_callback": (403, "the SMS provider reports delivered/failed: its request signature is the key"),
    "messages.inbound_sms": (403, "the SMS provider hands over a client's reply: its request signature is the key"),
    "messages.inbound_email": (404, "the email provider hands over a client's emailed reply: its signature is the key "
                                    "(403 without); absent (404) until inbound email is configured"),
    "messages.email_event": (404, "the email provider reports delivered/bounced: its signature is the key (403 "
                                  "without); absent (404) until inbound email is configured"),
}
# Public endpoints that take writes without a session (no CSRF token: their key is in the URL or a signature),
# with what a visitor without that key gets.
PUBLIC_WRITES = {"messages.unsubscribe": 404, "messages.status_callback": 403, "messages.inbound_sms": 403,
                 "messages.inbound_email": 404, "messages.email_event": 404}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: tuple[str, ...]
    path: str
    has_id: bool


# Not walked: the static files (checked once by path: their rule takes any file name) and the readiness probe,
# public like /healthz but answering 503 wherever no worker beats, as in these tests (tests/workers/test_health.py).
NOT_WALKED = frozenset({"static", "health.ready"})


def rules(app) -> list:
    """Every rule but NOT_WALKED."""
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in NOT_WALKED), key=lambda r: r.rule)


def routes(app, owner, id_override: int | None = None) -> list[Route]:
    """One URL per rule, its ids naming rows of `owner`'s store (one row per kind, shared between rules), or
    `id_override` for every id when given (the nonexistent-id URLs)."""
    made: dict[str, object] = {}
    found = []
    for rule in rules(app):
        missing = set(rule.arguments) - set(FACTORIES) - set(WORDS)
        assert not missing, f"{rule.rule}: add a factory for {missing} to web/test_scoping.FACTORIES"
        values = {}
        for arg in rule.arguments:
            if arg in WORDS:
                values[arg] = WORDS[arg]
            elif id_override is not None:
                values[arg] = id_override
            else:
                if arg not in made:
                    made[arg] = FACTORIES[arg](owner)
                values[arg] = made[arg].id
        path = rule.build(values)[1]
        methods = tuple(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        found.append(Route(rule.endpoint, rule.rule, methods, path, any(a in FACTORIES for a in rule.arguments)))
    return found


def assert_secure_headers(response, path: str) -> None:
    """The headers every response carries (web/headers.py): no inline script, no framing, no sniffing, no
    caching of anything but static files, and a session cookie scripts cannot read or other sites send."""
    where = f"{path} ({response.status_code})"
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp, f"{where}: CSP {csp!r}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{where}: CSP {csp!r}"
    assert "frame-ancestors 'none'" in csp, f"{where}: CSP {csp!r}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    if not path.startswith("/static/"):
        assert response.headers.get("Cache-Control") == "no-store", f"{where}: {response.headers.get('Cache-Control')}"
        assert "HX-Request" in response.headers.get("Vary", ""), where
    for cookie in response.headers.getlist("Set-Cookie"):
        flags = [part.strip().lower() for part in cookie.split(";")]
        assert "httponly" in flags, f"{where}: cookie readable by scripts: {cookie}"
        assert "samesite=lax" in flags or "samesite=strict" in flags, f"{where}: cookie sent cross-site: {cookie}"


def fingerprint() -> dict:
    """Row counts of every table and every store's data_version: a write that got through changes one of them
    (data_version moves on any update of store data; the counts also cover sessions, devices and the audit
    trail, which data_version leaves out)."""
    db.session.rollback()
    tables = db.metadata.sorted_tables
    counts = select(*[select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables])
    row = db.session.execute(counts).one()
    versions = dict(db.session.execute(select(Store.id, Store.data_version)).all())
    return {"rows": dict(row._mapping), "data_version": versions}


def changes(before: dict, after: dict) -> dict:
    diff = {name: (n, after["rows"][name]) for name, n in before["rows"].items() if after["rows"][name] != n}
    if before["data_version"] != after["data_version"]:
        diff["data_version"] = (before["data_version"], after["data_version"])
    return diff


# --- forms and query parameters, for the hostile-input walk ---------------------------------------------------

# Query arguments the views read from request.args beyond the fields of their pages' GET forms (test_xss keeps
# the same list for its corpus in the query string).
QUERY_ARGS = ("q", "tier", "view", "date", "days", "start", "end", "month", "associate", "show", "kind", "next",
              "section", "before", "mine", "all", "from", "to", "item", "row", "day", "user", "action", "page")
# Forms that end the session or remove what the rest of a walk needs.
NOT_POSTED = ("/logout", "/erase", "/delete", "/deactivate", "/calendar-feed/off", "/undo", "/owner/settings/reset")


@dataclass(frozen=True)
class Field:
    """One input the app reads: a field of a form (its other fields as the page filled them) or a query argument."""

    method: str  # POST (a form) or GET (a query argument)
    action: str  # the URL it goes to
    name: str
    others: tuple[tuple[str, str], ...]  # the form's other fields as shown (hidden ones, selected options)


# What a person would type into an empty input of each type: the forms are sent filled in, so the one hostile
# value is what decides the answer (an empty required field would refuse the form before the value counted).
TYPED = {"text": "Ann", "search": "Ann", "email": "ann@example.org", "tel": "5550100001", "number": "1",
         "date": "2026-06-10", "time": "10:30", "month": "2026-06", "url": "https://example.org/", "password": ""}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = []
            self.forms.append(((a.get("method") or "get").upper(), a.get("action", ""), self._fields))
        if self._fields is None:
            return
        name, kind = a.get("name", ""), a.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button", "file", "reset", "image"):
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.append((name, a.get("value", "on")))
            else:
                self._fields.append((name, a.get("value") or TYPED.get(kind, "Ann")))
        elif tag == "textarea" and name:
            self._fields.append((name, "Ann"))
        elif tag == "select" and name:
            self._select, self._chosen = name, False
            self._fields.append((name, ""))
        elif tag == "option" and self._select and not self._chosen and (a.get("value") or "selected" in a):
            self._fields[-1] = (self._select, a.get("value", ""))
            self._chosen = "selected" in a

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def inputs_of(device, walk: list[Route]) -> tuple[list[Field], int]:
    """Every form field and query argument the GET pages of `walk` offer this device; and how many pages it read."""
    found: dict[tuple[str, str, str], Field] = {}
    pages = 0
    for route in walk:
        if "GET" not in route.methods or route.endpoint in ("static", "pwa.service_worker", "data.export_archive"):
            continue
        answer = device.get(route.path)
        body = answer.get_data()
        if answer.status_code != 200 or answer.mimetype != "text/html":
            continue
        pages += 1
        for name in QUERY_ARGS:
            found.setdefault(("GET", route.path, name), Field("GET", route.path, name, ()))
        parser = _FormParser()
        parser.feed(body.decode())
        for method, action, fields in parser.forms:
            action = (action or route.path).split("#")[0]
            if method == "POST" and action.endswith(NOT_POSTED):
                continue
            others = tuple((n, v) for n, v in fields if n != "csrf_token")
            for name, _value in others:
                key = (method, action, name)
                found.setdefault(key, Field(method, action, name, tuple(o for o in others if o[0] != name)))
    return sorted(found.values(), key=lambda f: (f.method, f.action, f.name)), pages
