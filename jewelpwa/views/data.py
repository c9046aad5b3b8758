"""Data in and out: import, export and privacy (issue 7). Owners and managers only."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    flash,
    make_response,
    redirect,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from ..domain.yearly_date import day_first_in
from ..services.data import exporting, import_runs, privacy
from ..services.data.import_mapping import FIELDS, LABELS, REQUIRED
from ..services.errors import Invalid
from ..tasks import imports
from ..web.render import render, wants_fragment
from .pages import manager_required

bp = Blueprint("data", __name__, url_prefix="/owner/data")


def _address() -> str | None:
    return request.remote_addr


def _index(errors: dict | None = None, form=None, message: str | None = None, status: int = 200):  # noqa: ANN001
    body = render("data/index.html", "upload_form", runs=import_runs.recent_runs(current_user), errors=errors or {},
                  form=form or {}, message=message)
    return make_response(body, status)


@bp.get("/")
@manager_required
def index():
    """The Data page: upload a point-of-sale export, download exports, recent imports."""
    return _index()


@bp.post("/imports")
@manager_required
def upload():
    """Keep the uploaded file and go to its column mapping."""
    file = request.files.get("file")
    try:
        run = import_runs.upload(current_user, request.form.get("kind", ""), file.filename if file else "",
                                 file.read() if file else b"")
    except Invalid as exc:
        return _index(exc.errors, request.form, exc.message, 422)
    return redirect(url_for("data.import_run", import_id=run.id), code=303)


def _run_page(run, errors: dict | None = None, message: str | None = None, status: int = 200):  # noqa: ANN001
    sample = import_runs.sample(run) if run.status == "uploaded" else []
    body = render("data/import.html", "run", run=run, sample=sample, fields=FIELDS[run.kind], labels=LABELS,
                  required_labels=[" or ".join(LABELS[f] for f in need) for need in REQUIRED[run.kind]],
                  errors=errors or {}, message=message, store_day_first=day_first_in(current_user.store.country))
    response = make_response(body, status)
    return response


@bp.get("/imports/<int:import_id>")
@login_required
def import_run(import_id: int):
    """One upload: its mapping screen, its progress, or its dry-run / apply report."""
    return _run_page(import_runs.get_run(current_user, import_id))


@bp.get("/imports/<int:import_id>/progress")
@login_required
def import_progress(import_id: int):
    """Polled every second while a background job works; when it is done the page reloads to the report."""
    run = import_runs.get_run(current_user, import_id)
    if run.status in import_runs.RUNNING or not wants_fragment():
        return _run_page(run)
    response = make_response("")
    response.headers["HX-Redirect"] = url_for("data.import_run", import_id=run.id)
    return response


def _step(import_id: int, step: str):  # noqa: ANN202
    run = imports.start_step(current_user, import_id, step)
    return redirect(url_for("data.import_run", import_id=run.id), code=303)


@bp.post("/imports/<int:import_id>/mapping")
@login_required
def import_mapping(import_id: int):
    """Save the column choices (remembered for next time) and run the dry run."""
    run = import_runs.get_run(current_user, import_id)
    mapping = [request.form.get(f"column_{i}", "") for i in range(len(run.header))]
    date_order = request.form.get("date_order", "")
    try:
        import_runs.set_mapping(current_user, import_id, mapping, date_order)
    except Invalid as exc:
        run.mapping = mapping  # shown again as chosen, next to the messages (never committed)
        return _run_page(run, exc.errors, exc.message, 422)
    return _step(import_id, "check")


@bp.post("/imports/<int:import_id>/apply")
@login_required
def import_apply(import_id: int):
    """Write the checked file: everything or nothing."""
    try:
        return _step(import_id, "apply")
    except Invalid as exc:
        return _run_page(import_runs.get_run(current_user, import_id), exc.errors, exc.message, 422)


# ---------------------------------------------------------------------------------------------- exports

def _csv(kind: str) -> Response:
    exporting.audit_export(current_user, kind, _address())
    store_id = current_user.store_id
    response = Response(stream_with_context(exporting.STREAMS[kind](store_id)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/clients.csv")
@manager_required
def export_clients():
    """Every client in the import's columns (re-imports as it is)."""
    return _csv("clients")


@bp.get("/purchases.csv")
@manager_required
def export_purchases():
    """Every purchase item in the import's columns."""
    return _csv("purchases")


@bp.get("/outreach.csv")
@manager_required
def export_outreach():
    """Every logged touch."""
    return _csv("outreach")


@bp.get("/archive.zip")
@manager_required
def export_archive():
    """The whole store: a CSV per table, import-ready clients and purchases, a manifest."""
    file, name = exporting.store_archive(current_user, _address())
    response = send_file(file, mimetype="application/zip", as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------- privacy

@bp.get("/clients/<int:client_id>/export.json")
@login_required
def client_export(client_id: int):
    """Everything the store holds about one client, as a JSON download."""
    record = privacy.client_record(current_user, client_id, _address())
    response = Response(json.dumps(record, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="client-{client_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/clients/<int:client_id>/erase", methods=["GET", "POST"])
@login_required
def client_erase(client_id: int):
    """Confirm, then erase a client's personal data (purchases stay, anonymised)."""
    if request.method == "GET":
        client = privacy.erase_preview(current_user, client_id)
        return render("data/erase.html", None, client=client)
    privacy.erase_client(current_user, client_id, _address())
    flash("The client's personal data is erased; their purchases stay, anonymised.", "success")
    return redirect(url_for("data.index"), code=303)
