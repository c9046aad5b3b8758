"""What an import returns: counts, row-numbered errors and warnings, possible duplicates, a one-line summary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the line it is on (header = 1), the column, and what to fix."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}" if self.column else f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class PossibleDuplicate:
    """Row `row` (new client `client_number`) has the phone or email of the book's client `existing_number`."""

    row: int
    client_number: str
    existing_id: int
    existing_number: str | None
    existing_name: str
    by: str  # "phone" or "email"

    def __str__(self) -> str:
        return (f"row {self.row}: client {self.client_number} has the {self.by} of {self.existing_name} "
                f"(client {self.existing_number or 'without a number'})")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do). Nothing was written when `rejected` is not empty."""

    kind: str  # "clients" or "purchases"
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    items: int = 0  # purchase items written (purchases only)
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    # New clients whose phone or email is already a client's under another number: offered, never merged.
    duplicates: list[PossibleDuplicate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.rejected})

    @property
    def summary(self) -> str:
        """One line, e.g. "Would create 120 clients, update 3; 0 rows rejected"."""
        rows = f"{self.rejected_rows} row{'' if self.rejected_rows == 1 else 's'} rejected"
        if self.rejected:
            return f"Nothing imported: {rows} ({len(self.rejected)} problem{'' if len(self.rejected) == 1 else 's'})"
        create, update = ("Would create", "update") if self.dry_run else ("Created", "updated")
        noun = self.kind if self.created != 1 else self.kind.removesuffix("s")
        text = f"{create} {self.created} {noun}, {update} {self.updated}"
        if self.unchanged:
            text += f", {self.unchanged} unchanged"
        return f"{text}; {rows}"
