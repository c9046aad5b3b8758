"""Store settings: name, timezone, country, morning hour; engine windows and frequency presets with resets."""

from __future__ import annotations

from jewelpwa.extensions import db
from jewelpwa.models import AuditEvent, Store
from jewelpwa.services.engine.planner import engine_settings

from ..conftest import make_user

HX = {"HX-Request": "true"}
STORE = {"name": "Gem Store", "timezone": "Europe/London", "country": "GB", "morning_hour": "7"}


def _store(user) -> Store:
    db.session.expire_all()
    return db.session.get(Store, user.store_id)


def test_settings_page_shows_the_store_and_the_engine_defaults(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    html = client.get("/owner/settings").get_data(as_text=True)
    assert "<html" in html and 'value="America/New_York"' in html and "Follow-up windows" in html
    assert 'name="windows.anniversary.opens" inputmode="numeric" class="adm-num"\n                 value="-56"' in html
    assert 'id="f-normal-max_touches"' in html and "changed</span>" not in html


def test_store_details_save_and_answer_htmx_with_the_section(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    response = auth.post("/owner/settings", {**STORE, "name": "Harbor & Vine"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="store-form"' in html
    assert "Store details saved." in response.headers["HX-Trigger"]
    store = _store(owner)
    assert (store.name, store.timezone, store.country, store.morning_hour) == ("Harbor & Vine", "Europe/London", "GB", 7)
    assert engine_settings(store).country == "GB"
    assert "store_settings_changed" in db.session.scalars(db.select(AuditEvent.action)).all()


def test_bad_timezone_is_422_with_a_message_and_nothing_saved(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    for headers in (HX, {}):
        response = auth.post("/owner/settings", {**STORE, "timezone": "Mars/Olympus_Mons", "morning_hour": "24"},
                             headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and "Choose a timezone from the list" in html
        assert "Enter an hour from 0 to 23" in html and ('<html' in html) == (not headers)
    store = _store(owner)
    assert (store.timezone, store.country, store.morning_hour) == ("America/New_York", "US", 8)


def test_windows_override_only_what_differs_and_reset_restores_defaults(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    form = {f"windows.{k}.{p}": v for k, rule in engine_settings(_store(owner)).to_dict()["windows"].items()
            for p, v in zip(("opens", "due", "expires"), rule, strict=True)}
    form["windows.birthday.opens"] = "-30"
    response = auth.post("/owner/settings/windows", form, headers=HX)
    assert response.status_code == 200 and "changed</span>" in response.get_data(as_text=True)
    store = _store(owner)
    assert store.settings == {"windows": {"birthday": [-30, -14, 0]}}
    assert engine_settings(store).windows["birthday"].opens == -30
    auth.post("/owner/settings/reset", {"section": "windows"})
    assert _store(owner).settings == {}


def test_window_out_of_order_names_the_row_and_saves_nothing(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    form = {f"windows.{k}.{p}": v for k, rule in engine_settings(_store(owner)).to_dict()["windows"].items()
            for p, v in zip(("opens", "due", "expires"), rule, strict=True)}
    form.update({"windows.care.opens": "120", "windows.check_in.due": "soon"})
    response = auth.post("/owner/settings/windows", form, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="windows-care-error">Opens must be on or before due' in html
    assert 'id="windows-check_in-error">Enter whole numbers in every box.' in html
    assert _store(owner).settings == {}


def test_frequency_presets_validate_through_engine_settings(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    base = {f"frequency.{f}.{p}": v for f, t in engine_settings(_store(owner)).to_dict()["frequency"].items()
            for p, v in zip(("max_touches", "per_days", "min_gap_days"), t, strict=True)}
    bad = auth.post("/owner/settings/frequency", {**base, "frequency.low.max_touches": "0"}, headers=HX)
    assert bad.status_code == 422 and "At least 1 touch" in bad.get_data(as_text=True)
    assert _store(owner).settings == {}
    assert auth.post("/owner/settings/frequency", {**base, "frequency.high.max_touches": "6"}).status_code == 303
    store = _store(owner)
    assert store.settings == {"frequency": {"high": [6, 30, 3]}}
    assert engine_settings(store).frequency["high"].max_touches == 6
    auth.post("/owner/settings/reset", {"section": "frequency"}, headers=HX)
    assert _store(owner).settings == {}


def test_manager_may_change_settings_but_another_store_is_untouched(client, auth):
    manager = make_user(role="manager")
    other = make_user(store="Other Store", role="owner")
    auth.login(manager.email)
    assert auth.post("/owner/settings", {**STORE, "name": "Renamed"}).status_code == 303
    assert _store(manager).name == "Renamed"
    assert _store(other).name == "Other Store" and _store(other).timezone == "America/New_York"


def test_store_name_with_script_renders_escaped(client, auth):
    owner = make_user(role="owner")
    auth.login(owner.email)
    auth.post("/owner/settings", {**STORE, "name": "<script>x()</script>"})
    html = client.get("/owner/settings").get_data(as_text=True)
    assert "<script>x()</script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
