"""Exports: clients, purchases and outreach as CSV, and the whole store as a zip archive.

The clients and purchases files use the importer's documented columns, so an export re-imports as it is
(into this store: nothing changes; into a new one: the same book). Rows are read in keyset pages and
written as they go, so 50,000 clients never sit in memory. Every cell a spreadsheet would run as a formula
gets a leading apostrophe (pos_csv.neutralise); the importer removes it again.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import Table, select

from ...clock import utcnow
from ...domain.client_columns import display_name
from ...domain.vocab import DateKind, Relation
from ...extensions import db
from ...models import AuditEvent, Client, ImportantDate, Outreach, Person, Purchase, PurchaseItem, Store, User
from ..access import require_manager
from .app_names import app_number, app_receipt
from .import_mapping import EXPORT_CLIENT_FIELDS, EXPORT_PURCHASE_FIELDS
from .pos_csv import neutralise

PAGE = 1000
OUTREACH_COLUMNS = ("occurred_at", "client_number", "client_name", "associate_email", "channel", "outcome", "note")
KINDS = ("clients", "purchases", "outreach")
# Never leave the building: sign-in secrets, device push keys, the outbox, uploaded files. Tables of other
# areas holding a secret column are filtered by name below.
# client_search_terms is derived from the clients' names and numbers (SQLite's search index), not data of its own.
_SKIP_TABLES = {"user_sessions", "push_subscriptions", "notifications", "import_runs", "client_search_terms"}
_SECRET_WORDS = ("password", "secret", "token", "hash", "p256dh")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return neutralise(value)


class _Lines:
    """csv.writer into a buffer that is emptied after every row: a streaming response yields each line."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def row(self, cells: Iterable[Any]) -> str:
        self.writer.writerow([_cell(c) for c in cells])
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def _pages(statement, key) -> Iterator[list[Any]]:  # noqa: ANN001 - a select and its ordering column
    """Keyset pages of a select ordered by `key` (an id): constant memory and no OFFSET scans."""
    last = 0
    while True:
        rows = list(db.session.execute(statement.where(key > last).order_by(key).limit(PAGE)))
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def audit_export(actor: User, what: str, address: str | None) -> None:
    """Owners and managers only; the export is recorded before the first byte leaves."""
    require_manager(actor)
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action=f"export_{what}", address=address))
    db.session.commit()


def _staff(store_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(User.id, User.email).where(User.store_id == store_id)).all())


def _yearly(row: Any) -> str:
    return f"{row.year:04d}-{row.month:02d}-{row.day:02d}" if row.year else f"{row.month:02d}-{row.day:02d}"


# Exported as they are, in EXPORT_CLIENT_FIELDS' order after the first fifteen.
_MORE_CLIENT_COLUMNS = ("phone2", "company", "preferred_name", "address_line1", "address_line2", "city", "region",
                        "postal_code", "country", "tags")


def clients_csv(store_id: int) -> Iterator[str]:
    """The store's clients (erased ones left out) in the import's columns, one line at a time."""
    out = _Lines()
    yield "\ufeff" + out.row(EXPORT_CLIENT_FIELDS)  # the BOM makes Excel read UTF-8
    staff = _staff(store_id)
    stmt = select(Client.id, Client.client_number, Client.first_name, Client.last_name, Client.email, Client.phone,
                  Client.assigned_to_id, Client.preferred_channel, Client.do_not_contact, Client.frequency,
                  Client.notes, *(getattr(Client, name) for name in _MORE_CLIENT_COLUMNS),
                  Client.first_seen_on, Client.ring_size, Client.metals, Client.stones, Client.brands, Client.styles,
                  Client.opted_out).where(Client.store_id == store_id, Client.erased_at.is_(None))
    for page in _pages(stmt, Client.id):
        ids = [c.id for c in page]
        people: dict[int, list[Any]] = {}
        for p in db.session.execute(select(Person.id, Person.client_id, Person.name, Person.relation)
                                    .where(Person.client_id.in_(ids)).order_by(Person.id)):
            people.setdefault(p.client_id, []).append(p)
        own: dict[tuple[int, str], str] = {}
        born: dict[int, str] = {}
        for d in db.session.execute(select(ImportantDate.client_id, ImportantDate.person_id, ImportantDate.kind,
                                           ImportantDate.month, ImportantDate.day, ImportantDate.year)
                                    .where(ImportantDate.client_id.in_(ids),
                                           ImportantDate.kind.in_([DateKind.BIRTHDAY, DateKind.ANNIVERSARY]))
                                    .order_by(ImportantDate.id)):
            if d.person_id is None:
                own.setdefault((d.client_id, d.kind), _yearly(d))
            elif d.kind == DateKind.BIRTHDAY:
                born.setdefault(d.person_id, _yearly(d))
        for c in page:
            mine = people.get(c.id, [])
            partner = next((p for p in mine if p.relation == Relation.PARTNER), None)
            children = "; ".join(f"{p.name}:{born[p.id]}" if p.id in born else p.name
                                 for p in mine if p.relation == Relation.CHILD)
            yield out.row((app_number(c.id, c.client_number), c.first_name, c.last_name, c.email, c.phone,
                           own.get((c.id, DateKind.BIRTHDAY)), own.get((c.id, DateKind.ANNIVERSARY)),
                           partner.name if partner else None, born.get(partner.id) if partner else None,
                           children, staff.get(c.assigned_to_id), c.preferred_channel, c.do_not_contact,
                           c.frequency, c.notes,
                           *(", ".join(v) if isinstance(v := getattr(c, name), list) else v
                             for name in _MORE_CLIENT_COLUMNS),
                           c.first_seen_on.isoformat(), c.ring_size,
                           *(", ".join(getattr(c, name) or []) for name in ("metals", "stones", "brands", "styles")),
                           # Consent as the import reads it back (its no_* columns): a round trip keeps every opt-out.
                           *(ch in (c.opted_out or []) for ch in ("call", "text", "email", "mail"))))


