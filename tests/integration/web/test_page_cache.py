"""Today kept in memory: served again while nothing changed, never stale after a write, never across sessions."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event, insert, select, update

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Client, FollowUp, Store

from ..conftest import Auth, make_user
from ..factories import make_client


def today_of(user):
    return store_today(db.session.get(Store, user.store_id))


def version(store_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(Store.data_version).where(Store.id == store_id))


def birthday_row(user, client, on) -> dict:
    occasion = on + timedelta(days=10)
    return dict(store_id=user.store_id, client_id=client.id, assignee_id=user.id, kind="birthday", status="open",
                opens_on=on - timedelta(days=5), due_on=on, expires_on=occasion, occasion_on=occasion,
                show_on=on - timedelta(days=5), source=f"test:{client.id}", dedupe_key=f"birthday:{client.id}",
                detail={})


def statements_during(call) -> int:
    count = 0

    def counting(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counting)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", counting)
    return count


def test_reopening_today_with_nothing_changed_costs_the_sign_in_lookup_only(auth):
    user = make_user(store="Kept Store")
    client = make_client(user, first_name="Ottilie")
    db.session.add(FollowUp(**birthday_row(user, client, today_of(user))))
    db.session.commit()
    auth.login(user.email)
    auth.client.get("/today")  # the day's first Today ranks and keeps the list (services.day_lists): a write
    first = auth.client.get("/today").get_data(as_text=True)
    assert "Ottilie" in first
    again = []
    used = statements_during(lambda: again.append(auth.client.get("/today").get_data(as_text=True)))
    assert again[0] == first
    assert used <= 2, f"a kept Today ran {used} statements"  # BEGIN + the session's user and store


def test_a_follow_up_written_through_the_orm_shows_on_the_next_today(auth):
    user = make_user(store="Kept Store")
    auth.login(user.email)
    assert "Philippa" not in auth.client.get("/today").get_data(as_text=True)
    client = make_client(user, first_name="Philippa")
    db.session.add(FollowUp(**birthday_row(user, client, today_of(user))))
    db.session.commit()
    assert "Philippa" in auth.client.get("/today").get_data(as_text=True)


def test_a_bulk_insert_or_update_shows_on_the_next_today(auth):
    """The planner and outcome logging write set-based statements, whose store the ORM does not see."""
    user = make_user(store="Kept Store")
    client = make_client(user, first_name="Quentin")
    auth.login(user.email)
    assert "Quentin" not in auth.client.get("/today").get_data(as_text=True)
    db.session.execute(insert(FollowUp), [birthday_row(user, client, today_of(user))])
    db.session.commit()
    assert "Quentin" in auth.client.get("/today").get_data(as_text=True)
    db.session.execute(update(Client).where(Client.id == client.id).values(first_name="Quincy"))
    db.session.commit()
    page = auth.client.get("/today").get_data(as_text=True)
    assert "Quincy" in page and "Quentin" not in page


def test_only_the_changed_store_moves_on_a_row_write_and_sign_ins_move_nothing(auth):
    mine = make_user(store="Kept Store")
    other = make_user(store="Other Store")
    client = make_client(mine)
    before_mine, before_other = version(mine.store_id), version(other.store_id)
    client = db.session.get(Client, client.id)
    client.notes = "Prefers mornings"
    db.session.commit()
    assert version(mine.store_id) == before_mine + 1
    assert version(other.store_id) == before_other
    Auth(auth.client.application.test_client()).login(mine.email)  # a sign-in writes a session row only
    assert version(mine.store_id) == before_mine + 1


def test_two_devices_of_one_associate_each_get_their_own_csrf_token(auth, app):
    user = make_user(store="Kept Store")
    phone, tablet = Auth(app.test_client()), Auth(app.test_client())
    phone.login(user.email)
    tablet.login(user.email)
    tokens = [re.search(r'name="csrf-token" content="([^"]+)"', device.client.get("/today").get_data(as_text=True))
              .group(1) for device in (phone, tablet)]
    assert tokens[0] != tokens[1]
    for device, token in zip((phone, tablet), tokens, strict=True):
        response = device.client.post("/me/password", data={"csrf_token": token, "current_password": "wrong"})
        assert response.status_code != 400, "the page's token must be this device's own"


def test_upcoming_is_kept_too_and_shows_a_date_added_since(auth):
    from ..factories import add_date

    user = make_user(store="Kept Store")
    auth.login(user.email)
    auth.client.get("/upcoming")
    used = statements_during(lambda: auth.client.get("/upcoming"))
    assert used <= 2, f"a kept Upcoming ran {used} statements"
    client = make_client(user, first_name="Rosalind")
    soon = today_of(user) + timedelta(days=9)
    add_date(client, "birthday", soon.month, soon.day)
    assert "Rosalind" in auth.client.get("/upcoming").get_data(as_text=True)
