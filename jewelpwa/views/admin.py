"""Owner and manager administration on the tablet: staff, client assignment, store settings and events."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from ..domain.reasons import month_day
from ..services.engine.client_filter import CHOICES, ClientFilter, parse_id
from ..services.errors import Invalid
from ..services.messages import templates as message_templates
from ..services.owner import assignment, store_events, store_settings, team_board
from ..services.owner import staff as staff_service
from ..web.clock import local_now, local_today
from ..web.locale import current_locale
from ..web.render import after_mutation, render, toast_trigger, wants_fragment
from .pages import manager_required

bp = Blueprint("admin", __name__, url_prefix="/owner")

ROLES = (("associate", "Associate"), ("manager", "Manager"), ("owner", "Owner"))


def signed_in_at(at: datetime | None) -> str:
    """A last sign-in as the owner reads it, in the store's timezone: "today 09:12", "Nov 3", "never"."""
    if at is None:
        return "never"
    local = local_now(at)
    today = local_today()
    if local.date() == today:
        return f"today {local:%H:%M}"
    if (today - local.date()).days == 1:
        return f"yesterday {local:%H:%M}"
    return f"{month_day(local.date())}" + (f", {local.year}" if local.year != today.year else "")


@bp.context_processor
def _choices() -> dict:
    return {"roles": ROLES, "filter_choices": CHOICES, "event_kinds": store_events.EVENT_KINDS,
            "signed_in_at": signed_in_at}


