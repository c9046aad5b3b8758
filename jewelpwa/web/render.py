"""One rule for page vs fragment, and the htmx-or-redirect answer after a mutation."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, flash, redirect, render_template
from jinja2_fragments.flask import render_block
from werkzeug.wrappers import Response as BaseResponse

from ..extensions import htmx


def wants_fragment() -> bool:
    """A fragment only for a plain htmx request: boosted links and history restores need the whole page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str | None = None, **context: Any) -> str:
    """Render the page, or only its named block when htmx asked for a fragment (the markup exists once)."""
    if block and wants_fragment():
        return render_block(template, block, **context)
    return render_template(template, **context)


def toast_trigger(message: str, **extra: Any) -> dict[str, str]:
    return {"HX-Trigger": json.dumps({"showToast": {"message": message, **extra}})}


def after_mutation(location: str, template: str, block: str, message: str, status: int = 200,
                   toast: dict[str, Any] | None = None, **context: Any) -> BaseResponse:
    """htmx gets the updated fragment and a toast; a plain browser gets a 303 to the page (POST/redirect/GET)."""
    if wants_fragment():
        body = render_block(template, block, **context)
        return Response(body, status=status, headers=toast_trigger(message, **(toast or {})))
    flash(message, "success")
    return redirect(location, code=303)
