"""The audit trail: sign-ins, exports, erasures, role changes, reassignments and card views are recorded with
who, what, when and from where, and the owner reads them in words on /owner/audit (their store only)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from jewelpwa.extensions import db
from jewelpwa.models import AuditEvent
from jewelpwa.services.owner.audit import PAGE_SIZE

from ..conftest import Auth, make_user, new_client
from ..factories import make_client

HX = {"HX-Request": "true"}


def _rows(action: str, store_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if store_id is not None:
        query = query.where(AuditEvent.store_id == store_id)
    return list(db.session.scalars(query))


def _just_now(row: AuditEvent) -> bool:
    return abs(datetime.now(UTC) - row.created_at) < timedelta(minutes=1)


def _signed_in(app, user, address: str) -> Auth:
    auth = Auth(new_client(app, address))
    assert auth.login(user.email).status_code == 303
    return auth


def _texts(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r'<p class="audit-text">(.*?)</p>', page, re.S)]


# ------------------------------------------------------------------------------------------------ recording


def test_opening_a_card_is_recorded_once_per_person_client_and_ten_minutes(app):
    maria = make_user(name="Maria")
    anna = make_client(maria, first_name="Anna", last_name="Lopez")
    other = make_client(maria)
    auth = _signed_in(app, maria, "10.0.0.7")

    assert auth.client.get(f"/clients/{anna.id}").status_code == 200
    assert auth.client.get(f"/clients/{anna.id}", headers=HX).status_code == 200  # the fragment
    assert auth.client.get(f"/clients/{anna.id}/edit/notes").status_code == 200
    views = _rows("client_viewed")
    assert [(v.store_id, v.user_id, v.target, v.address) for v in views] == \
        [(maria.store_id, maria.id, f"client:{anna.id}", "10.0.0.7")]
    assert _just_now(views[0])

    # Another client is another row; the same client again after ten minutes is a new row.
    auth.client.get(f"/clients/{other.id}")
    db.session.execute(update(AuditEvent).values(created_at=datetime.now(UTC) - timedelta(minutes=11)))
    db.session.commit()
    auth.client.get(f"/clients/{anna.id}")
    assert [v.target for v in _rows("client_viewed")] == [f"client:{anna.id}", f"client:{other.id}",
                                                          f"client:{anna.id}"]


def test_a_colleague_opening_the_same_card_is_recorded_separately(app):
    maria, dan = make_user(name="Maria"), make_user(name="Dan")
    anna = make_client(maria)
    _signed_in(app, maria, "10.0.0.7").client.get(f"/clients/{anna.id}")
    _signed_in(app, dan, "10.0.0.8").client.get(f"/clients/{anna.id}")
    assert [(v.user_id, v.address) for v in _rows("client_viewed")] == [(maria.id, "10.0.0.7"), (dan.id, "10.0.0.8")]


def test_another_stores_card_is_a_404_and_records_no_view(app):
    anna = make_client(make_user(store="Gem Store"))
    outsider = make_user(store="Other Store")
    assert _signed_in(app, outsider, "10.0.0.9").client.get(f"/clients/{anna.id}").status_code == 404
    assert _rows("client_viewed") == []


def test_sign_ins_and_failed_sign_ins_are_recorded_with_the_address(app):
    maria = make_user(name="Maria")
    auth = Auth(new_client(app, "10.0.0.5"))
    assert auth.login(maria.email, "wrong password!").status_code == 401
    assert auth.login(maria.email).status_code == 303
    failed, ok = _rows("sign_in_failed"), _rows("sign_in")
    assert [(r.store_id, r.user_id, r.address) for r in failed] == [(maria.store_id, maria.id, "10.0.0.5")]
    assert [(r.store_id, r.user_id, r.address) for r in ok] == [(maria.store_id, maria.id, "10.0.0.5")]
    assert _just_now(failed[0]) and _just_now(ok[0])


def test_exports_erasure_role_change_and_reassignment_record_who_what_and_where(app):
    owner = make_user(role="owner", name="Olivia")
    maya, dan = make_user(name="Maya"), make_user(name="Dan")
    anna = make_client(maya, first_name="Anna", last_name="Lopez")
    make_client(maya)
    auth = _signed_in(app, owner, "10.0.1.1")

    assert auth.client.get("/owner/data/clients.csv").status_code == 200
    assert auth.client.get("/owner/data/archive.zip").status_code == 200
    assert auth.client.get(f"/owner/data/clients/{anna.id}/export.json").status_code == 200
    assert auth.post(f"/owner/staff/{dan.id}", {"role": "manager", "daily_target": "12"},
                     token_from="/owner/staff").status_code in (200, 303)
    assert auth.post("/owner/staff/assign", {"assigned_to_id": str(maya.id), "to": str(dan.id)},
                     token_from="/owner/staff/assign").status_code in (200, 303)
    assert auth.post(f"/owner/data/clients/{anna.id}/erase", token_from="/owner/data/").status_code == 303

    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == owner.id,
                                                              AuditEvent.action != "sign_in")
                                     .order_by(AuditEvent.id)))
    assert [(e.action, e.target) for e in events] == [
        ("export_clients", None), ("export_archive", None), ("client_exported", f"client:{anna.id}"),
        ("role_changed", f"user:{dan.id}:associate->manager"), ("target_changed", f"user:{dan.id}:10->12"),
        ("clients_reassigned", f"2 from user:{maya.id} to user:{dan.id}"), ("client_erased", f"client:{anna.id}")]
    # Where: every one of them, including the services that never passed an address themselves.
    assert {(e.store_id, e.address) for e in events} == {(owner.store_id, "10.0.1.1")}
    assert all(_just_now(e) for e in events)


# ------------------------------------------------------------------------------------------------ the page


def _store_with_history(app):
    owner = make_user(role="owner", name="Olivia", store="Gem Store")
    maria = make_user(name="Maria", store="Gem Store")
    anna = make_client(maria, first_name="Anna", last_name="Lopez")
    bea = make_client(maria, first_name="Bea", last_name="Stone")
    _signed_in(app, maria, "10.0.0.5").client.get(f"/clients/{anna.id}")
    Auth(new_client(app, "10.0.0.6")).login(maria.email, "not the password")
    # Store B: its staff's events never show on store A's page.
    rival = make_user(name="Rival", store="Other Store")
    _signed_in(app, rival, "10.9.9.9").client.get(f"/clients/{make_client(rival, first_name='Zed').id}")
    return owner, maria, anna, bea


def test_the_owner_reads_the_trail_in_words_newest_first_with_time_and_place(app):
    owner, maria, anna, bea = _store_with_history(app)
    auth = _signed_in(app, owner, "10.0.2.2")
    auth.client.get(f"/clients/{bea.id}")
    auth.post(f"/owner/data/clients/{bea.id}/erase", token_from="/owner/data/")

    page = auth.client.get("/owner/audit").get_data(as_text=True)
    assert "<html" in page and 'aria-current="page"' in page
    assert _texts(page) == [
        "Olivia erased the personal data of Erased client",
        "Olivia opened Erased client&#39;s card",  # the name went with the erasure
        "Olivia signed in",
        f"Failed sign-in for {maria.email}",
        "Maria opened Anna Lopez&#39;s card",
        "Maria signed in",
    ]
    assert "from 10.0.0.6" in page and "from 10.0.0.5" in page
    assert "Rival" not in page and "Zed" not in page and "10.9.9.9" not in page
    assert "Bea" not in page  # an erased client's name is never shown again
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d">\w{3} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M',
                     page)


def test_the_trail_filters_by_action_person_and_dates(app):
    owner, maria, _anna, _bea = _store_with_history(app)
    auth = _signed_in(app, owner, "10.0.2.2")

    viewed = _texts(auth.client.get("/owner/audit?action=client_viewed").get_data(as_text=True))
    assert viewed == ["Maria opened Anna Lopez&#39;s card"]
    hers = _texts(auth.client.get(f"/owner/audit?staff={maria.id}").get_data(as_text=True))
    assert len(hers) == 3 and all("Maria" in t or maria.email in t for t in hers)
    today = datetime.now(UTC).date()
    far = (today - timedelta(days=30)).isoformat(), (today - timedelta(days=20)).isoformat()
    old = auth.client.get(f"/owner/audit?start={far[0]}&end={far[1]}").get_data(as_text=True)
    assert _texts(old) == [] and "No events match these filters." in old
    around = f"start={(today - timedelta(days=1)).isoformat()}&end={(today + timedelta(days=1)).isoformat()}"
    assert len(_texts(auth.client.get(f"/owner/audit?{around}").get_data(as_text=True))) == 4

    bad = auth.client.get("/owner/audit?start=yesterday")
    assert bad.status_code == 422 and "Use a date like" in bad.get_data(as_text=True)


def test_the_filtered_trail_comes_back_as_a_fragment_for_htmx(app):
    owner, _maria, _anna, _bea = _store_with_history(app)
    auth = _signed_in(app, owner, "10.0.2.2")
    fragment = auth.client.get("/owner/audit?action=sign_in", headers=HX)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<div id="audit-body"')
    assert _texts(body) == ["Olivia signed in", "Maria signed in"]
    assert "HX-Request" in fragment.headers["Vary"]
    boosted = auth.client.get("/owner/audit", headers={**HX, "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in boosted


def test_the_trail_pages_fifty_at_a_time_without_repeats(app):
    owner = make_user(role="owner", name="Olivia")
    db.session.add_all(AuditEvent(store_id=owner.store_id, user_id=owner.id, action="password_changed",
                                  created_at=datetime.now(UTC) - timedelta(minutes=n)) for n in range(1, 61))
    db.session.commit()
    auth = _signed_in(app, owner, "10.0.2.2")
    first = auth.client.get("/owner/audit").get_data(as_text=True)
    assert len(_texts(first)) == PAGE_SIZE
    more = re.search(r'href="(/owner/audit\?before=\d+)" rel="next"|rel="next" href="([^"]+)"', first)
    assert more, "an Older events link"
    second = auth.client.get((more.group(1) or more.group(2)).replace("&amp;", "&")).get_data(as_text=True)
    assert len(_texts(second)) == 61 - PAGE_SIZE  # 60 changes and the sign-in, none twice
    assert 'rel="next"' not in second


def test_associates_get_403_and_managers_read_the_trail(app):
    associate = make_user()
    assert _signed_in(app, associate, "10.0.3.3").client.get("/owner/audit").status_code == 403
    manager = make_user(role="manager")
    page = _signed_in(app, manager, "10.0.3.4").client.get("/owner/audit")
    assert page.status_code == 200 and "Manager signed in" in page.get_data(as_text=True)
    assert new_client(app).get("/owner/audit").status_code in (302, 303)  # anonymous: to the sign-in page


def test_the_owner_nav_links_to_the_trail_for_owners_only(app):
    owner, associate = make_user(role="owner"), make_user()
    mine = _signed_in(app, owner, "10.0.4.1").client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/owner/audit"' in mine
    theirs = _signed_in(app, associate, "10.0.4.2").client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Today" in theirs and 'href="/owner/audit"' not in theirs
