"""Application logs never contain a client's phone number, email address or notes.

The app is driven through the paths that log (failed sign-ins up to the rate limit, an import with bad rows,
crashes with client data in the exception, a database error carrying a note, a real request log line from the
development server, gunicorn's access-log call shape, a failing job on a real RQ worker) with every logger at
DEBUG, and the captured output is searched for the client's data.
"""

from __future__ import annotations

import io
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import text
from werkzeug.serving import make_server

from jewelpwa.extensions import db
from jewelpwa.tasks import queues

from ..conftest import Auth, make_user, new_client
from ..data.test_data_pages import selected
from ..factories import make_client

PHONE = "(555) 013-2468"
NOTE = "Husband Mark is allergic to nickel; surprise for the 25th"
LOGGERS = ("werkzeug", "gunicorn.error", "gunicorn.access", "rq.worker", "jewelpwa.web.limits", "jewelpwa", "workers",
           "sqlalchemy.engine")


@pytest.fixture
def email():
    # Unique per run: the login limit counts per typed email in the shared Redis.
    return f"anna.lopez.{uuid.uuid4().hex[:8]}@example.org"


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)
    # The session's migration ran Alembic's fileConfig, which disables every logger that existed then
    # (flask-limiter's among them); in production migrations run in their own process. Listen to them all.
    disabled = [logger for logger in logging.Logger.manager.loggerDict.values()
                if isinstance(logger, logging.Logger) and logger.disabled]
    for logger in disabled:
        logger.disabled = False
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog
    for logger in disabled:
        logger.disabled = True


def _everything(caplog) -> str:
    """What any handler could write: the formatted lines, and each record's message and exception text."""
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), record.exc_text or "", record.stack_info or ""]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def _assert_clean(caplog, email: str) -> None:
    seen = _everything(caplog)
    for secret in (email, email.replace("@", "%40"), PHONE, "0132468", "013-2468", NOTE, "allergic to nickel"):
        assert secret not in seen, f"{secret!r} reached the logs"


def test_failed_sign_ins_up_to_the_limit_never_log_the_typed_email_or_phone(app, logs, email):
    make_user(email=f"staff.{uuid.uuid4().hex[:6]}@gem.test")
    # A new address each time, so the per-account limit (keyed by the typed email) is the one that trips.
    answers = [Auth(new_client(app)).login(email, PHONE).status_code for _ in range(11)]
    assert answers[0] == 401 and answers[-1] == 429
    refused = [r.getMessage() for r in logs.records if r.name == "jewelpwa.web.limits"]
    assert refused and "(account:[email])" in refused[-1]  # the limit logged the key it refused, cleaned
    _assert_clean(logs, email)


def test_an_import_with_bad_rows_logs_no_client_data(app, client, auth, logs, email):
    owner = make_user(role="owner")
    auth.login(owner.email)
    body = ("client_number,first_name,last_name,email,phone,birthday,notes\n"
            f"C-1,Anna,Lopez,{email},{PHONE},1985-13-02,{NOTE}\n"
            f"C-2,Bea,Stone,not-an-email,{PHONE},02/30/1990,{NOTE}\n")
    token = auth.csrf("/owner/data/")
    run_url = client.post("/owner/data/imports", content_type="multipart/form-data",
                          data={"kind": "clients", "csrf_token": token,
                                "file": (io.BytesIO(body.encode()), "clients.csv")}).headers["Location"]
    form = selected(client.get(run_url).get_data(as_text=True))
    assert auth.post(run_url + "/mapping", form, token_from=run_url).status_code == 303
    assert "2 rows rejected" in client.get(run_url).get_data(as_text=True)
    _assert_clean(logs, email)


