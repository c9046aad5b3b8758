"""The owner's huddles: figures per associate checked against outreach, sales and follow-ups made here."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from jewelpwa.extensions import db
from jewelpwa.models import Appointment, FollowUp, Outreach
from jewelpwa.services.book.outreach import log_outreach
from tests.integration.conftest import make_user
from tests.integration.factories import add_purchase, make_client

DAY = date(2026, 3, 20)
NY = ZoneInfo("America/New_York")


def touch(user, client, on: date, outcome: str = "reached", hour: int = 11) -> Outreach:
    at = datetime.combine(on, time(hour), NY).astimezone(UTC)
    row = Outreach(store_id=client.store_id, client_id=client.id, user_id=user.id, channel="call", outcome=outcome,
                   occurred_at=at, occurred_on=on)
    db.session.add(row)
    db.session.commit()
    return row


def follow_up(user, client, kind: str, on: date = DAY, occasion_in: int = 20, **detail) -> FollowUp:
    occasion = on + timedelta(days=occasion_in)
    row = FollowUp(store_id=client.store_id, client_id=client.id, assignee_id=user.id, kind=kind, status="open",
                   opens_on=on - timedelta(days=10), due_on=on, expires_on=max(occasion, on + timedelta(days=15)),
                   occasion_on=occasion,
                   show_on=on - timedelta(days=10), source="test", dedupe_key=f"{kind}:{client.id}:{occasion}",
                   detail=detail)
    db.session.add(row)
    db.session.commit()
    return row


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, f"no figure {name}"
    return match.group(1).strip()


@pytest.fixture
def store():
    owner = make_user(store="Huddle Store", role="owner")
    maya = make_user(store="Huddle Store", name="Maya")
    daniel = make_user(store="Huddle Store", name="Daniel")
    return owner, maya, daniel


def evening(auth, owner, on: date = DAY) -> str:
    auth.login(owner.email)
    response = auth.client.get(f"/owner/huddle?view=evening&date={on.isoformat()}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_evening_huddle_counts_each_associates_contacts_and_outcomes(auth, store):
    owner, maya, daniel = store
    clients = [make_client(maya) for _ in range(4)]
    touch(maya, clients[0], DAY, "reached")
    touch(maya, clients[1], DAY, "booked")
    touch(maya, clients[2], DAY, "voicemail")
    touch(maya, clients[3], DAY, "not_now")
    touch(maya, clients[2], DAY, "no_answer", hour=15)  # a second try of the same client: still one client
    touch(daniel, make_client(daniel), DAY, "sold")
    touch(maya, clients[0], DAY - timedelta(days=1), "reached")  # yesterday is not today's work

    html = evening(auth, owner)
    mine = section(html, f"huddle-{maya.id}")
    assert "Maya" in mine
    assert figure(mine, "contacted") == "4"
    assert "4 of 10 contacted" in re.sub(r"<[^>]+>", "", mine)
    assert figure(mine, "reached") == "2"  # reached and booked are both conversations
    assert figure(mine, "booked") == "1"
    assert figure(mine, "sold") == "0"
    assert figure(mine, "not-now") == "1"
    assert figure(mine, "unanswered") == "2"
    assert figure(section(html, f"huddle-{daniel.id}"), "sold") == "1"
    assert figure(html, "store-contacts") == "6"


def test_a_sale_within_thirty_days_of_an_outreach_credits_that_associate(auth, store):
    owner, maya, daniel = store
    day1 = DAY - timedelta(days=19)  # the sale on DAY is day 20 counted from the outreach
    credited = make_client(maya)
    touch(maya, credited, day1)
    add_purchase(credited, DAY, "1500")
    too_late = make_client(daniel)
    touch(daniel, too_late, DAY - timedelta(days=30))  # the sale on DAY is day 31: not outreach-driven
    add_purchase(too_late, DAY, "900")
    walk_in = make_client(daniel)
    touch(daniel, make_client(daniel), DAY - timedelta(days=3))  # another client's touch earns nothing
    add_purchase(walk_in, DAY, "400")

    html = evening(auth, owner)
    assert figure(section(html, f"huddle-{maya.id}"), "revenue") == "$1,500"
    assert figure(section(html, f"huddle-{daniel.id}"), "revenue") == "$0"
    assert figure(html, "store-revenue") == "$1,500"


def test_the_latest_outreach_before_the_sale_takes_the_credit(auth, store):
    owner, maya, daniel = store
    client = make_client(maya)
    touch(maya, client, DAY - timedelta(days=12))
    touch(daniel, client, DAY - timedelta(days=2))
    add_purchase(client, DAY, "2000")
    html = evening(auth, owner)
    assert figure(section(html, f"huddle-{daniel.id}"), "revenue") == "$2,000"
    assert figure(section(html, f"huddle-{maya.id}"), "revenue") == "$0"


def test_follow_ups_left_open_show_what_got_in_the_way(auth, store):
    owner, maya, _ = store
    for _ in range(3):
        follow_up(maya, make_client(maya), "birthday")
    html = evening(auth, owner)
    assert figure(section(html, f"huddle-{maya.id}"), "left-open") == "3"


def test_another_stores_work_never_reaches_the_huddle(auth, store):
    owner, maya, _ = store
    stranger = make_user(store="Other Store", name="Stranger")
    theirs = make_client(stranger)
    touch(stranger, theirs, DAY, "sold")
    add_purchase(theirs, DAY, "9999")
    html = evening(auth, owner)
    assert "Stranger" not in html
    assert figure(html, "store-contacts") == "0"
    assert figure(html, "store-revenue") == "$0"


def test_morning_huddle_shows_list_length_top_reasons_and_appointments(auth, store):
    owner, maya, daniel = store
    anna = make_client(maya, first_name="Anna", last_name="Berg")
    follow_up(maya, anna, "anniversary", years=25, milestone=True)
    follow_up(maya, anna, "birthday")  # a second reason for the same client: still one row on the list
    for _ in range(3):
        follow_up(maya, make_client(maya), "birthday", occasion_in=25)
    for _ in range(2):
        follow_up(maya, make_client(maya), "check_in", occasion_in=-14)  # on the list, but not a milestone
    follow_up(daniel, make_client(daniel), "birthday")
    follow_up(daniel, make_client(daniel), "anniversary")
    db.session.add(Appointment(store_id=maya.store_id, client_id=anna.id, user_id=maya.id, kind="consultation",
                               starts_at=datetime.combine(DAY, time(15, 30), NY).astimezone(UTC)))
    db.session.commit()

    auth.login(owner.email)
    html = auth.client.get(f"/owner/huddle?view=morning&date={DAY.isoformat()}").get_data(as_text=True)
    mine = section(html, f"huddle-{maya.id}")
    assert figure(mine, "list") == "6"
    top = re.findall(r'<li class="print-call"><a href="/clients/(\d+)">', mine)
    assert len(top) == 3 and top[0] == str(anna.id)  # the top three only, the 25th anniversary first
    assert "25th anniversary" in mine and "chip-gold" in mine
    assert "3:30 PM" in mine and "Consultation" in mine
    assert figure(section(html, f"huddle-{daniel.id}"), "list") == "2"
    assert figure(html, "in-window-1") == "2"  # anniversaries in window store-wide
    assert figure(html, "in-window-2") == "5"  # birthdays: Anna, three of Maya's, one of Daniel's


def test_morning_huddle_reads_the_planners_lists_and_ranks_in_a_milestone_made_after_them(auth, store):
    from jewelpwa.services.engine.day_lists import build_day_lists

    owner, maya, daniel = store
    clients = [make_client(maya, first_name=f"Client{i}") for i in range(4)]
    for c in clients:
        follow_up(maya, c, "check_in", occasion_in=-14)  # on the list, but not a milestone
    follow_up(maya, clients[3], "birthday", occasion_in=25)
    early = make_client(maya, first_name="Early", tier="A")
    follow_up(maya, early, "anniversary")
    build_day_lists(maya.store_id, DAY)
    # Made after the morning's build (a client added at the counter): its 25th anniversary must still lead.
    late = make_client(maya, first_name="Late", tier="A")
    follow_up(maya, late, "anniversary", years=25, milestone=True)

    auth.login(owner.email)
    mine = section(auth.client.get(f"/owner/huddle?view=morning&date={DAY.isoformat()}").get_data(as_text=True),
                   f"huddle-{maya.id}")
    assert figure(mine, "list") == "5"  # the list as the planner built it this morning
    top = re.findall(r'<li class="print-call"><a href="/clients/(\d+)">', mine)
    # Check-in-only clients are on the list but are not milestones; the birthday bundled with a check-in is.
    assert top == [str(late.id), str(early.id), str(clients[3].id)]


def test_huddle_tabs_link_morning_and_evening_for_the_same_day(auth, store):
    owner, *_ = store
    auth.login(owner.email)
    html = auth.client.get(f"/owner/huddle?view=evening&date={DAY.isoformat()}").get_data(as_text=True)
    assert f'href="/owner/huddle?view=morning&amp;date={DAY.isoformat()}"' in html
    assert re.search(r'view=evening[^"]*" aria-current="page">Evening', html)
    assert "Evening huddle" in html


def test_default_huddle_is_morning_before_two_and_evening_after(store):
    from jewelpwa.services.owner.huddle import huddle

    owner, *_ = store
    before = datetime.combine(DAY, time(13, 59), NY)
    after = datetime.combine(DAY, time(14, 0), NY)
    assert huddle(owner, now=before).view == "morning"
    assert huddle(owner, now=after).view == "evening"
    assert huddle(owner, on="2026-03-01", now=before).view == "evening"  # a past day has results


def test_a_bad_date_is_a_422_with_the_message(auth, store):
    owner, *_ = store
    auth.login(owner.email)
    response = auth.client.get("/owner/huddle?date=2026-13-45")
    assert response.status_code == 422
    assert "Enter a date as YYYY-MM-DD." in response.get_data(as_text=True)


@pytest.mark.one_database
def test_htmx_gets_the_huddle_fragment_and_a_plain_request_the_page(auth, store):
    owner, *_ = store
    auth.login(owner.email)
    page = auth.client.get(f"/owner/huddle?date={DAY.isoformat()}")
    fragment = auth.client.get(f"/owner/huddle?date={DAY.isoformat()}", headers={"HX-Request": "true"})
    boosted = auth.client.get(f"/owner/huddle?date={DAY.isoformat()}",
                              headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in page.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True) and 'id="huddle-body"' in fragment.get_data(as_text=True)
    assert "<html" in boosted.get_data(as_text=True)
    assert "HX-Request" in page.headers.get("Vary", "")


@pytest.mark.parametrize("path", ["/owner/huddle", "/owner/huddle?view=evening", "/owner/team", "/owner/health",
                                  "/owner/calendar"])
def test_associates_get_403_on_owner_pages(auth, store, path):
    _, maya, _ = store
    auth.login(maya.email)
    assert auth.client.get(path).status_code == 403


def closed_by_rules(user, client, note: str) -> FollowUp:
    """A follow-up the planner's contact gate (or a card edit) closed on DAY: no outreach of the associate behind it."""
    row = follow_up(user, client, "reconnect")
    row.status, row.note = "skipped", note
    row.closed_at = datetime.combine(DAY, time(4), NY).astimezone(UTC)
    db.session.commit()
    return row


