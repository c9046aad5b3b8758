"""Today kept in memory: served again while nothing changed, never stale after a write, never across sessions."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import event, insert, select, update

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Client, FollowUp, Outreach, Store, User

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


# ------------------------------------------------------------------------------- an outcome's reach (issue 19)

ON = date(2026, 6, 10)


def signed_in(app, user) -> Auth:
    device = Auth(app.test_client())
    device.login(user.email)
    return device


def two_associates_with_a_client_each(on):
    ann, ben = make_user(store="Kept Store", name="Ann"), make_user(store="Kept Store", name="Ben")
    anns, bens = make_client(ann, first_name="Annika"), make_client(ben, first_name="Benedikt")
    db.session.add_all([FollowUp(**birthday_row(ann, anns, on)), FollowUp(**birthday_row(ben, bens, on))])
    db.session.commit()
    return ann, ben, anns, bens


def log(device: Auth, client_id: int, outcome: str = "reached"):
    # As the card's form sends it with htmx (a plain form's 303 leaves a flash, and a page with one is not kept).
    response = device.post(f"/clients/{client_id}/outreach", {"channel": "call", "outcome": outcome},
                           token_from="/today", headers={"HX-Request": "true"})
    assert response.status_code in (200, 303), response.status_code
    return response


def test_an_outcome_leaves_another_associates_kept_today_alone_and_changes_the_loggers(app, clock):
    on = ON
    clock.set_day(ON)
    ann, ben, anns, bens = two_associates_with_a_client_each(on)
    a, b = signed_in(app, ann), signed_in(app, ben)
    for device in (a, b):
        device.client.get("/today")  # the first builds and keeps the day's list (a write)
    bens_page = b.client.get("/today").get_data(as_text=True)
    assert "Benedikt" in bens_page and "Annika" in a.client.get("/today").get_data(as_text=True)

    log(a, anns.id)

    used = statements_during(lambda: b.client.get("/today"))
    assert used <= 2, f"Ben's Today was made again after Ann's outcome ({used} statements)"
    assert b.client.get("/today").get_data(as_text=True) == bens_page
    assert "Annika" not in a.client.get("/today").get_data(as_text=True), "Ann's Today must show her outcome"


def test_an_outcome_on_another_associates_client_changes_their_today(app, clock):
    on = ON
    clock.set_day(ON)
    ann, ben, anns, bens = two_associates_with_a_client_each(on)
    a, b = signed_in(app, ann), signed_in(app, ben)
    b.client.get("/today")
    assert "Benedikt" in b.client.get("/today").get_data(as_text=True)
    log(a, bens.id)  # Ann took Ben's client's call at the counter
    assert "Benedikt" not in b.client.get("/today").get_data(as_text=True)


def test_undoing_an_outcome_brings_the_row_back_on_the_kept_today(app, clock):
    on = ON
    clock.set_day(ON)
    ann, ben, anns, bens = two_associates_with_a_client_each(on)
    a = signed_in(app, ann)
    a.client.get("/today")
    log(a, anns.id, "voicemail")
    assert "Annika" not in a.client.get("/today").get_data(as_text=True)
    outreach_id = db.session.scalar(select(Outreach.id).where(Outreach.client_id == anns.id))
    assert a.post(f"/outreach/{outreach_id}/undo", token_from="/today").status_code in (200, 303)
    assert "Annika" in a.client.get("/today").get_data(as_text=True)


def test_an_outcome_moves_only_the_users_concerned_and_an_owners_reassign_moves_the_store(app, clock):
    from jewelpwa.services.engine.client_filter import ClientFilter
    from jewelpwa.services.owner.assignment import reassign_clients

    on = ON
    clock.set_day(ON)
    ann, ben, anns, bens = two_associates_with_a_client_each(on)
    owner = make_user(store="Kept Store", role="owner")
    a, b = signed_in(app, ann), signed_in(app, ben)
    for device in (a, b):
        device.client.get("/today")  # each builds the day's list (a write of the store)
    store_before, ben_before, ann_before = version(ann.store_id), pages_version(ben.id), pages_version(ann.id)
    log(a, anns.id)
    assert version(ann.store_id) == store_before, "an outcome must not make every associate's pages stale"
    assert pages_version(ben.id) == ben_before
    assert pages_version(ann.id) > ann_before

    reassign_clients(db.session.get(type(owner), owner.id), ClientFilter(assigned_to_id=ann.id), ben.id, on)
    assert version(ann.store_id) > store_before
    assert "Annika" in b.client.get("/today").get_data(as_text=True), "the hand-off call is on Ben's kept Today"


def pages_version(user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(User.pages_version).where(User.id == user_id))


def test_upcoming_stays_kept_after_an_outcome_and_shows_a_do_not_contact_at_once(app, clock):
    from ..factories import add_date

    clock.set_day(ON)
    ann, ben, anns, bens = two_associates_with_a_client_each(ON)
    soon = ON + timedelta(days=9)
    add_date(anns, "birthday", soon.month, soon.day)
    a = signed_in(app, ann)
    a.client.get("/today")
    a.client.get("/upcoming")
    log(a, anns.id, "voicemail")
    used = statements_during(lambda: a.client.get("/upcoming"))
    assert used <= 2, f"an outcome made Upcoming again ({used} statements): it shows no follow-up or touch"
    assert "Do not contact" not in a.client.get("/upcoming").get_data(as_text=True)
    log(a, anns.id, "do_not_contact")
    assert "Do not contact" in a.client.get("/upcoming").get_data(as_text=True)


def test_a_change_committed_without_a_flush_moves_the_store_at_that_commit():
    user = make_user(store="Kept Store")
    client_id = make_client(user).id
    db.session.commit()
    before = version(user.store_id)
    db.session.get(Client, client_id).notes = "Call after the wedding"
    db.session.commit()  # no query in between: nothing flushed the change before the commit
    assert version(user.store_id) == before + 1
