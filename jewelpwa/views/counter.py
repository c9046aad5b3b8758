"""At the counter: add a client, log a sale, add a person, a date, a wish item or a referral."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response as BaseResponse

from ..domain.client_columns import phone_digits
from ..domain.inputs import row_id
from ..domain.reasons import month_day
from ..domain.seasons import holiday_season
from ..domain.vocab import DateKind, ItemCategory, Relation
from ..services.access import get_client
from ..services.book.clients import DuplicateClient, assignable_staff, create_client
from ..services.book.gift_list import GiftInput, add_gift_list
from ..services.book.people import DateInput, add_date, add_person
from ..services.book.purchases import ItemInput
from ..services.book.referrals import record_referral, referral_of, search_referrers
from ..services.book.sales import log_sale
from ..services.book.trade_up import set_credit_status
from ..services.book.wishes import add_wish, set_wish_status
from ..services.engine.planner import engine_settings
from ..services.errors import Invalid
from ..web.clock import local_today
from ..web.inputs import MAX_ROW_INDEX, arg_number, row_indices
from ..web.locale import money
from ..web.render import render, wants_fragment

bp = Blueprint("counter", __name__)

OCCASIONS = (("birthday", "Birthday"), ("anniversary", "Anniversary"), ("engagement", "Engagement"),
             ("wedding", "Wedding"), ("holiday", "Holiday"), ("valentines", "Valentine's Day"),
             ("mothers_day", "Mother's Day"), ("graduation", "Graduation"), ("self", "For themselves"),
             ("just_because", "Just because"))
ITEM_FIELDS = ("category", "metal", "stone", "price", "description")
NO_JS_ITEM_ROWS = 3  # without JavaScript the sale form offers this many item rows; blank ones are ignored
GIFT_ROWS = 3
MAX_ROWS = 30

def card_url(client_id: int) -> str:
    """The client card, built by the card blueprint (a literal path until that endpoint exists)."""
    try:
        return url_for("card.show", client_id=client_id)
    except BuildError:
        return f"/clients/{client_id}"

@bp.context_processor
def _template_helpers() -> dict:
    return {"card_url": card_url}

def go(location: str, message: str) -> BaseResponse:
    """After a save: a 303 for browsers and boosted forms, HX-Redirect for a plain htmx request; a toast either way."""
    flash(message, "success")
    if wants_fragment():
        return Response("", 200, {"HX-Redirect": location})
    return redirect(location, code=303)

def _date_input(prefix: str) -> DateInput:
    f = request.form
    return DateInput(f.get(f"{prefix}_month", ""), f.get(f"{prefix}_day", ""), f.get(f"{prefix}_year", ""),
                     f.get(f"{prefix}_on", ""))

def _int_or_none(value: str | None) -> int | None:
    return row_id(value)

# ------------------------------------------------------------------------------------------- add a client

@bp.route("/clients/new", methods=["GET", "POST"])
@login_required
def new_client():
    """Add a client in a few taps; a phone or e-mail already in the book is offered before saving."""
    ctx = {"staff": assignable_staff(current_user), "form": request.form, "errors": {}, "message": None,
           "duplicates": []}
    if request.method == "POST":
        f = request.form
        digits = phone_digits(f.get("phone"), current_user.store.country) or ""
        fingerprint = f"{digits}|{f.get('email', '').strip().lower()}"
        # "Save anyway" holds only for the phone and e-mail that were shown as duplicates.
        confirmed = f.get("confirm_duplicate") == "1" and f.get("confirm_for", fingerprint) == fingerprint
        try:
            client = create_client(current_user, f.get("first_name", ""), f.get("last_name", ""), f.get("phone", ""),
                                   f.get("email", ""), f.get("date_kind", ""), _date_input("date"),
                                   _int_or_none(f.get("assigned_to_id")), confirmed, local_today())
        except DuplicateClient as e:
            ctx.update(duplicates=e.matches, message=e.message, errors=e.errors, fingerprint=fingerprint)
        except Invalid as e:
            ctx.update(errors=e.errors, message="Client not saved: fix the fields marked below.")
        else:
            return go(card_url(client.id), f"{client.display_name} added")
        return Response(render("counter/client_new.html", "client_form", **ctx), 422)
    return Response(render("counter/client_new.html", "client_form", **ctx))

# ------------------------------------------------------------------------------------------- log a sale

def item_rows() -> list[dict[str, str]]:
    """Item rows in the order posted (any indices, htmx may add some); rows with nothing typed are dropped."""
    rows = [{name: request.form.get(f"items-{i}-{name}", "").strip() for name in ITEM_FIELDS}
            for i in row_indices(request.form, "items")]
    return [row for row in rows if any(row.values())]


def too_many(rows: list, what: str) -> Invalid | None:
    """More rows than one form may hold: refused as a whole, never cut short without a word."""
    if len(rows) <= MAX_ROWS:
        return None
    message = f"One {what} holds at most {MAX_ROWS} rows and this one has {len(rows)}: split it in two."
    return Invalid(message, {"rows": message})

def sale_items(rows: list[dict[str, str]]) -> list[ItemInput]:
    return [ItemInput(category=r["category"], price=r["price"], metal=r["metal"] or None, stone=r["stone"] or None,
                      description=r["description"] or None) for r in rows]


def posted_occasion() -> str | None:
    occasion = request.form.get("occasion")
    return occasion if occasion in dict(OCCASIONS) else None


def _sale_context(client, **extra):
    ctx = {"client": client, "form": request.form, "errors": {}, "message": None, "rows": [{}],
           "today": local_today(), "occasions": OCCASIONS, "categories": list(ItemCategory), "relations": list(Relation),
           "no_js_rows": NO_JS_ITEM_ROWS}
    ctx.update(extra)
    ctx["next_item"] = max(len(ctx["rows"]), NO_JS_ITEM_ROWS)
    return ctx

@bp.route("/clients/<int:client_id>/sales/new", methods=["GET", "POST"])
@login_required
def new_sale(client_id: int):
    """Log a sale: items, occasion, for whom; its follow-ups are scheduled at once (and the gift list offered in season)."""
    client = get_client(current_user, client_id)
    index = arg_number("item", 0, MAX_ROW_INDEX)
    if request.method == "GET" and index is not None:
        # htmx "Add another item": one more row, and the button moved on to the next index.
        return Response(render("counter/_item_row.html", None, i=index, row={}, errors={}, client=client,
                               categories=list(ItemCategory), appended=True))
    if request.method == "GET":
        return Response(render("counter/sale_new.html", "sale_form", **_sale_context(client)))
    rows = item_rows()
    f = request.form
    items, occasion = sale_items(rows), posted_occasion()
    try:
        if refused := too_many(rows, "sale"):
            raise refused
        sale = log_sale(current_user, client.id, f.get("purchased_on", ""), items, occasion, f.get("recipient", ""),
                        f.get("new_recipient_name", ""), f.get("new_recipient_relation", ""),
                        f.get("receipt_number", ""), local_today())
    except Invalid as e:
        ctx = _sale_context(client, errors=e.errors, message=e.message, rows=rows or [{}])
        return Response(render("counter/sale_new.html", "sale_form", **ctx), 422)
    message = f"Sale saved · {money(sale.purchase.total)}"
    if sale.scheduled_text:
        message += f". Scheduled: {sale.scheduled_text}"
    if sale.gift_list_open:
        return go(url_for("counter.gift_list", client_id=client.id), message)
    return go(card_url(client.id), message)

@bp.route("/clients/<int:client_id>/gift-list", methods=["GET", "POST"])
@login_required
def gift_list(client_id: int):
    """Holiday season, after a sale: who else is on the client's list, each with a gift follow-up."""
    client = get_client(current_user, client_id)
    season = holiday_season(local_today(), engine_settings(current_user.store))
    index = arg_number("row", 0, MAX_ROW_INDEX)
    if request.method == "GET" and index is not None:
        return Response(render("counter/_gift_row.html", None, i=index, row={}, errors={}, client=client,
                               relations=list(Relation), appended=True))
    ctx: dict[str, Any] = {"client": client, "season": season, "errors": {}, "message": None, "relations": list(Relation),
           "rows": [{}] * GIFT_ROWS, "by": month_day(season.expires_on) if season else None}
    if request.method == "POST":
        f = request.form
        rows = [{"name": f.get(f"gifts-{i}-name", "").strip(), "relation": f.get(f"gifts-{i}-relation", "")}
                for i in row_indices(f, "gifts")]
        try:
            if refused := too_many([r for r in rows if r["name"]], "gift list"):
                raise refused
            made = add_gift_list(current_user, client.id, [GiftInput(r["name"], r["relation"]) for r in rows], local_today())
        except Invalid as e:
            ctx.update(errors=e.errors, message=e.message, rows=rows or ctx["rows"])
            return Response(render("counter/gift_list.html", "gift_form", **ctx), 422)
        names = ", ".join(f"{f.detail.get('name')}" for f in made)
        return go(card_url(client.id), f"Gift follow-ups by {ctx['by']}: {names}")
    ctx["next_row"] = GIFT_ROWS
    return Response(render("counter/gift_list.html", "gift_form", **ctx))