def test_skipped_counts_only_what_the_associates_outcomes_closed_with_reasons_and_the_clients(auth, store):
    owner, maya, daniel = store
    at = datetime.combine(DAY, time(11), NY).astimezone(UTC)
    stop = make_client(maya, first_name="Stella", last_name="Stop")
    follow_up(maya, stop, "birthday")
    follow_up(maya, stop, "reconnect")  # one outcome closes both: still one client skipped
    log_outreach(maya, stop.id, "call", "do_not_contact", now=at)
    tried = make_client(maya, first_name="Tariq", last_name="Tried")
    follow_up(maya, tried, "anniversary").tries = 2
    maya.store.settings = {"max_tries": 3}  # a store that caps the tries (the default has no cap)
    db.session.commit()
    log_outreach(maya, tried.id, "call", "no_answer", now=at)
    # Fifteen closed by the rules overnight: Maya skipped none of them.
    for n in range(12):
        closed_by_rules(maya, make_client(maya, first_name=f"Rule{n:02d}", last_name="Gate"), "do not contact")
    for n in range(3):
        closed_by_rules(maya, make_client(maya, first_name=f"Mute{n}", last_name="Opted"), "no channel the client accepts")
    closed_by_rules(daniel, make_client(daniel, first_name="Dan", last_name="Client"), "do not contact")

    html = evening(auth, owner)
    mine = section(html, f"huddle-{maya.id}")
    assert figure(mine, "skipped") == "2"
    assert figure(mine, "closed-by-rules") == "15"
    assert figure(mine, "skipped-reasons") == "Asked not to be contacted 1 · No answer after 3 tries 1"
    assert figure(mine, "by-rules-reasons") == "Do not contact 12 · No channel the client accepts 3"
    skipped = mine[mine.index(f'id="closed-skipped-{maya.id}"'):mine.index(f'id="closed-by-rules-{maya.id}"')]
    assert "<details" in mine and "Skipped after Maya’s outcome: 2" in skipped
    assert f'href="/clients/{stop.id}">Stella Stop</a> <span class="muted">Birthday, Reconnect · Asked' in skipped
    assert f'href="/clients/{tried.id}">Tariq Tried</a>' in skipped
    assert "Rule00 Gate" not in skipped and "Rule00 Gate" in mine and "Mute2 Opted" in mine
    assert "Dan Client" not in mine
    assert figure(section(html, f"huddle-{daniel.id}"), "skipped") == "0"
    assert figure(section(html, f"huddle-{daniel.id}"), "closed-by-rules") == "1"
