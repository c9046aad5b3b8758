"""Record who referred a client: active search by name, one tap, a thank-you follow-up for the referrer."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from jewelpwa.extensions import db
from jewelpwa.models import Client, FollowUp, Referral
from jewelpwa.services.book.referrals import record_referral
from jewelpwa.services.errors import Invalid

from ..conftest import make_user
from ..factories import make_client

TODAY = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def store_clock(clock):
    clock.set_day(TODAY)


def setup(auth):
    user = make_user()
    auth.login(user.email)
    maya = make_client(user, first_name="Maya", last_name="Chen")
    anna = make_client(user, first_name="Anna", last_name="Lee")
    return user, maya, anna


@pytest.mark.one_database
def test_referral_page_and_fragment_ask_who_referred_the_client(auth):
    _, maya, _ = setup(auth)
    page = auth.client.get(f"/clients/{maya.id}/referral").get_data(as_text=True)
    assert "<html" in page and "Who referred" in page and "Maya Chen" in page
    assert 'hx-trigger="input changed delay:250ms, search"' in page and 'name="csrf_token"' in page
    fragment = auth.client.get(f"/clients/{maya.id}/referral", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'name="q"' in fragment


def test_active_search_returns_only_the_results_by_first_or_last_name(auth):
    user, maya, anna = setup(auth)
    make_client(user, first_name="Leeroy", last_name="Brown")
    headers = {"HX-Request": "true", "HX-Trigger-Name": "q"}
    html = auth.client.get(f"/clients/{maya.id}/referral?q=le", headers=headers).get_data(as_text=True)
    assert "Anna Lee" in html and "Leeroy Brown" in html and 'name="q"' not in html
    assert f'name="referrer_id" value="{anna.id}"' in html
    # The referred client never refers themselves, another store's clients are not in the book.
    make_client(make_user(store="Other Store"), first_name="Mara", last_name="Stone")
    html = auth.client.get(f"/clients/{maya.id}/referral?q=ma", headers=headers).get_data(as_text=True)
    assert "Maya Chen" not in html and "Mara" not in html and "No client named “ma”" in html


def test_search_without_javascript_is_a_page_with_the_results(auth):
    _, maya, anna = setup(auth)
    page = auth.client.get(f"/clients/{maya.id}/referral?q=anna").get_data(as_text=True)
    assert "<html" in page and f'name="referrer_id" value="{anna.id}"' in page


def test_tapping_the_referrer_saves_it_and_thanks_them(auth):
    _, maya, anna = setup(auth)
    path = f"/clients/{maya.id}/referral"
    response = auth.post(path, {"referrer_id": str(anna.id)}, token_from=path)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{maya.id}")
    [row] = db.session.scalars(select(Referral))
    assert (row.referrer_id, row.referred_id, row.recorded_on) == (anna.id, maya.id, TODAY)
    assert db.session.get(Client, maya.id).referred_by_id == anna.id
    [thanks] = db.session.scalars(select(FollowUp))
    assert (thanks.client_id, thanks.kind, thanks.opens_on, thanks.due_on) == (anna.id, "referral_thanks", TODAY, date(2026, 6, 12))
    assert thanks.detail == {"reason": "referral", "name": "Maya Chen"} and thanks.assignee_id == anna.assigned_to_id
    card = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Referred by Anna Lee" in card
    again = auth.client.get(path).get_data(as_text=True)
    assert "Already recorded: referred by <strong>Anna Lee</strong>" in again


def test_a_client_is_referred_once(auth):
    user, maya, anna = setup(auth)
    record_referral(user, maya.id, anna.id, TODAY)
    other = make_client(user, first_name="Omar")
    path = f"/clients/{maya.id}/referral"
    response = auth.post(path, {"referrer_id": str(other.id)}, token_from=path)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Referral.id))) == 1


def test_self_referral_is_refused(auth):
    _, maya, _ = setup(auth)
    path = f"/clients/{maya.id}/referral"
    response = auth.post(path, {"referrer_id": str(maya.id)}, token_from=path)
    assert response.status_code == 422 and "cannot refer themselves" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Referral.id))) == 0


def test_referrer_from_another_store_is_404(auth):
    _, maya, _ = setup(auth)
    stranger = make_client(make_user(store="Other Store"))
    path = f"/clients/{maya.id}/referral"
    assert auth.post(path, {"referrer_id": str(stranger.id)}, token_from=path).status_code == 404
    assert db.session.scalar(select(func.count(Referral.id))) == 0


def test_do_not_contact_referrer_gets_no_thanks_follow_up():
    user = make_user()
    maya = make_client(user)
    quiet = make_client(user, do_not_contact=True)
    record_referral(user, maya.id, quiet.id, TODAY)
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


def test_no_referrer_chosen_says_so():
    user = make_user()
    maya = make_client(user, first_name="Maya", last_name="Chen")
    with pytest.raises(Invalid) as e:
        record_referral(user, maya.id, None, TODAY)
    assert e.value.errors["referrer_id"] == "Choose who referred Maya Chen."