@pytest.mark.fresh_app  # adds routes below
def test_crashes_with_client_data_in_the_exception_log_the_traceback_without_it(app, logs, email):
    owner = make_user(role="owner")
    anna = make_client(owner, email=email, phone=PHONE, notes=NOTE)

    # Test-only routes, registered on this test's app before its first request.
    @app.get("/test-only/crash-message")
    def crash_message():
        raise RuntimeError(f"could not text {anna.phone} or write to {anna.email}")

    @app.get("/test-only/crash-value")
    def crash_value():
        return str(int(anna.notes))  # ValueError: invalid literal for int() with base 10: '<the note>'

    @app.get("/test-only/crash-database")
    def crash_database():
        # NOT NULL on first_name: the driver's error carries the row's values, the note among them.
        db.session.execute(text("INSERT INTO clients (store_id, client_number, email, phone, notes, "
                                "do_not_contact, frequency) VALUES (:s, 'X-1', :e, :p, :n, false, 'normal')"),
                           {"s": anna.store_id, "e": anna.email, "p": anna.phone, "n": anna.notes})

    browser = new_client(app)
    for path in ("/test-only/crash-message", "/test-only/crash-value", "/test-only/crash-database"):
        assert browser.get(path).status_code == 500
    crashes = [r for r in logs.records if r.getMessage().startswith("unhandled error")]
    assert [r.getMessage() for r in crashes] == ["unhandled error: RuntimeError", "unhandled error: ValueError",
                                                 "unhandled error: IntegrityError"]
    # The traceback is still there to debug with: where it broke, and what kind of error.
    assert all("Traceback (most recent call last)" in r.exc_text for r in crashes)
    assert "in crash_value" in crashes[1].exc_text and "ValueError: invalid literal for int()" in crashes[1].exc_text
    assert "could not text [phone] or write to [email]" in crashes[0].exc_text
    _assert_clean(logs, email)


def test_the_development_servers_request_lines_hide_searched_phones_and_emails(app, logs, email):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        for query in (PHONE, email, "5550132468"):
            url = f"{base}/clients?{urllib.parse.urlencode({'q': query})}"
            try:
                urllib.request.urlopen(url, timeout=10)  # anonymous: redirected to the sign-in page
            except urllib.error.HTTPError:
                pass
    finally:
        server.shutdown()
    lines = [r.getMessage() for r in logs.records if r.name == "werkzeug"]
    assert sum("GET /clients?q=" in line for line in lines) == 3, lines
    _assert_clean(logs, email)


def test_gunicorns_access_log_call_is_cleaned(app, logs, email):
    # gunicorn.glogging logs each request as access_log.info(format, atoms): a mapping of request parts.
    atoms = {"h": "10.0.0.5", "r": f"GET /clients?q={urllib.parse.quote(email)}&p={urllib.parse.quote(PHONE)}",
             "s": "200"}
    logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(s)s', atoms)
    assert any(r.getMessage().startswith('10.0.0.5 "GET /clients?q=[email]&p=[phone]" 200') for r in logs.records)
    _assert_clean(logs, email)


def failing_job(client_email: str, client_phone: str) -> None:
    """A job that fails with client data in its arguments and its exception (ours take ids; this one does not)."""
    raise RuntimeError(f"push to {client_phone} for {client_email} refused")


@pytest.mark.redis
def test_a_failing_job_on_a_real_worker_logs_no_client_data(app, redis_url, logs, email):
    connection = queues.connect(redis_url)
    queue = Queue(f"test-log-privacy-{uuid.uuid4().hex[:8]}", connection=connection)
    job = queue.enqueue(failing_job, email, PHONE)
    try:
        SimpleWorker([queue], connection=connection).work(burst=True)
        job.refresh()
        assert job.is_failed
        worker_lines = "\n".join(r.getMessage() + (r.exc_text or "") for r in logs.records if r.name.startswith("rq"))
        assert "failing_job" in worker_lines and "RuntimeError" in worker_lines  # RQ did log the job and its error
        _assert_clean(logs, email)
    finally:
        job.delete()
        queue.delete(delete_jobs=True)
