"""The request's edge: ids in URLs, text in every query, form and JSON value, and the size of what is sent.

- `<int:...>` in a rule is the IdConverter: ASCII digits naming an id the columns can hold, else 404 (werkzeug's
  own took 2147483648, which PostgreSQL refused with a 500, and any length of digits).
- Every text value of a request (query, form, JSON, the words in the path, and the names of fields too) is
  checked for what no column may hold (domain.inputs.text_problem) before a view runs: 422 naming the field.
  Lengths are the columns' business and are checked where rows are stored (services/stored_text.py).
- MAX_CONTENT_LENGTH bounds a request's body (413 before anything is parsed or echoed back); the CSV upload
  alone may send more (UPLOAD_MAX_CONTENT_LENGTH). MAX_FORM_MEMORY_SIZE bounds one form field, MAX_FORM_PARTS
  the number of fields.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter, ValidationError

from ..domain.inputs import row_id, text_problem, whole_number
from .errors import error_page

# Endpoints whose body may be larger than MAX_CONTENT_LENGTH: the CSV import's upload, and the email provider's
# inbound post (a client's reply with a photo attached; a refusal would only make Mailgun post it again for hours).
LARGE_UPLOADS = {"data.upload", "messages.inbound_email"}
# A provider's post, not a person's form: a long HTML part or a stray control character in someone's email is not
# theirs to fix, so no 422 page; the service keeps what it can store (services/messages/inbound.py).
PROVIDER_POSTS = {"messages.inbound_email"}
# A request value longer than this is refused at the edge whatever field it is (the longest column is shorter).
VALUE_MAX = 100_000
# Repeated rows (sale items, gift list names, loyalty tiers) are numbered below this; htmx adds them one by one.
MAX_ROW_INDEX = 999


class IdConverter(BaseConverter):
    """`<int:client_id>`: an id some row could have; anything else matches no route (404)."""

    regex = r"[0-9]{1,10}"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        found = row_id(value)
        if found is None:
            raise ValidationError()
        return found

    def to_url(self, value: Any) -> str:
        return str(int(value))


def _values(data: Any, where: str) -> list[tuple[str, str]]:
    """(field, text) for every string in a JSON document, keys included, named by their path."""
    found: list[tuple[str, str]] = []
    if isinstance(data, str):
        found.append((where, data))
    elif isinstance(data, dict):
        for key, value in data.items():
            found.append((f"{where}.{key}" if where else str(key), str(key)))
            found.extend(_values(value, f"{where}.{key}" if where else str(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(_values(value, f"{where}[{i}]"))
    return found


def request_texts() -> list[tuple[str, str]]:
    """(field, text) of every text the request carries: path words, query and form names and values, JSON."""
    found = [(name, value) for name, value in (request.view_args or {}).items() if isinstance(value, str)]
    for source in (request.args, request.form) if request.method != "GET" else (request.args,):
        for name, values in source.lists():
            found.append((name, name))
            found.extend((name, value) for value in values)
    if request.method != "GET" and request.is_json:
        found.extend(_values(request.get_json(silent=True), ""))
    if request.method != "GET":  # a GET carries no files (reading request.files would parse an empty form)
        for name, upload in request.files.items(multi=True):
            found.append((name, upload.filename or ""))
    return found


def row_indices(form: Any, prefix: str) -> list[int]:
    """The row numbers of repeated fields named `prefix-N-field` (N in ASCII digits, below MAX_ROW_INDEX), in order."""
    found = set()
    for key in form:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == prefix:
            index = whole_number(parts[1], 0, MAX_ROW_INDEX)
            if index is not None:
                found.add(index)
    return sorted(found)


def arg_number(name: str, lowest: int, highest: int) -> int | None:
    """A whole-number query argument within bounds, or None."""
    return whole_number(request.args.get(name), lowest, highest)


def field_label(name: str) -> str:
    return name.replace("_", " ").replace("-", " ").strip() or "a field"


def unstorable() -> tuple[str, int] | None:
    """A 422 page naming the first field whose text cannot be stored, or None when every value is fine."""
    if request.endpoint in PROVIDER_POSTS:
        return None
    for name, value in request_texts():
        problem = text_problem(value, VALUE_MAX)
        if problem:
            return error_page(422, f"{field_label(name)[:60]}: {problem}")
    return None


def init_inputs(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter

    def _upload_size() -> None:
        if request.endpoint in LARGE_UPLOADS:
            request.max_content_length = app.config["UPLOAD_MAX_CONTENT_LENGTH"]
        if request.endpoint in PROVIDER_POSTS:  # an email's HTML part may be one large field
            request.max_form_memory_size = app.config["UPLOAD_MAX_CONTENT_LENGTH"]

    # First of all hooks: the CSRF check reads the form, and must read it under the upload's bound.
    app.before_request_funcs.setdefault(None, []).insert(0, _upload_size)
    # After the CSRF check (registered before this): a write without its token is refused for that first.
    app.before_request(unstorable)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_e: RequestEntityTooLarge) -> tuple[str, int] | Response:
        # The body is not parsed, so nothing of it comes back.
        most = request.max_content_length or app.config["MAX_CONTENT_LENGTH"]
        return error_page(413, f"That was more than JewelPWA takes at once (at most {most // 1024:,} KB). "
                               "Shorten the text, or send a file through Data → Import.")