def _no_store(response) -> Response:  # noqa: ANN001
    """A page with a one-time password: never kept in a cache or the back-forward history."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------------------------------- staff

def _staff_page(errors=None, error_for=None, status=200):  # noqa: ANN001, ANN202
    rows = staff_service.staff_list(current_user)
    body = render("admin/staff.html", "staff_list", rows=rows, errors=errors or {}, error_for=error_for,
                  today=local_today())
    return make_response(body, status)


@bp.get("/staff")
@manager_required
def staff():
    """Staff accounts: role, target, clients, last sign-in; edit in place."""
    return _staff_page()


@bp.route("/staff/new", methods=["GET", "POST"])
@manager_required
def staff_new():
    """Add a staff member; the one-time password is shown once on the answer to the POST."""
    if request.method == "GET":
        return render("admin/staff_new.html", "staff_form", form={}, errors={})
    f = request.form
    try:
        made = staff_service.create_staff(current_user, f.get("name", ""), f.get("email", ""), f.get("role", ""),
                                          f.get("daily_target", ""))
    except Invalid as exc:
        return render("admin/staff_new.html", "staff_form", form=f, errors=exc.errors, message=exc.message), 422
    return _no_store(render("admin/staff_new.html", "staff_form", made=made, form={}, errors={}))


def _staff_change(user_id: int, change, message: str):  # noqa: ANN001, ANN202
    try:
        user = change()
    except Invalid as exc:
        return _staff_page(exc.errors, user_id, 422)
    rows = staff_service.staff_list(current_user)
    return after_mutation(url_for("admin.staff"), "admin/staff.html", "staff_list", message.format(name=user.name),
                          rows=rows, errors={}, error_for=None, today=local_today())


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@login_required
def staff_edit(user_id: int):
    """Change role and daily target (also inline on the staff list)."""
    if request.method == "GET":
        member = staff_service.staff_member(current_user, user_id)
        return render("admin/staff_edit.html", "edit_form", member=member, form={}, errors={})
    f = request.form
    return _staff_change(user_id, lambda: staff_service.update_staff(
        current_user, user_id, f.get("role") or None, f.get("daily_target")), "Saved {name}.")


@bp.post("/staff/<int:user_id>/deactivate")
@login_required
def staff_deactivate(user_id: int):
    """Deactivate: every session of that person ends at once."""
    return _staff_change(user_id, lambda: staff_service.deactivate_staff(current_user, user_id),
                         "{name} is deactivated and signed out everywhere.")


@bp.post("/staff/<int:user_id>/reactivate")
@login_required
def staff_reactivate(user_id: int):
    """Let a deactivated person sign in again."""
    return _staff_change(user_id, lambda: staff_service.reactivate_staff(current_user, user_id),
                         "{name} can sign in again.")


# ------------------------------------------------------------------------------------------ assign clients

def _holders(rows) -> list[tuple[int, str]]:  # noqa: ANN001 - staff_list rows
    """Whose clients can move: every staff member, deactivated ones too, with how many clients they hold."""
    return [(row.user.id, f"{row.user.name} · {row.clients} client{'' if row.clients == 1 else 's'}"
                          + ("" if row.user.active else " · deactivated")) for row in rows]


def _assign_context(args, errors=None, result=None) -> dict:  # noqa: ANN001
    errors = dict(errors or {})
    count = None
    if args.get("assigned_to_id"):
        try:
            count = assignment.count_matching(current_user, ClientFilter.parse(args, locale=current_locale()))
        except Invalid as exc:
            errors.update(exc.errors)
    return {"staff": assignment.assignable(current_user), "holders": _holders(staff_service.staff_list(current_user)),
            "form": args, "count": count, "errors": errors, "result": result}


@bp.route("/staff/assign", methods=["GET", "POST"])
@manager_required
def staff_assign():
    """Pick clients by associate and tier (live count), move them to another associate with a hand-off."""
    if request.method == "GET":
        if "from" in request.args:
            # A bookmark from before the one client filter: "from" is now the filter's "assigned_to_id".
            args = {**request.args.to_dict(flat=False), "assigned_to_id": request.args.getlist("from")}
            args.pop("from")
            return redirect(url_for("admin.staff_assign", **args), 301)
        block = "assign_move" if request.args.get("count_only") else "assign_form"
        return make_response(render("admin/assign.html", block, **_assign_context(request.args)))
    f = request.form
    try:
        wanted = ClientFilter.parse(f, locale=current_locale())
        result = assignment.reassign_clients(current_user, wanted, parse_id(f.get("to")), local_today())
    except Invalid as exc:
        return render("admin/assign.html", "assign_form", **_assign_context(f, exc.errors)), 422
    message = f"Moved {result.moved} client{'s' if result.moved != 1 else ''} to {result.to.name}."
    if wants_fragment():
        ctx = _assign_context(f, result=result)
        return after_mutation(url_for("admin.staff_assign"), "admin/assign.html", "assign_form", message, **ctx)
    flash(message, "success")
    return redirect(url_for("admin.staff_assign", **wanted.to_dict()), 303)


# ------------------------------------------------------------------------------------------ store settings

def _settings_page(errors=None, form=None, status=200, block=None):  # noqa: ANN001, ANN202
    view = store_settings.settings_view(current_user)
    body = render("admin/settings.html", block, view=view, errors=errors or {}, form=form,
                  choices=store_settings.locale_choices(), timezones=store_settings.timezones(),
                  today=local_today())
    return make_response(body, status)


@bp.route("/settings", methods=["GET", "POST"])
@manager_required
def settings():
    """Store name, timezone, country, locale, currency, morning hour; engine windows and frequency presets below."""
    if request.method == "GET":
        return _settings_page()
    f = request.form
    try:
        store_settings.update_store(current_user, f.get("name", ""), f.get("timezone", ""), f.get("country", ""),
                                    f.get("morning_hour", ""), f.get("locale", ""), f.get("currency", ""),
                                    f.get("postal_address"), f.get("sms_from"))
    except Invalid as exc:
        return _settings_page(exc.errors, f, 422, "store_form")
    return _settings_saved("store_form", "Store details saved.")


def _settings_saved(block: str, message: str) -> BaseResponse:
    view = store_settings.settings_view(current_user)
    return after_mutation(url_for("admin.settings"), "admin/settings.html", block, message, view=view, errors={},
                          form=None, choices=store_settings.locale_choices(), timezones=store_settings.timezones(),
                  today=local_today())


@bp.post("/settings/windows")
@manager_required
def settings_windows():
    """Engine windows per kind: days from the occasion when a follow-up opens, is due, expires."""
    try:
        store_settings.update_windows(current_user, request.form)
    except Invalid as exc:
        return _settings_page(exc.errors, request.form, 422, "windows_form")
    return _settings_saved("windows_form", "Windows saved; the planner uses them from its next run.")


@bp.post("/settings/frequency")
@manager_required
def settings_frequency():
    """Frequency presets: how many touches a low, normal or high tolerance client allows."""
    try:
        store_settings.update_frequency(current_user, request.form)
    except Invalid as exc:
        return _settings_page(exc.errors, request.form, 422, "frequency_form")
    return _settings_saved("frequency_form", "Frequency presets saved.")


@bp.post("/settings/team-figures")
@manager_required
def settings_team_figures():
    """Whether associates see each other's figures on their Me page."""
    try:
        team_board.set_team_figures(current_user, request.form.get("team_figures", ""))
    except Invalid as exc:
        return _settings_page(exc.errors, request.form, 422, "team_figures_form")
    return _settings_saved("team_figures_form", "Team figures setting saved.")


