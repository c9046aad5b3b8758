"""A big upload runs as a background job on a real RQ worker: the page polls its progress, then shows the report."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client, ImportRun
from tests.integration.conftest import PASSWORD, Auth, IsolatedClient

from .factories import make_user
from .support import wait_for

ROWS = 60


@pytest.fixture
def web(app):
    app.test_client_class = IsolatedClient
    app.config["IMPORT_BACKGROUND_ROWS"] = 10  # so a small file takes the background path
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.8.6"
    return client


def run_state(import_id: int) -> tuple[str, int]:
    db.session.rollback()  # a fresh read of what the worker committed
    return db.session.execute(select(ImportRun.status, ImportRun.rows_done).where(ImportRun.id == import_id)).one()


def test_a_big_file_is_checked_and_applied_by_the_worker_with_progress(app, web, procs):
    owner = make_user(role="owner")
    auth = Auth(web)
    auth.login(owner.email, PASSWORD)
    body = "Customer #;First;Last;Birth Date\r\n" + "".join(
        f"P{n:04d};Ana{n};Silva;{n % 12 + 1:02d}/{n % 28 + 1:02d}/1980\r\n" for n in range(ROWS))
    token = auth.csrf("/owner/data/")
    answer = web.post("/owner/data/imports", data={"kind": "clients", "csrf_token": token,
                                                   "file": (io.BytesIO(body.encode("cp1252")), "big.csv")},
                      content_type="multipart/form-data")
    run_url = answer.headers["Location"]
    import_id = int(run_url.rstrip("/").rsplit("/", 1)[1])
    page = web.get(run_url).get_data(as_text=True)
    form = dict(re.findall(r'<select id="(column_\d+)".*?<option value="([^"]*)" selected>', page, re.S))
    assert form == {"column_0": "client_number", "column_1": "first_name", "column_2": "last_name",
                    "column_3": "birthday"}

    # The dry run is queued, not run in the request: the page shows progress and polls every second.
    assert auth.post(run_url + "/mapping", form, token_from=run_url).status_code == 303
    assert run_state(import_id)[0] == "checking"
    waiting = web.get(run_url).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in waiting and f"/owner/data/imports/{import_id}/progress" in waiting

    procs.worker()
    wait_for(lambda: run_state(import_id)[0] == "checked", what="the dry run job")
    assert run_state(import_id)[1] == ROWS
    done = web.get(f"/owner/data/imports/{import_id}/progress", headers={"HX-Request": "true"})
    assert done.headers["HX-Redirect"] == run_url
    assert f"Would create {ROWS} clients, update 0; 0 rows rejected" in web.get(run_url).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Client.id))) == 0

    assert auth.post(run_url + "/apply", token_from=run_url).status_code == 303
    wait_for(lambda: run_state(import_id)[0] == "applied", what="the apply job")
    assert db.session.scalar(select(func.count(Client.id))) == ROWS
    assert f"Created {ROWS} clients" in web.get(run_url).get_data(as_text=True)
