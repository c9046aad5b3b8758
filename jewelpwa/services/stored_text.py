"""No text reaches a table that the table cannot hold: one check, at the session's flush, for every writer.

Each service checks what its form means (a name is required, a phone is a phone); this checks what every text
column needs whoever writes it (a form, JSON, the import, the CLI): no NUL or control character (PostgreSQL
refuses NUL in text and answered 500) and no more characters than the column holds (PostgreSQL refuses those
too; SQLite would keep them and every later page would carry them). Text columns without a length get
TEXT_MAX. The refusal is the services' `Invalid`, keyed by the attribute name (which is the form field's name
wherever a form edits a row), so the form comes back with a message at the field, and the session is rolled
back first: nothing half-written, and rendering the form cannot flush the refused row again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from ..domain.inputs import text_problem
from .errors import Invalid

# Notes and descriptions: far more than anyone types at a counter, far less than a pasted file.
TEXT_MAX = 20_000

_COLUMNS: dict[type, list[tuple[str, int]]] = {}


def _text_columns(cls: type) -> list[tuple[str, int]]:
    """(attribute, most characters) of a mapped class's text columns, worked out once per class."""
    found = _COLUMNS.get(cls)
    if found is None:
        mapper: Any = inspect(cls)
        found = []
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            if isinstance(column.type, String):
                found.append((attr.key, column.type.length or TEXT_MAX))
        _COLUMNS[cls] = found
    return found


def problems_of(obj: Any, only_changed: bool) -> dict[str, str]:
    """Field -> what is wrong, for the text attributes of one mapped object (its changed ones when asked)."""
    state = inspect(obj)
    errors: dict[str, str] = {}
    # A changed attribute is one the object recorded a change of (its committed state): reading each text
    # column's history instead cost a client's 20 text columns on every flush of a touched client.
    changed = state.committed_state if only_changed else None
    for key, most in _text_columns(type(obj)):
        value = state.dict.get(key)
        if changed is not None and (key not in changed or changed[key] == value):
            continue
        if isinstance(value, str):
            problem = text_problem(value, most)
            if problem:
                errors[key] = problem
    return errors


def check_row(obj: Any) -> None:
    """Raise Invalid when one object's text cannot be stored (for code that wants to know before adding it)."""
    errors = problems_of(obj, only_changed=False)
    if errors:
        raise Invalid("Some text cannot be saved", errors)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    errors: dict[str, str] = {}
    for obj in session.new:
        errors.update(problems_of(obj, only_changed=False))
    for obj in session.dirty:
        errors.update(problems_of(obj, only_changed=True))
    if errors:
        session.rollback()
        raise Invalid("Some text cannot be saved", errors)


def install() -> None:
    """Listen on every session (idempotent: one listener however many apps a process builds)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
