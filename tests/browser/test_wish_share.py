"""A gift-giver wish list at phone size in Chromium: add a wish for the client's partner, send the private link,
open it as the giver (no login, first name only), revoke it. Every screen passes look()."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jewelpwa.extensions import db
from jewelpwa.models import Person, User
from tests.integration.factories import make_client

from .axe import axe_page, look
from .conftest import PHONE, in_db, sign_in
from .making import desk

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTH = PHONE["width"]


def client_with_partner(live_app) -> tuple[str, str, int, str, str]:
    """An associate and a client of hers who can get texts (a phone, no opt-out, not do-not-contact), with a
    partner "Lena Marsh": (email, password, client id, last name, phone). The send screen offers "Text it to
    …" only to such a client; the demo book's first client with a phone may have opted out of texts."""
    made = desk(live_app, "wish", calls=0)

    def make():
        user = db.session.get(User, made.user_id)
        client = make_client(user, first_name="Nora", last_name="Whitcombe", phone="(555) 010-4477",
                             do_not_contact=False, opted_out=[])
        db.session.add(Person(store_id=client.store_id, client_id=client.id, name="Lena Marsh", relation="partner"))
        db.session.commit()
        return client.id, client.last_name, client.phone

    return (made.email, made.password, *in_db(live_app, make))


def test_send_a_partners_wish_list_open_it_as_the_giver_and_revoke_it(browser, live_app, live_server):
    email, password, client_id, last_name, phone = client_with_partner(live_app)
    with axe_page(browser, PHONE) as page:
        sign_in(page, live_server, email, password)
        page.wait_for_url("**/today")
        page.goto(f"{live_server}/clients/{client_id}")
        page.locator("#card-wishes").get_by_role("link", name="Add wish item").click()
        page.get_by_label("What would they love?").fill("Opal drop earrings")
        page.get_by_label("For whom").select_option(label="Lena Marsh (partner)")
        page.get_by_label("Stone").fill("opal")
        page.get_by_label("Price around").fill("650")
        look(page, "phone-wish-new", WIDTH)
        page.get_by_role("button", name="Save wish").click()
        page.wait_for_url(re.compile(rf"/clients/{client_id}$"))
        lena = page.locator(".wish-list", has_text="Lena")
        expect(lena).to_contain_text("Opal drop earrings")
        look(page, "phone-card-wish-lists", WIDTH)

        lena.get_by_role("button", name="Send wish list of Lena").click()
        expect(page.get_by_role("heading", name="Send Lena’s wish list")).to_be_visible()
        text_link = page.get_by_role("link", name=re.compile("Text it to"))
        expect(text_link).to_have_attribute("href", re.compile(r"^sms:\+1\d{10}\?&body=Hi%20"))
        look(page, "phone-wish-send", WIDTH)
        url = re.search(r"https?://\S+/w/[\w-]+", page.get_by_label("Message").input_value()).group(0)

        with axe_page(browser, PHONE) as giver:  # another phone, nobody signed in
            giver.goto(url)
            expect(giver.get_by_role("heading", name="Lena’s wish list")).to_be_visible()
            expect(giver.locator("body")).to_contain_text("Opal drop earrings")
            body = giver.locator("body").inner_text()
            assert "Marsh" not in body and last_name not in body and phone not in body
            look(giver, "phone-wish-shared", WIDTH)

            page.goto(f"{live_server}/clients/{client_id}")
            # The card's URL does not change on revoke: wait for the POST itself, not for a URL already there.
            with page.expect_response(lambda r: r.request.method == "POST" and "revoke" in r.url):
                page.locator(".wish-list", has_text="Lena").get_by_role("button", name=re.compile("Revoke link")).click()
            assert giver.goto(url).status == 404
