"""Issue 9, security suite: an XSS corpus stored in every text field renders inert on every page and fragment.

The corpus and its checks live in xss_corpus.py. The walk reads the URL map, so a new page is tried the day it
is added; a new text column fails the coverage test until the corpus fills it or it is exempt with a reason.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from jewelpwa.clock import store_today
from jewelpwa.domain.inputs import text_problem
from jewelpwa.extensions import db
from jewelpwa.models import (
    Appointment,
    Campaign,
    Client,
    ImportRun,
    Outreach,
    PushSubscription,
    Repair,
    Segment,
    Store,
    TradeUpCredit,
    User,
    WishItem,
)
from jewelpwa.services.book.client_edit import SECTIONS

from .. import xss_corpus as X
from ..conftest import Auth, make_user, new_client

# Route argument -> the model whose rows of the seeded store it names.
ROWS = {"client_id": Client, "appointment_id": Appointment, "repair_id": Repair, "wish_id": WishItem,
        "outreach_id": Outreach, "import_id": ImportRun, "user_id": User, "device_id": PushSubscription,
        "segment_id": Segment, "credit_id": TradeUpCredit, "campaign_id": Campaign}
# Query arguments the views read (request.args) beside the fields of each page's own GET forms: each gets a
# payload, so an echoed query is checked too.
QUERY_ARGS = {"q", "tier", "view", "date", "days", "start", "end", "month", "associate", "show", "kind", "next",
              "section", "before", "mine", "all", "from", "to", "stone", "category", "tags", "name", "first_name",
              "last_name", "email", "phone"}
HTMX = {"HX-Request": "true"}
# Not pages: static files, the service worker script, the store archive (a zip; test_export reads it).
SKIP = {"static", "pwa.service_worker", "data.export_archive"}


def seeded(plan: bool) -> X.Seeded:
    owner = make_user(store="Gem Store", role="owner", email="owner@gem.test")
    associate = make_user(store="Gem Store", role="associate", email="ana@gem.test")
    return X.seed(owner, associate, store_today(db.session.get(Store, owner.store_id)), plan=plan)


@pytest.fixture
def store():
    """The corpus everywhere, the day planned and the owner's segments, campaigns and events made."""
    return seeded(plan=True)


@pytest.fixture
def rows():
    """The corpus in the rows alone (clients and what hangs off them), for tests that read no plan."""
    return seeded(plan=False)


def signed_in(app, email: str):
    browser = new_client(app)
    assert Auth(browser).login(email).status_code in (302, 303)
    return browser


@pytest.mark.one_database
def test_every_text_column_is_filled_by_the_corpus_or_exempt_with_a_reason():
    columns = X.text_columns()
    unlisted = columns - set(X.COVERED) - set(X.EXEMPT)
    assert not unlisted, f"new text columns: store a payload in them in xss_corpus.seed or exempt them: {unlisted}"
    stale = (set(X.COVERED) | set(X.EXEMPT)) - columns
    assert not stale, f"xss_corpus lists columns the models no longer have: {stale}"


def test_every_covered_column_holds_a_payload_once_seeded(store):
    empty = []
    for name in X.COVERED:
        table, column = name.split(".")
        col = db.metadata.tables[table].columns[column]
        text = sa.cast(col, sa.Text) if isinstance(col.type, sa.JSON) else col
        found = db.session.scalar(select(sa.func.count()).select_from(col.table).where(text.contains(X.MARK)))
        if not found:
            empty.append(name)
    assert not empty, f"the corpus never reached {empty}"


def _urls(app, store: X.Seeded, every_client: bool) -> list[str]:
    """Every GET page of the URL map: with every client and segment (each carries another payload), or with one
    row per page, turning through the rows from page to page so the pages between them meet every payload."""
    store_id = db.session.get(User, store.owner_id).store_id
    ids = {arg: list(db.session.scalars(select(model.id).where(model.store_id == store_id).order_by(model.id)))
           for arg, model in ROWS.items()}
    words = {"section": list(SECTIONS), "token": [store.share_token], "feed_token": [store.feed_token]}
    urls = []
    for n, rule in enumerate(sorted(app.url_map.iter_rules(), key=lambda r: r.rule)):
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        unknown = set(rule.arguments) - set(ids) - set(words)
        assert not unknown, f"{rule.rule}: teach test_xss which rows {unknown} name"
        choices = [{}]
        for arg in sorted(rule.arguments):
            values = ids[arg] if arg in ids else words[arg]
            assert values, f"{rule.rule}: the corpus store has no row for {arg}"
            # The card's four edit forms repeat its fields: one client is enough for them.
            every = every_client and arg in ("client_id", "segment_id") and "section" not in rule.arguments
            if not (arg == "section" or every):
                values = [values[n % len(values)]]  # the same row in both lists: one_row is part of every_client
            choices = [{**c, arg: v} for c in choices for v in values]
        urls.extend(rule.build(c, append_unknown=False)[1] for c in choices)
    return urls


