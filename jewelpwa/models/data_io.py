"""Import mappings and import runs (issue 7): the database, not Redis, holds an upload and its progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ._types import StoreScoped, UTCDateTime, created_at_column, utcnow

__all__ = ["ImportMapping", "ImportRun"]


class ImportMapping(StoreScoped, Model):
    """The store's confirmed column choices for one kind of file, offered on the next upload."""

    __tablename__ = "import_mappings"
    __table_args__ = (
        UniqueConstraint("store_id", "kind"),
        CheckConstraint("kind IN ('clients', 'purchases')", name="kind_valid"),
    )

    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    # {compacted header name: field or ""}
    columns: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ImportRun(StoreScoped, Model):
    """One uploaded file on its way through mapping, dry run and apply; a background job reports progress here."""

    __tablename__ = "import_runs"
    __table_args__ = (
        CheckConstraint("kind IN ('clients', 'purchases')", name="kind_valid"),
        CheckConstraint("status IN ('uploaded', 'checking', 'checked', 'applying', 'applied', 'failed')",
                        name="status_valid"),
        Index("ix_import_runs_store_created", "store_id", "created_at"),
    )

    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    encoding: Mapped[str] = mapped_column(String(20), nullable=False, default="utf-8")
    delimiter: Mapped[str] = mapped_column(String(1), nullable=False, default=",")
    header: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    mapping: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # "day_first" / "month_first" chosen for this file's slash dates; None reads them as the store's country does.
    date_order: Mapped[str | None] = mapped_column(String(12))
    rows_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="uploaded")
    # The last dry run's or apply's report (counts, rejected rows, possible duplicates, warnings).
    report: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a background step last showed life (started, or reported progress): a step silent for longer than
    # its job could run was lost with its worker (services.import_runs.settle_lost).
    touched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
