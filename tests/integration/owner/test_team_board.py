"""Team figures: an associate sees their own week, and colleagues' only where the owner shares them."""

from __future__ import annotations

from datetime import UTC, datetime

from jewelpwa.clock import store_today
from jewelpwa.extensions import db
from jewelpwa.models import Outreach, Store

from ..conftest import Auth, make_user
from ..factories import make_client


def calls(user, outcomes: list[str]) -> None:
    on = store_today(db.session.get(Store, user.store_id))
    for outcome in outcomes:
        db.session.add(Outreach(store_id=user.store_id, client_id=make_client(user).id, user_id=user.id,
                                channel="call", outcome=outcome, occurred_at=datetime.now(UTC), occurred_on=on))
    db.session.commit()


def figure(html: str, name: str) -> str:
    start = html.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return html[start:html.index("<", start)].strip()


def team(store_name="Board Store"):
    owner = make_user(store=store_name, role="owner")
    maya = make_user(store=store_name, name="Maya Quill")
    daniel = make_user(store=store_name, name="Daniel Rook")
    calls(maya, ["reached", "voicemail", "booked"])
    calls(daniel, ["reached"] * 5)
    return owner, maya, daniel


def test_an_associate_sees_their_own_week_and_not_a_colleagues_by_default(auth):
    _, maya, _ = team()
    auth.login(maya.email)
    page = auth.client.get("/me").get_data(as_text=True)
    # A booking is a conversation too: reached counts it.
    assert figure(page, "my-contacts") == "3" and figure(page, "my-reached") == "2" and figure(page, "my-booked") == "1"
    assert "Daniel Rook" not in page
    assert "keeps each associate's figures private" in page


def test_when_the_owner_shares_them_associates_see_the_team_busiest_first(auth):
    owner, maya, _ = team()
    auth.login(owner.email)
    response = auth.post("/owner/settings/team-figures", {"team_figures": "shared"}, token_from="/owner/settings")
    assert response.status_code in (200, 303)
    phone = Auth(auth.client.application.test_client())
    phone.login(maya.email)
    page = phone.client.get("/me").get_data(as_text=True)
    board = page[page.index('id="team-week-title"'):]
    assert board.index("Daniel Rook") < board.index("Maya Quill")  # five contacts before three


def test_associates_cannot_change_the_setting_and_a_wrong_answer_is_refused(auth):
    owner, maya, _ = team()
    auth.login(maya.email)
    assert auth.post("/owner/settings/team-figures", {"team_figures": "shared"}).status_code == 403
    tablet = Auth(auth.client.application.test_client())
    tablet.login(owner.email)
    response = tablet.post("/owner/settings/team-figures", {"team_figures": "everyone"}, token_from="/owner/settings")
    assert response.status_code == 422 and "Choose private or shared." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Store, owner.store_id).team_figures == "private"


def test_another_stores_figures_never_show(auth):
    _, maya, _ = team()
    other = make_user(store="Elsewhere", role="owner")
    db.session.get(Store, other.store_id).team_figures = "shared"
    db.session.commit()
    stranger = make_user(store="Elsewhere", name="Stranger Danger")
    calls(stranger, ["reached"])
    auth.login(stranger.email)
    page = auth.client.get("/me").get_data(as_text=True)
    assert "Maya Quill" not in page and "Stranger Danger" in page
