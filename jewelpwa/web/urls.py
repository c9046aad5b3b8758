"""`url_for` in templates, remembering the URLs that are the same on every page of a process.

Every full page builds about 25 URLs in base.html alone (the stylesheet and scripts, the icons, the navigation),
each through Werkzeug's URL map: about a millisecond of a page's CPU for URLs that never change while the app runs.
A URL with no values but a static file's name (`url_for('today.index')`, `url_for('static', filename=...)`) is
built once per script root and endpoint and then read from a dict; anything with other values (a client id, an
anchor, `_external`) goes straight to Flask's url_for as before. The set is bounded by the templates' literal calls.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request


def init_urls(app: Flask) -> None:
    build = app.url_for  # what Flask puts in the templates' globals
    known: dict[tuple[str, str, str | None], str] = {}

    def url_for(endpoint: str, /, **values: Any) -> str:  # noqa: ANN401 - url_for's own values
        filename = values.get("filename")
        if (values and (len(values) != 1 or not isinstance(filename, str))) or not has_request_context():
            return build(endpoint, **values)
        key = (request.script_root, endpoint, filename)
        url = known.get(key)
        if url is None:
            url = known[key] = build(endpoint, **values)
        return url

    app.jinja_env.globals["url_for"] = url_for