# ------------------------------------------------------------------------------------------- person, date, wish

def _simple_form(template: str, block: str, client, save, saved_message, **extra):
    """GET renders the form; POST calls `save()` and goes to the card, or re-renders with its errors (422)."""
    ctx = {"client": client, "form": request.form, "errors": {}, "message": None, "relations": list(Relation),
           "date_kinds": list(DateKind), "categories": list(ItemCategory), "cancel_url": card_url(client.id), **extra}
    if request.method == "POST":
        try:
            saved = save()
        except Invalid as e:
            ctx.update(errors=e.errors, message=f"{e.message}: fix the fields marked below.")
            return Response(render(template, block, **ctx), 422)
        return go(card_url(client.id), saved_message(saved))
    return Response(render(template, block, **ctx))

@bp.route("/clients/<int:client_id>/people/new", methods=["GET", "POST"])
@login_required
def new_person(client_id: int):
    """Add someone in the client's life: partner, child, parent, friend; birthday optional."""
    client = get_client(current_user, client_id)
    f = request.form
    return _simple_form(
        "counter/person_new.html", "person_form", client,
        lambda: add_person(current_user, client.id, f.get("name", ""), f.get("relation", ""), _date_input("birthday"),
                           local_today()),
        lambda person: f"{person.name} added to {client.first_name}'s people")