def _check(browser, url: str, headers: dict, seen: set[str], fields: set[str] | None = None) -> list[str]:
    """GET one URL and list what the corpus did there; `fields` collects the names of the page's GET forms."""
    answer = browser.get(url, headers=headers)
    answer.get_data()  # a streamed CSV closed later by the garbage collector would pop the wrong app context
    # 503 is a designed answer (no push keys configured); any other 5xx is a crash on the corpus.
    assert answer.status_code < 500 or answer.status_code == 503, f"GET {url} {headers}: {answer.status_code}"
    unsendable = [f"GET {url}: header {name} cannot be sent (PEP 3333: latin-1 only): {value!r}"
                  for name, value in answer.headers.items() if not value.isascii() and not _latin1(value)]
    if not answer.mimetype.startswith("text/html"):
        return unsendable
    check = X.inert(answer.get_data(as_text=True))
    seen |= check.seen
    if fields is not None:
        fields |= check.query_names
    return unsendable + [f"GET {url} {'(htmx)' if headers else ''}: {p}" for p in check.problems]


def _latin1(value: str) -> bool:
    """The test client passes any header through; gunicorn and Werkzeug's server must encode it as latin-1."""
    try:
        value.encode("latin-1")
        return True
    except UnicodeEncodeError:
        return False


def _query(names: set[str]) -> str:
    return urlencode({name: X.PAYLOADS[X.NAMES[i % len(X.NAMES)]] for i, name in enumerate(sorted(names))})


@pytest.mark.slow
def test_stored_corpus_is_inert_on_every_page_and_fragment_for_owner_and_associate(app, store):
    # Every client and segment on every page once, as the owner, who may open them all (~190 pages); then each page with
    # one row per role and render mode (page, htmx fragment, payloads in the query string).
    all_rows, one_row = _urls(app, store, every_client=True), _urls(app, store, every_client=False)
    owner = db.session.get(User, store.owner_id)
    associate = db.session.get(User, store.associate_id)
    problems: list[str] = []
    seen: set[str] = set()
    for user in (owner, associate):
        browser = signed_in(app, user.email)
        fields: dict[str, set[str]] = {}
        for url in all_rows if user is owner else one_row:
            problems += _check(browser, url, {}, seen, fields.setdefault(url, set()))
        for url in one_row:
            problems += _check(browser, url, HTMX, seen)
            problems += _check(browser, f"{url}?{_query(QUERY_ARGS | fields[url])}", {}, seen)
    assert not problems, "\n".join(problems[:40])
    # The walk must have met every payload, or it proved nothing about it.
    assert seen == set(X.PAYLOADS), f"payloads never shown: {set(X.PAYLOADS) - seen}"


