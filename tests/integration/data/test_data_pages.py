"""The Data page on the tablet: upload → column mapping → dry run → apply; associates are kept out."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client, ImportMapping, ImportRun

from ..conftest import make_user
from .test_import_pos import POS


def login_owner(auth):
    owner = make_user(store="Gem Store", role="owner", email="owner@gem.test")
    make_user(store="Gem Store", role="associate", email="ana@gem.test", name="Ana")
    auth.login(owner.email)
    return owner


def upload(auth, client, path, kind="clients"):
    token = auth.csrf("/owner/data/")
    with open(path, "rb") as f:
        return client.post("/owner/data/imports", data={"kind": kind, "file": (f, path.name), "csrf_token": token},
                           content_type="multipart/form-data")


def selected(page: str) -> dict[str, str]:
    """{column select id: chosen field} as the mapping screen shows it."""
    found = {}
    for name, body in re.findall(r'<select id="(column_\d+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        found[name] = chosen.group(1) if chosen else ""
    return found


def test_associates_get_403_on_every_data_page(client, auth):
    make_user(store="Gem Store", role="owner")
    associate = make_user(store="Gem Store", role="associate")
    auth.login(associate.email)
    for path in ("/owner/data/", "/owner/data/clients.csv", "/owner/data/purchases.csv", "/owner/data/outreach.csv",
                 "/owner/data/archive.zip"):
        assert client.get(path).status_code == 403, path
    assert auth.post("/owner/data/imports", {"kind": "clients"}).status_code == 403


def test_upload_maps_columns_dry_runs_then_applies_and_remembers_the_mapping(client, auth):
    owner = login_owner(auth)
    page = client.get("/owner/data/")
    assert page.status_code == 200 and "Import from the point of sale" in page.get_data(as_text=True)

    answer = upload(auth, client, POS / "clients_semicolon_1252.csv")
    assert answer.status_code == 303
    run_url = answer.headers["Location"]
    mapping_page = client.get(run_url).get_data(as_text=True)
    chosen = selected(mapping_page)
    assert chosen["column_0"] == "client_number" and chosen["column_3"] == "email" and chosen["column_7"] == "partner_name"
    assert "semicolon-separated" in mapping_page and "windows-1252" in mapping_page
    assert "e.g. Renée" in mapping_page  # the sample is read with the right encoding

    # The owner leaves the notes column out and runs the dry run.
    form = {**chosen, "column_9": ""}
    checked = auth.post(run_url + "/mapping", form, token_from=run_url)
    assert checked.status_code == 303
    report = client.get(run_url).get_data(as_text=True)
    assert "Would create 3 clients, update 0; 0 rows rejected" in report
    assert db.session.scalar(select(func.count(Client.id))) == 0

    applied = auth.post(run_url + "/apply", token_from=run_url)
    assert applied.status_code == 303
    assert "Created 3 clients, update" in client.get(run_url).get_data(as_text=True)
    assert db.session.scalar(select(Client.notes).where(Client.client_number == "1001")) is None
    assert db.session.scalar(select(ImportRun.data)) == b""  # the applied file is not kept
    remembered = db.session.scalar(select(ImportMapping).where(ImportMapping.store_id == owner.store_id))
    assert remembered.columns["notes"] == "" and remembered.columns["custno"] == "client_number"

    # Next upload of the same layout: the notes column is left out again, as the owner chose.
    again = upload(auth, client, POS / "clients_semicolon_1252.csv")
    assert selected(client.get(again.headers["Location"]).get_data(as_text=True))["column_9"] == ""


def test_a_dry_run_with_rejected_rows_lists_them_and_cannot_be_applied(client, auth):
    login_owner(auth)
    run_url = upload(auth, client, POS / "clients_messy.csv").headers["Location"]
    form = selected(client.get(run_url).get_data(as_text=True))
    auth.post(run_url + "/mapping", form, token_from=run_url)
    page = client.get(run_url).get_data(as_text=True)
    assert "Nothing imported: 4 rows rejected" in page
    assert "row 5, client_number: &#34;C-1&#34; is already on row 2: one row per client" in page
    assert "Import 6 rows" not in page
    refused = auth.post(run_url + "/apply", token_from=run_url)
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(Client.id))) == 0


def test_mapping_without_a_required_column_is_422_with_the_choices_kept(client, auth):
    login_owner(auth)
    run_url = upload(auth, client, POS / "clients_us.csv").headers["Location"]
    form = {**selected(client.get(run_url).get_data(as_text=True)), "column_1": ""}
    answer = auth.post(run_url + "/mapping", form, token_from=run_url)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Choose a column for First name" in page
    assert selected(page)["column_3"] == "email"
    assert db.session.scalar(select(ImportRun.status)) == "uploaded"


def test_an_empty_upload_is_422_on_the_file_field(client, auth):
    login_owner(auth)
    token = auth.csrf("/owner/data/")
    answer = client.post("/owner/data/imports", data={"kind": "clients", "csrf_token": token},
                         content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "Choose a CSV file" in answer.get_data(as_text=True)


def test_without_a_reachable_queue_a_big_file_is_checked_in_the_request(app, client, auth):
    login_owner(auth)
    app.config.update(IMPORT_BACKGROUND_ROWS=1, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    run_url = upload(auth, client, POS / "clients_us.csv").headers["Location"]
    form = selected(client.get(run_url).get_data(as_text=True))
    assert auth.post(run_url + "/mapping", form, token_from=run_url).status_code == 303
    assert "Would create 2 clients" in client.get(run_url).get_data(as_text=True)
    assert db.session.scalar(select(ImportRun.status)) == "checked"


def test_a_step_whose_worker_died_is_shown_failed_with_what_to_do_and_can_start_again(app, client, auth):
    """A worker killed mid-job leaves no half-written rows (an apply is one transaction) and no page stuck on
    "checking": once the step has been silent longer than it could run, the page says so."""
    from datetime import timedelta

    from jewelpwa.clock import utcnow

    login_owner(auth)
    run_url = upload(auth, client, POS / "clients_us.csv").headers["Location"]
    form = selected(client.get(run_url).get_data(as_text=True))
    assert auth.post(run_url + "/mapping", form, token_from=run_url).status_code == 303  # checked
    run = db.session.scalar(select(ImportRun))
    run.status, run.touched_at = "applying", utcnow() - timedelta(minutes=20)  # as a background apply does
    db.session.commit()
    assert "The import stopped" not in client.get(run_url).get_data(as_text=True)  # an apply may run 30 minutes

    run = db.session.scalar(select(ImportRun))
    run.touched_at = utcnow() - timedelta(minutes=45)
    db.session.commit()
    page = client.get(run_url).get_data(as_text=True)
    assert "The import stopped" in page and "apply it again" in page
    db.session.expire_all()
    assert db.session.scalar(select(ImportRun.status)) == "failed"
    assert db.session.scalar(select(func.count(Client.id))) == 0

    assert "Try the dry run again" in page  # the page's own way back, with the file's column choices
    assert auth.post(run_url + "/mapping", form, token_from=run_url).status_code == 303
    assert "Would create 2 clients" in client.get(run_url).get_data(as_text=True)
