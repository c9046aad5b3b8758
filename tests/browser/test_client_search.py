"""Client search in Chromium at 390×844: a name typed without its accents, and "last first", find the client as
the associate types (htmx swaps the results), the exact name first."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .axe import axe_phone, look  # noqa: F401 - the fixture
from .conftest import PHONE, sign_in
from .making import desk

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = "search-owner"


def test_typing_renee_and_demir_grace_finds_the_clients(axe_phone, live_app, live_server):  # noqa: F811
    phone = axe_phone
    me = desk(live_app, "finder", calls=3, names=(("Renée", "Dubé"), ("Grace", "Demir"), ("Demir", "Gracewell")))
    sign_in(phone, live_server, me.email, me.password)
    phone.goto(live_server + "/clients")
    box = phone.get_by_label("Name, phone or email")
    rows = phone.locator("#client-results .row-name")

    box.press_sequentially("renee", delay=40)
    expect(phone).to_have_url(re.compile(r"/clients\?q=renee(&|$)"), timeout=10_000)  # htmx's answer is in
    expect(rows).to_have_text(["Renée Dubé"])
    look(phone, f"{SHOTS}/search-renee-phone", PHONE["width"])

    box.fill("")
    box.press_sequentially("demir grace", delay=40)
    expect(phone).to_have_url(re.compile(r"/clients\?q=demir(\+|%20)grace(&|$)"), timeout=10_000)
    # The exact name (in any order) first, then the one that starts with what was typed.
    expect(rows).to_have_text(["Grace Demir", "Demir Gracewell"])
    look(phone, f"{SHOTS}/search-demir-grace-phone", PHONE["width"])