class Forms(HTMLParser):
    """The POST forms of a page: action and fields, each text field filled with a payload, the rest as shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, MultiDict]] = []
        self._fields: MultiDict | None = None
        self._select: str | None = None
        self._first_option: bool = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post" and a.get("action"):
            self._fields = MultiDict()
            self.forms.append((a["action"], self._fields))
        if self._fields is None or not a.get("name") and tag != "option":
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.add(name, a.get("value", "on"))
            elif kind == "hidden" and name != "next":
                self._fields.add(name, a.get("value", ""))
            elif kind not in ("submit", "button", "file"):
                self._fields.add(name, X.PAYLOADS[X.NAMES[len(self._fields) % len(X.NAMES)]])
        elif tag == "textarea":
            self._fields.add(name, X.PAYLOADS["textarea"])
        elif tag == "select":
            self._select, self._first_option = name, True
        elif tag == "option" and self._select and ("selected" in a or self._first_option):
            self._fields.setlist(self._select, [a.get("value", "")])
            self._first_option = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


# Forms that end the session or remove what the rest of the walk needs: their answers carry no input back.
NOT_POSTED = ("/logout", "/erase", "/delete", "/deactivate", "/calendar-feed/off", "/undo", "/owner/settings/reset")


@pytest.mark.slow
def test_every_form_filled_with_the_corpus_answers_inert(app, store):
    """Each POST form of the app, its text fields filled with payloads: the answer (a form back with the input and
    a message per field, a fragment with a toast, or the page a redirect leads to with its flash) is inert."""
    owner = signed_in(app, "owner@gem.test")
    forms: dict[str, tuple[str, MultiDict]] = {}
    for url in _urls(app, store, every_client=False):
        answer = owner.get(url)
        answer.get_data()  # a streamed CSV closed later by the garbage collector would pop the wrong app context
        if answer.status_code == 200 and answer.mimetype == "text/html":
            parser = Forms()
            parser.feed(answer.get_data(as_text=True))
            for action, fields in parser.forms:
                endpoint = app.url_map.bind("localhost").match(action.split("?")[0], method="POST")[0]
                if not action.endswith(NOT_POSTED):
                    forms.setdefault(endpoint, (action, fields))
    assert len(forms) > 25, sorted(forms)  # the walk reached the app's forms, not just a few
    problems = []
    for endpoint, (action, fields) in sorted(forms.items()):
        for headers in (HTMX, {}):
            answer = owner.post(action, data=fields, headers=headers)
            if answer.status_code in (302, 303):  # the page the flash is shown on
                answer = owner.get(answer.headers["Location"])
            assert answer.status_code < 500, f"POST {action} ({endpoint}): {answer.status_code}"
            if answer.mimetype == "text/html":
                problems += [f"POST {action} {headers}: {p}" for p in X.inert(answer.get_data(as_text=True)).problems]
            trigger = answer.headers.get("HX-Trigger")
            if trigger:
                json.loads(trigger)  # a toast's text travels as JSON and is set with textContent (app.js)
            problems += [f"POST {action}: header {name} cannot be sent as latin-1: {value!r}"
                         for name, value in answer.headers.items() if not _latin1(value)]
    assert not problems, "\n".join(problems[:40])


def test_an_uploaded_csv_of_payloads_shows_inert_headers_and_rejected_cells(app, client, auth):
    make_user(store="Gem Store", role="owner", email="owner@gem.test")
    auth.login("owner@gem.test")
    token = auth.csrf("/owner/data/")
    answer = client.post("/owner/data/imports", content_type="multipart/form-data", data={
        "kind": "clients", "csrf_token": token, "file": (io.BytesIO(X.csv_with_payloads()), X.PAYLOADS["svg"] + ".csv")})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    run_url = answer.headers["Location"]
    mapping_page = client.get(run_url).get_data(as_text=True)
    check = X.inert(mapping_page)
    assert not check.problems, check.problems
    assert {"script", "svg", "hx_get"} <= check.seen  # the headers are on the mapping screen, as text
    fields = {"column_0": "client_number", "column_1": "first_name", "column_2": "last_name", "column_3": "email",
              "column_4": "birthday"}
    auth.post(run_url + "/mapping", fields, token_from=run_url)
    assert db.session.scalar(select(ImportRun.status)) == "checked"
    for page in (run_url, "/owner/data/"):
        for headers in ({}, HTMX):
            check = X.inert(client.get(page, headers=headers).get_data(as_text=True))
            assert not check.problems, (page, check.problems)
    report = client.get(run_url).get_data(as_text=True)
    assert "rejected" in report
    assert X.inert(report).seen & {"img_breakout", "quote_breakout", "hx_on"}  # rejected cells quoted as text


def test_forms_that_echo_input_keep_the_corpus_inert(app, client, auth, rows):
    auth.login("ana@gem.test")
    client_id = rows.client_ids[0]
    payload = X.PAYLOADS["img_breakout"]
    answers = {
        # Refused input comes back in the form (422) with a message per field.
        "contact 422": auth.post(f"/clients/{client_id}/contact", {"email": payload, "phone": payload,
                                                                   "first_name": payload}, headers=HTMX),
        "notes saved": auth.post(f"/clients/{client_id}/notes", {"notes": X.PAYLOADS["textarea"]}, headers=HTMX),
        "preferences": auth.post(f"/clients/{client_id}/preferences", {"tags": X.PAYLOADS["hx_get"],
                                                                       "metals": payload}, headers=HTMX),
        "new client": auth.post("/clients/new", {"first_name": payload, "last_name": X.PAYLOADS["svg"],
                                                 "email": X.PAYLOADS["js_url"], "phone": X.PAYLOADS["js_url"]}),
        "search": client.get("/clients?" + urlencode({"q": X.PAYLOADS["quote_breakout"]})),
        "search htmx": client.get("/clients?" + urlencode({"q": payload}), headers=HTMX),
        "outcome note": auth.post(f"/clients/{client_id}/outreach", {"channel": "call", "outcome": "not_now",
                                                                     "note": X.PAYLOADS["hx_on"],
                                                                     "next": X.PAYLOADS["js_url"]}),
    }
    for what, answer in answers.items():
        assert answer.status_code < 500, what
        body = answer.get_data(as_text=True)
        check = X.inert(body)
        assert not check.problems, (what, check.problems)
        # Toasts travel as JSON in HX-Trigger and are put on the page with textContent (app.js).
        trigger = answer.headers.get("HX-Trigger")
        if trigger:
            json.loads(trigger)
    # What was saved shows inert on the card the next time it opens.
    assert db.session.get(Client, client_id).notes == X.PAYLOADS["textarea"]
    check = X.inert(client.get(f"/clients/{client_id}").get_data(as_text=True))
    assert not check.problems, check.problems


def test_share_messages_and_the_share_page_have_no_script_links(client, auth, rows):
    auth.login("ana@gem.test")
    links: list[str] = []
    for client_id in rows.client_ids:
        sent = auth.post(f"/clients/{client_id}/wish-lists/share", {}, token_from=f"/clients/{client_id}")
        assert sent.status_code < 500
        check = X.inert(sent.get_data(as_text=True))
        assert not check.problems, check.problems
        links += re.findall(r'href="((?:sms|mailto):[^"]*)"', sent.get_data(as_text=True))
    # The messages were made (their links are what the inert check read) and carry the names percent-encoded.
    assert links and all(X.MARK in link and "<" not in link for link in links), links[:3]
    page = client.get(f"/w/{rows.share_token}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    check = X.inert(body)
    assert not check.problems, check.problems
    # The store's share phone is "javascript:__xss=1": it may only ever follow tel:.
    assert 'href="tel:javascript:__xss=1"' in body


def test_calendar_feed_keeps_payloads_on_their_own_lines(client, store):
    answer = client.get(f"/feeds/{store.feed_token}.ics")
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    lines = text.split("\r\n")
    # A line break in a value would start a forged property or event: every value stays on its line.
    assert not [line for line in lines if line.startswith(X.MARK)]
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") > 0
    assert X.MARK in text  # the corpus is in the feed (campaign messages, reasons), escaped, not dropped


def test_json_export_and_csv_exports_carry_the_corpus_as_data(client, auth, rows):
    auth.login("owner@gem.test")
    client_id = rows.client_ids[X.NAMES.index("img_breakout")]
    answer = client.get(f"/owner/data/clients/{client_id}/export.json")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    exported = json.loads(answer.get_data(as_text=True))
    assert X.PAYLOADS["img_breakout"] in json.dumps(exported, ensure_ascii=False)
    for path in ("/owner/data/clients.csv", "/owner/data/purchases.csv", "/owner/data/outreach.csv"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert answer.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
        # The CRLF payload stays inside its quoted cell: every row has the header's width.
        assert {len(row) for row in rows} == {len(rows[0])}, path


def test_error_pages_keep_a_payload_in_the_url_inert(client, auth):
    make_user(store="Gem Store", role="associate", email="ana@gem.test")
    for who in ("anonymous", "associate"):
        if who == "associate":
            auth.login("ana@gem.test")
        for payload in X.PAYLOADS.values():
            for path in (f"/{quote(payload)}", f"/clients/{quote(payload)}", f"/w/{quote(payload, safe='')}"):
                answer = client.get(path, headers={"Referer": payload.replace("\r\n", " ")})
                assert answer.status_code in (302, 404), (path, answer.status_code)
                check = X.inert(answer.get_data(as_text=True))
                assert not check.problems, (path, check.problems)


# Browsers drop tabs and line breaks from a URL and read a backslash as a slash: each of these is //evil.example
# (another site) by the time the browser follows it.
OFF_SITE_NEXT = ("/\t/evil.example/", "/\n/evil.example/", "/\r\n/evil.example/", "/\\evil.example/",
                 " //evil.example/", "/\x00/evil.example/", "javascript:__xss=1")


@pytest.mark.one_database
def test_sign_in_never_sends_the_browser_off_site_or_to_a_script_url(app):
    make_user(store="Gem Store", role="associate", email="ana@gem.test")
    for target in OFF_SITE_NEXT:
        browser = new_client(app)
        page = browser.get("/login?" + urlencode({"next": target}))
        assert not X.inert(page.get_data(as_text=True)).problems
        token = Auth(browser).csrf("/login")
        answer = browser.post("/login", data={"email": "ana@gem.test", "password": "correct horse battery",
                                              "csrf_token": token, "next": target})
        if text_problem(target):  # a NUL or control character is refused at the edge (web/inputs.py): no redirect
            assert answer.status_code == 422 and "Location" not in answer.headers, (target, answer.status_code)
            continue
        assert answer.status_code in (302, 303), (target, answer.status_code)
        assert answer.headers["Location"] == "/today", (target, answer.headers["Location"])
