"""Issue 9, security suite: an XSS corpus stored in every text field renders inert on every page and fragment.

The corpus and its checks live in xss_corpus.py. The walk reads the URL map, so a new page is tried the day it
is added; a new text column fails the coverage test until the corpus fills it or it is exempt with a reason.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import (
    Appointment,
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
from jewelpwa.services.client_edit import SECTIONS
from jewelpwa.services.clock import store_today

from . import xss_corpus as X
from .conftest import Auth, make_user, new_client

# Route argument -> the model whose rows of the seeded store it names.
ROWS = {"client_id": Client, "appointment_id": Appointment, "repair_id": Repair, "wish_id": WishItem,
        "outreach_id": Outreach, "import_id": ImportRun, "user_id": User, "device_id": PushSubscription,
        "segment_id": Segment, "credit_id": TradeUpCredit}
# Query arguments the views read (request.args): each gets a payload, so an echoed query is checked too.
QUERY_ARGS = ("q", "tier", "view", "date", "days", "start", "end", "month", "associate", "show", "kind", "next",
              "section", "stone", "category", "tags", "name", "first_name", "last_name", "email", "phone")
HTMX = {"HX-Request": "true"}
# Not pages: files, the service worker, the offline shell (no data); their own tests read them.
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
    """Every GET page of the URL map: with every client (each carries another payload), or with one row per page,
    turning through the rows from page to page so the pages between them meet every payload."""
    store_id = db.session.get(User, store.owner_id).store_id
    ids = {arg: list(db.session.scalars(select(model.id).where(model.store_id == store_id).order_by(model.id)))
           for arg, model in ROWS.items()}
    words = {"section": list(SECTIONS), "token": [store.share_token], "feed_token": [store.feed_token]}
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        unknown = set(rule.arguments) - set(ids) - set(words)
        assert not unknown, f"{rule.rule}: teach test_xss which rows {unknown} name"
        choices = [{}]
        for arg in sorted(rule.arguments):
            values = ids[arg] if arg in ids else words[arg]
            assert values, f"{rule.rule}: the corpus store has no row for {arg}"
            if not (arg == "section" or (arg == "client_id" and every_client)):
                values = values[len(urls) % len(values):][:1]
            choices = [{**c, arg: v} for c in choices for v in values]
        urls.extend(rule.build(c, append_unknown=False)[1] for c in choices)
    return urls


def _check(browser, url: str, headers: dict, seen: set[str]) -> list[str]:
    answer = browser.get(url, headers=headers)
    # 503 is a designed answer (no push keys configured); any other 5xx is a crash on the corpus.
    assert answer.status_code < 500 or answer.status_code == 503, f"GET {url} {headers}: {answer.status_code}"
    if not answer.mimetype.startswith("text/html"):
        return []
    check = X.inert(answer.get_data(as_text=True))
    seen |= check.seen
    return [f"GET {url} {'(htmx)' if headers else ''}: {p}" for p in check.problems]


@pytest.mark.slow
def test_stored_corpus_is_inert_on_every_page_and_fragment_for_owner_and_associate(app, store):
    # Every client on every page once, as the owner, who may open them all (~200 pages); then each page with
    # one row per role and render mode (page, htmx fragment, payloads in the query string).
    all_rows, one_row = _urls(app, store, every_client=True), _urls(app, store, every_client=False)
    owner = db.session.get(User, store.owner_id)
    associate = db.session.get(User, store.associate_id)
    query = urlencode({arg: X.PAYLOADS[X.NAMES[i % len(X.NAMES)]] for i, arg in enumerate(QUERY_ARGS)})
    problems: list[str] = []
    seen: set[str] = set()
    for user in (owner, associate):
        browser = signed_in(app, user.email)
        for url in all_rows if user is owner else one_row:
            problems += _check(browser, url, {}, seen)
        for url in one_row:
            problems += _check(browser, url, HTMX, seen)
            problems += _check(browser, f"{url}?{query}", {}, seen)
    assert not problems, "\n".join(problems[:40])
    # The walk must have met every payload, or it proved nothing about it.
    assert seen == set(X.PAYLOADS), f"payloads never shown: {set(X.PAYLOADS) - seen}"


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
    check = X.inert(client.get(f"/clients/{client_id}").get_data(as_text=True))
    assert not check.problems, check.problems


def test_share_messages_and_the_share_page_have_no_script_links(client, auth, rows):
    auth.login("ana@gem.test")
    for client_id in rows.client_ids:
        sent = auth.post(f"/clients/{client_id}/wish-lists/share", {}, token_from=f"/clients/{client_id}")
        assert sent.status_code < 500
        check = X.inert(sent.get_data(as_text=True))
        assert not check.problems, check.problems
    page = client.get(f"/w/{rows.share_token}")
    assert page.status_code == 200
    check = X.inert(page.get_data(as_text=True))
    assert not check.problems, check.problems
    assert "js_url" not in check.seen or 'href="javascript:' not in page.get_data(as_text=True)


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
