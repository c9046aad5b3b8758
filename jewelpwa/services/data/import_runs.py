"""An uploaded file's way through the tablet: upload → column mapping → dry run → apply.

The upload, the mapping, the state and the last report live in `import_runs` (the database is the truth;
Redis only carries the job that works on a big file). Each step re-reads the stored file, so a dry run
and the apply see exactly the same bytes, and the apply checks everything again before writing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, select, update

from ...clock import store_today, utcnow
from ...extensions import db
from ...models import ImportRun, Store, User
from ..access import get_scoped, require_manager
from ..errors import Invalid
from . import import_mapping, pos_csv
from .importing.clients import import_clients
from .importing.purchases import import_purchases
from .importing.reading import DATE_ORDERS
from .importing.report import ImportReport

MAX_BYTES = 25 * 1024 * 1024
BACKGROUND_ROWS = 5000  # more rows than this run as a background job (config IMPORT_BACKGROUND_ROWS)
KINDS = ("clients", "purchases")
RUNNING = ("checking", "applying")
# The background job's own time limit (jewelpwa/tasks/imports.py): past it, RQ has stopped the step anyway.
JOB_TIMEOUT_S = 1800
# A dry run reports progress every few thousand rows, so ten silent minutes mean its worker is gone; an apply
# on SQLite reports none until it commits, so only the job's time limit says it is lost.
LOST_AFTER = {"checking": timedelta(minutes=10), "applying": timedelta(seconds=JOB_TIMEOUT_S + 60)}
SAMPLE_ROWS = 3


def background_rows() -> int:
    return int(current_app.config.get("IMPORT_BACKGROUND_ROWS", BACKGROUND_ROWS))


def upload(actor: User, kind: str, filename: str, data: bytes) -> ImportRun:
    """Keep the uploaded file and propose a mapping from its header (the store's remembered choices first)."""
    require_manager(actor)
    errors = {}
    if kind not in KINDS:
        errors["kind"] = "Choose clients or purchases."
    if not data:
        errors["file"] = "Choose a CSV file exported from the point of sale."
    elif len(data) > MAX_BYTES:
        errors["file"] = f"The file is {len(data) // (1024 * 1024)} MB: at most {MAX_BYTES // (1024 * 1024)} MB fit."
    if errors:
        raise Invalid("The file was not uploaded", errors)
    try:
        text, encoding = pos_csv.decode(data)
    except pos_csv.NotText as e:
        raise Invalid("The file was not uploaded", {"file": f"{str(e)[0].upper()}{str(e)[1:]}."}) from e
    try:
        table = pos_csv.read_table(text)
        rows = sum(1 for _ in table.rows)
    except Exception as e:  # noqa: BLE001 - any csv failure is the same answer to the owner
        raise Invalid("The file was not uploaded", {"file": f"This is not a CSV file ({e})."}) from e
    if not [h for h in table.header if h.strip()]:
        raise Invalid("The file was not uploaded", {"file": "The file is empty: its first line must name the columns."})
    run = ImportRun(store_id=actor.store_id, user_id=actor.id, kind=kind, filename=(filename or "upload.csv")[:200],
                    data=data, encoding=encoding, delimiter=table.delimiter, header=table.header,
                    mapping=import_mapping.recognise(table.header, kind,
                                                     import_mapping.remembered(actor.store_id, kind)),
                    rows_total=rows, status="uploaded", report={})
    db.session.add(run)
    db.session.commit()
    return run


def get_run(actor: User, import_id: int) -> ImportRun:
    run = get_scoped(actor, ImportRun, import_id)  # another store's run is 404 before the role is 403
    require_manager(actor)
    settle_lost(run)
    return run


def settle_lost(run: ImportRun, now: datetime | None = None) -> bool:
    """A background step whose worker died (killed, machine restarted) would say "checking" for ever. Once it
    has been silent longer than it could have run, mark it failed with what to do; an apply is one
    transaction, so a lost one wrote nothing."""
    if run.status not in RUNNING:
        return False
    touched = run.touched_at or run.created_at
    if (now or utcnow()) - touched <= LOST_AFTER[run.status]:
        return False
    run.error = ("the dry run stopped before it finished (its worker stopped); run it again"
                 if run.status == "checking" else
                 "the worker stopped before the import finished; it is all-or-nothing, so check the file and "
                 "apply it again")
    run.status, run.finished_at = "failed", now or utcnow()
    db.session.commit()
    return True


def recent_runs(actor: User, limit: int = 10) -> list[ImportRun]:
    require_manager(actor)
    return list(db.session.scalars(select(ImportRun).where(ImportRun.store_id == actor.store_id)
                                   .order_by(ImportRun.id.desc()).limit(limit)))


def sample(run: ImportRun) -> list[list[str]]:
    """The first few rows, shown under each column on the mapping screen."""
    text, _ = pos_csv.decode(run.data)
    table = pos_csv.read_table(text, run.delimiter)
    out = []
    for _line, cells in table.rows:
        out.append(cells)
        if len(out) == SAMPLE_ROWS:
            break
    return out


def set_mapping(actor: User, import_id: int, mapping: list[str], date_order: str | None = None) -> ImportRun:
    """Save the owner's column choices for this file and remember them for the store's next upload.

    `date_order` ("day_first" / "month_first", or blank for the store's country) is how this file writes its
    slash dates; it is kept with the run so the apply reads them exactly as the dry run did."""
    run = get_run(actor, import_id)
    if run.status in RUNNING:
        raise Invalid("This file is being worked on", {"mapping": "Wait until the current step has finished."})
    mapping = [m or "" for m in mapping][: len(run.header)]
    mapping += [""] * (len(run.header) - len(mapping))
    errors = import_mapping.check(mapping, run.kind)
    if date_order not in (None, "", *DATE_ORDERS):
        errors["date_order"] = "Choose how this file writes its dates: day first, month first or as the store does."
    if errors:
        raise Invalid("Check the columns", errors)
    run.mapping = mapping
    run.date_order = date_order or None
    run.status, run.report, run.error, run.rows_done = "uploaded", {}, None, 0
    import_mapping.remember(actor.store_id, run.kind, run.header, mapping)
    db.session.commit()
    return run


def start(actor: User, import_id: int, step: str) -> tuple[ImportRun, bool]:
    """Mark a dry run ("check") or an apply as started. Returns (run, True) when it is big enough for a job."""
    run = get_run(actor, import_id)
    if step == "apply" and run.status != "checked":
        raise Invalid("Run the dry run first", {"apply": "Check the file (dry run) before applying it."})
    if step == "apply" and run.report.get("rejected"):
        raise Invalid("Nothing can be applied", {"apply": "Fix the rejected rows in the file and upload it again."})
    if run.status in RUNNING or run.status == "applied":
        raise Invalid("Not now", {"apply": f"This file is {run.status}."})
    background = run.rows_total > background_rows()
    if background:
        run.status = "checking" if step == "check" else "applying"
        run.rows_done, run.error, run.touched_at = 0, None, utcnow()
        db.session.commit()
    return run, background


def report_dict(report: ImportReport) -> dict[str, Any]:
    return {
        "summary": report.summary, "dry_run": report.dry_run, "created": report.created, "updated": report.updated,
        "unchanged": report.unchanged, "items": report.items, "rejected_rows": report.rejected_rows,
        "rejected": [{"row": e.row, "column": e.column, "message": e.message, "text": str(e)} for e in report.rejected],
        "warnings": [{"row": e.row, "column": e.column, "message": e.message, "text": str(e)} for e in report.warnings],
        "duplicates": [{"row": d.row, "client_number": d.client_number, "existing_id": d.existing_id,
                        "existing_number": d.existing_number, "existing_name": d.existing_name, "by": d.by,
                        "text": str(d)} for d in report.duplicates],
    }


def _importer(kind: str) -> Callable[..., ImportReport]:
    return import_clients if kind == "clients" else import_purchases


def outcome(import_id: int, step: str, progress: Callable[[int, int], None] | None = None) -> tuple[dict, str]:
    """Run a dry run or an apply of a stored upload: (report, new status). An apply leaves its rows in the
    session uncommitted, so save_outcome commits them together with the run's new state."""
    run = db.session.get(ImportRun, import_id)
    if run is None:
        raise Invalid("No such import", {})
    store = db.session.get_one(Store, run.store_id)
    report = _importer(run.kind)(run.store_id, run.data, step == "check", today=store_today(store),
                                 mapping=list(run.mapping), commit=False, progress=progress,
                                 date_order=run.date_order)
    return report_dict(report), "applied" if step == "apply" and report.ok else "checked"


def save_outcome(import_id: int, report: dict, status: str) -> ImportRun:
    """One commit for the imported rows and the run marked applied: one is never saved without the other."""
    run = db.session.get_one(ImportRun, import_id)
    run.report, run.status, run.error = report, status, None
    run.rows_done, run.finished_at = run.rows_total, utcnow()
    if status == "applied":
        run.data = b""  # the rows are in the book now; a kept copy of the file would outlive an erasure
    db.session.commit()
    return run


def run_step(import_id: int, step: str, progress: Callable[[int, int], None] | None = None) -> ImportRun:
    """Run a step and record its outcome."""
    return save_outcome(import_id, *outcome(import_id, step, progress))


def record_progress(import_id: int, done: int, total: int) -> None:
    """From a background job: how many rows are checked, written on a connection of its own so the page
    sees it while the import's own transaction is still open."""
    with db.engine.begin() as conn:
        runs = cast(Table, ImportRun.__table__)
        conn.execute(update(runs).where(runs.c.id == import_id)
                     .values(rows_done=done, rows_total=max(total, 1), touched_at=utcnow()))


def record_failure(import_id: int, message: str, at: datetime | None = None) -> None:
    db.session.rollback()
    run = db.session.get(ImportRun, import_id)
    if run is not None:
        run.status, run.error, run.finished_at = "failed", message[:500], at or utcnow()
        db.session.commit()