@bp.post("/settings/reset")
@manager_required
def settings_reset():
    """One section back to its defaults."""
    section = request.form.get("section", "")
    store_settings.reset_section(current_user, section)
    return _settings_saved(f"{section}_form", "Back to the defaults.")


# ------------------------------------------------------------------------------------------------ messages

@bp.route("/settings/messages", methods=["GET", "POST"])
@manager_required
def settings_messages():
    """Automatic messages (on/off, wording, the thank-you's delay) and the compose sheet's templates; a POST saves
    or previews the one template named by the form's `key`, and htmx gets that template's section back."""
    if request.method == "GET":
        return render_template("admin/messages.html", rows=message_templates.templates_view(current_user),
                               errors={}, form=None, opened_key=request.args.get("open"))
    key, form, preview = request.form.get("key", ""), request.form, None
    try:
        if form.get("action") == "preview":
            preview = message_templates.preview_template(current_user, key, form)
        else:
            saved = message_templates.update_template(current_user, key, form)
            return _message_saved(saved)
    except Invalid as exc:
        return _message_section(key, form, exc.errors, None), 422
    return _message_section(key, form, {}, preview)


def _message_section(key: str, form, errors: dict, preview: dict | None) -> str:  # noqa: ANN001
    rows = message_templates.templates_view(current_user)
    if wants_fragment():
        return render_template("admin/_message_template.html", row=next(r for r in rows if r.key == key),
                               errors=errors, form=form, preview=preview)
    return render_template("admin/messages.html", rows=rows, errors=errors, form=form, error_key=key,
                           preview_key=key, preview=preview)


def _message_saved(row) -> BaseResponse:  # noqa: ANN001 - a StoreTemplate
    message = f"“{row.template.label}” saved."
    if wants_fragment():
        body = render_template("admin/_message_template.html", row=row, errors={}, form=None, opened=True)
        return Response(body, 200, toast_trigger(message))
    flash(message, "success")
    return redirect(url_for("admin.settings_messages", open=row.key) + f"#tpl-{row.key}", 303)


# -------------------------------------------------------------------------------------------- store events

def _events_context(form, errors=None, result=None) -> dict:  # noqa: ANN001
    errors = dict(errors or {})
    count = None
    try:
        count = store_events.count_invites(current_user, ClientFilter.parse(form, locale=current_locale()))
    except Invalid as exc:
        errors.update(exc.errors)
    return {"form": form, "errors": errors, "count": count, "result": result,
            "associates": [(u.id, u.name) for u in assignment.assignable(current_user)], "today": local_today()}


@bp.get("/settings/events")
@manager_required
def settings_events():
    """The store's events and how many invitations each made."""
    events = store_events.list_events(current_user)
    counts = store_events.invite_counts(current_user, [e.id for e in events])
    return render("admin/events.html", "events_list", events=events, counts=counts,
                  kind_names=store_events.KIND_NAMES, today=local_today())


@bp.route("/settings/events/new", methods=["GET", "POST"])
@manager_required
def settings_events_new():
    """A new event with a client filter and a live count; saving invites the matching contactable clients."""
    if request.method == "GET":
        block = "event_count" if request.args.get("count_only") else "event_form"
        return make_response(render("admin/event_new.html", block, **_events_context(request.args)))
    f = request.form
    try:
        made = store_events.create_event(current_user, f, local_today())
    except Invalid as exc:
        return render("admin/event_new.html", "event_form", **_events_context(f, exc.errors),
                      message=exc.message), 422
    message = (f"Invites for {made.invited} client{'s' if made.invited != 1 else ''}; "
               f"{made.left_out} left out (do not contact).")
    if made.already:
        message += f" {made.already} already invited."
    flash(message, "success")
    if wants_fragment():
        return Response("", 200, {"HX-Redirect": url_for("admin.settings_events")})
    return redirect(url_for("admin.settings_events"), 303)