def purchases_csv(store_id: int) -> Iterator[str]:
    """One line per item in the import's columns; an erased client's sales stay (anonymised) for the books."""
    out = _Lines()
    yield "\ufeff" + out.row(EXPORT_PURCHASE_FIELDS)
    staff = _staff(store_id)
    stmt = (select(PurchaseItem.id, Purchase.id.label("purchase_id"), Purchase.receipt_number, Purchase.purchased_on,
                   Purchase.occasion, Purchase.associate_id, Client.id.label("client_id"), Client.client_number,
                   PurchaseItem.description, PurchaseItem.category, PurchaseItem.metal, PurchaseItem.stone,
                   PurchaseItem.brand, PurchaseItem.price)
            .join(Purchase, Purchase.id == PurchaseItem.purchase_id).join(Client, Client.id == Purchase.client_id)
            .where(PurchaseItem.store_id == store_id))
    for page in _pages(stmt, PurchaseItem.id):
        for r in page:
            yield out.row((app_number(r.client_id, r.client_number), r.purchased_on,
                           app_receipt(r.purchase_id, r.receipt_number), r.description, r.category, r.metal, r.stone,
                           r.brand, r.price, r.occasion, staff.get(r.associate_id)))


def outreach_csv(store_id: int) -> Iterator[str]:
    """Every logged touch: when, which client, who, channel, outcome, note."""
    out = _Lines()
    yield "\ufeff" + out.row(OUTREACH_COLUMNS)
    staff = _staff(store_id)
    stmt = (select(Outreach.id, Outreach.occurred_at, Client.id.label("client_id"), Client.client_number,
                   Client.first_name, Client.last_name, Outreach.user_id, Outreach.channel, Outreach.outcome,
                   Outreach.note)
            .join(Client, Client.id == Outreach.client_id).where(Outreach.store_id == store_id))
    for page in _pages(stmt, Outreach.id):
        for r in page:
            yield out.row((r.occurred_at, app_number(r.client_id, r.client_number),
                           display_name(r.first_name, r.last_name), staff.get(r.user_id), r.channel, r.outcome,
                           r.note))


STREAMS = {"clients": clients_csv, "purchases": purchases_csv, "outreach": outreach_csv}


# ------------------------------------------------------------------------------------------ archive

def _archive_tables() -> list[tuple[Table, list[str]]]:
    """Every table holding this store's rows, with the columns that may leave (no secrets)."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in _SKIP_TABLES or ("store_id" not in table.c and table.name != "stores"):
            continue
        columns = [c.name for c in table.c if not any(word in c.name for word in _SECRET_WORDS)]
        found.append((table, columns))
    return found


def _write_table(archive: zipfile.ZipFile, table: Table, columns: list[str], store_id: int) -> int:
    key = table.c.id if "id" in table.c else None
    where = table.c.id == store_id if table.name == "stores" else table.c.store_id == store_id
    out = _Lines()
    count = 0
    with archive.open(f"tables/{table.name}.csv", "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        text.write(out.row(columns))
        stmt = select(*(table.c[c] for c in columns)).where(where)
        pages = _pages(stmt, key) if key is not None and columns[0] == "id" else [list(db.session.execute(stmt))]
        for page in pages:
            for row in page:
                text.write(out.row(row))
                count += 1
        text.flush()
        text.detach()
    return count


def store_archive(actor: User, address: str | None = None) -> tuple[IO[bytes], str]:
    """A zip of the whole store: a CSV per table, clients.csv and purchases.csv ready to import, a manifest."""
    audit_export(actor, "archive", address)
    store = db.session.get_one(Store, actor.store_id)
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - handed to send_file
    manifest: dict[str, Any] = {"format": "jewelpwa.archive.v1", "store": store.name,
                                "exported_at": utcnow().isoformat(), "exported_by": actor.email, "tables": {}}
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, columns in _archive_tables():
            # Put the id first so pages can follow it.
            if "id" in columns:
                columns = ["id", *[c for c in columns if c != "id"]]
            rows = _write_table(archive, table, columns, store.id)
            manifest["tables"][f"tables/{table.name}.csv"] = {"rows": rows, "columns": columns}
        for kind in ("clients", "purchases"):
            with archive.open(f"import/{kind}.csv", "w") as raw:
                for line in STREAMS[kind](store.id):
                    raw.write(line.encode("utf-8"))
        manifest["import"] = {"import/clients.csv": "flask --app wsgi import clients import/clients.csv",
                              "import/purchases.csv": "flask --app wsgi import purchases import/purchases.csv"}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        archive.writestr("README.txt", _README.format(store=store.name, at=manifest["exported_at"]))
    spool.seek(0)
    return spool, f"{_slug(store.name)}-archive-{utcnow():%Y%m%d}.zip"


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") or "store"


_README = """JewelPWA archive of {store}, taken {at}.

tables/*.csv   one file per table, every row of this store (UTF-8, comma-separated, first line names the
               columns; dates are ISO 8601, times UTC; lists are JSON). Ids link the files together.
import/*.csv   clients and purchases in the columns JewelPWA (and most point-of-sale systems) import:
               flask --app wsgi import clients import/clients.csv
               flask --app wsgi import purchases import/purchases.csv
manifest.json  what is in each file and how many rows.

Cells that a spreadsheet would run as a formula (starting with = + - @) start with an apostrophe.
Passwords, sign-in sessions and device push keys are not in the archive.
"""