@bp.route("/clients/<int:client_id>/dates/new", methods=["GET", "POST"])
@login_required
def new_date(client_id: int):
    """Add a yearly date of the client or one of their people; the year may be left out."""
    client = get_client(current_user, client_id)
    f = request.form
    return _simple_form(
        "counter/date_new.html", "date_form", client,
        lambda: add_date(current_user, client.id, f.get("kind", ""), _date_input("date"), local_today(),
                         _int_or_none(f.get("person_id")), f.get("label", "")),
        # 2000 is a leap year, so a 29 February date names its own day.
        lambda row: f"Date saved: {row.label or DateKind(row.kind).value.title()} {month_day(date(2000, row.month, row.day))}")

@bp.route("/clients/<int:client_id>/wishes/new", methods=["GET", "POST"])
@login_required
def new_wish(client_id: int):
    """Note a piece the client (or someone in their life) would love."""
    client = get_client(current_user, client_id)
    f = request.form
    return _simple_form(
        "counter/wish_new.html", "wish_form", client,
        lambda: add_wish(current_user, client.id, f.get("description", ""), _int_or_none(f.get("person_id")),
                         f.get("category", ""), f.get("metal", ""), f.get("stone", ""), f.get("price_hint", "")),
        lambda wish: f"Wish saved: {wish.description}",
        # "Add to Anna's list" on the card opens the form with Anna chosen.
        form=request.form if request.method == "POST" else request.args)

WISH_DONE = {"bought": "marked bought", "removed": "removed from the list", "open": "back on the list"}

@bp.post("/wishes/<int:wish_id>/status")
@login_required
def wish_status(wish_id: int):
    """Bought or removed: the item leaves the card and every shared link to its list at once."""
    wish = set_wish_status(current_user, wish_id, request.form.get("status", ""))
    return go(card_url(wish.client_id) + "#card-wishes", f"{wish.description} {WISH_DONE[wish.status]}")

@bp.post("/trade-up/<int:credit_id>/status")
@login_required
def trade_up_status(credit_id: int):
    """At the counter: a trade-up credit used toward a new piece (or back to available after a mistaken tap)."""
    credit = set_credit_status(current_user, credit_id, request.form.get("status", ""), local_today())
    said = "used" if credit.status == "used" else "available again"
    return go(card_url(credit.client_id) + "#card-relations", f"Trade-up credit {money(credit.amount, whole=True)} {said}")

# ------------------------------------------------------------------------------------------- referral

@bp.route("/clients/<int:client_id>/referral", methods=["GET", "POST"])
@login_required
def referral(client_id: int):
    """Who referred this client: search the book by name, tap the referrer; they get a thank-you follow-up."""
    client = get_client(current_user, client_id)
    query = (request.values.get("q") or "").strip()
    ctx = {"client": client, "q": query, "errors": {}, "message": None, "cancel_url": card_url(client.id),
           "results": search_referrers(current_user, client.id, query) if query else [],
           "current": referral_of(current_user, client.id)}
    if request.method == "POST":
        try:
            row = record_referral(current_user, client.id, _int_or_none(request.form.get("referrer_id")), local_today())
        except Invalid as e:
            ctx.update(errors=e.errors, message=e.errors.get("referrer_id") or e.message)
            return Response(render("counter/referral.html", "referral_form", **ctx), 422)
        referrer = get_client(current_user, row.referrer_id)
        return go(card_url(client.id), f"Referred by {referrer.display_name}: thank-you follow-up added for them")
    # The active search asks for the results list only; a plain htmx GET gets the whole form.
    block = "referrer_results" if "q" in request.args and request.headers.get("HX-Trigger-Name") == "q" else "referral_form"
    return Response(render("counter/referral.html", block, **ctx))
