"""Loyalty tiers, trade-up policy, the shared-list phone and top referrers: the owner's /owner/loyalty page."""

from __future__ import annotations

from flask import Blueprint, make_response, request, url_for
from flask_login import current_user

from ..services.book import referrals, trade_up
from ..services.engine import client_value
from ..services.errors import Invalid
from ..services.owner import loyalty
from ..web.inputs import row_indices
from ..web.render import after_mutation, render
from .pages import manager_required

bp = Blueprint("relations", __name__, url_prefix="/owner/loyalty")

BLANK_TIER_ROWS = 2  # without JavaScript the form offers this many empty rows for new tiers
TEMPLATE = "relations/index.html"


def _context(**overrides) -> dict:
    tiers = client_value.store_tiers(current_user.store_id)
    policy = trade_up.policy_of(current_user.store_id)
    rows = [{"name": t.name, "min_spend": f"{t.min_spend:.0f}" if t.min_spend == int(t.min_spend) else str(t.min_spend),
             "perks": t.perks} for t in tiers]
    ctx = {"tier_rows": rows + [{}] * BLANK_TIER_ROWS, "policy": policy, "categories": trade_up.CATEGORIES,
           "referrers": referrals.top_referrers(current_user), "errors": {}, "form": None, "form_message": None}
    ctx.update(overrides)
    return ctx


def _save(block: str, save, message: str, form_rows=None):  # noqa: ANN001, ANN202
    """POST: save, then the section with a toast (htmx) or a 303; bad input re-renders the section (422)."""
    try:
        save()
    except Invalid as exc:
        extra = {"tier_rows": form_rows} if form_rows is not None else {}
        ctx = _context(errors=exc.errors, form=request.form, form_message=f"{exc.message}: fix the fields marked below.",
                       failed=block, **extra)
        return make_response(render(TEMPLATE, block, **ctx), 422)
    return after_mutation(url_for("relations.index") + f"#{block.replace('_', '-')}", TEMPLATE, block, message,
                          **_context())


@bp.get("/")
@manager_required
def index():
    """Loyalty tiers, the trade-up credit policy, the phone on shared wish lists, and top referrers."""
    return make_response(render(TEMPLATE, None, **_context()))


def _posted_tiers() -> list[dict[str, str]]:
    f = request.form
    indices = row_indices(f, "tiers")[:20]
    return [{name: f.get(f"tiers-{i}-{name}", "") for name in ("name", "min_spend", "perks")} for i in indices]


@bp.post("/tiers")
@manager_required
def tiers():
    """Replace the store's tiers (ascending minimums, unique names); every client is re-tiered at once."""
    rows = _posted_tiers()
    return _save("tiers_form", lambda: loyalty.save_tiers(current_user, [(r["name"], r["min_spend"], r["perks"])
                                                                          for r in rows]),
                 "Loyalty tiers saved", form_rows=rows)


@bp.post("/trade-up")
@manager_required
def trade_up_policy():
    """Trade-up credit terms for sales recorded from now on."""
    f = request.form
    return _save("trade_up_form", lambda: trade_up.save_policy(current_user, f.get("enabled") == "1", f.get("percent", ""),
                                                               f.get("multiple", ""), f.getlist("categories")),
                 "Trade-up policy saved")


@bp.post("/share-phone")
@manager_required
def share_phone():
    """The phone number shared wish lists show."""
    return _save("share_form", lambda: trade_up.save_share_phone(current_user, request.form.get("share_phone", "")),
                 "Phone for shared wish lists saved")
