"""Printing Today and the huddles in Chromium (page.pdf, A4 and Letter): a call sheet with names, reasons,
phone numbers and a box to tick, and none of the screen's navigation, buttons or toasts. The first page is
turned into a PNG (poppler's pdftoppm) under test-artifacts/search-owner/ to be looked at."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from jewelpwa.extensions import db
from jewelpwa.models import Client, User

from .conftest import ARTIFACTS, PHONE, TABLET, in_db, sign_in
from .making import desk

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = ARTIFACTS / "search-owner"
# What the screen shows around the list and paper must not: navigation, buttons, forms, the outbox line.
SCREEN_ONLY = ("Skip to content", "Upcoming", "Repairs", "Log outcome", "Segments", "Loyalty", "Audit", "Staff",
               "Show")
OUTCOME_BUTTONS = ("Voicemail", "No answer", "Not now", "Do not contact", "Undo")


def printed(page, name: str, paper: str) -> str:
    """The page printed to PDF on `paper`, its first page saved as a PNG; returns the PDF's text."""
    for tool in ("pdftotext", "pdftoppm"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} missing (apt-get install poppler-utils)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / f"{name}.pdf"
    pdf.write_bytes(page.pdf(format=paper))
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(SHOTS / name)], check=True)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def screen_words_in(text: str, words: tuple[str, ...] = SCREEN_ONLY) -> list[str]:
    return [word for word in words if re.search(rf"\b{word}\b", text)]


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_today_prints_a_call_sheet_with_names_reasons_phones_and_no_navigation(browser, live_app, live_server,
                                                                                 paper):
    me = desk(live_app, "printer", calls=3, names=(("Renée", "Dubé"), ("Grace", "Demir"), ("Omar", "Haddad")))
    phones = in_db(live_app, lambda: list(db.session.scalars(
        select(Client.phone).where(Client.id.in_(me.client_ids)).order_by(Client.id))))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, me.email, me.password)
        expect(page.locator(".today-row")).to_have_count(3)
        text = printed(page, f"print-today-{paper.lower()}", paper)
    finally:
        context.close()
    for name in ("Renée Dubé", "Grace Demir", "Omar Haddad"):
        assert name in text, text
    assert all(phone and phone in text for phone in phones), (phones, text)
    assert text.count("Check-in") >= 3, text  # the reason on each line
    assert screen_words_in(text, SCREEN_ONLY + OUTCOME_BUTTONS) == [], text
    assert "Printer Store" in text and "Call sheet" in text and "Printer Desk" in text  # whose sheet, which day
    assert re.search(rf"{me.today:%A, %B} {me.today.day}, {me.today.year}", text), text


@pytest.mark.parametrize("view", ["morning", "evening"])
def test_a_huddle_prints_each_associate_without_the_owner_navigation(browser, live_app, live_server, view):
    associates = in_db(live_app, lambda: list(db.session.scalars(
        select(User.name).where(User.store_id == live_app.demo.store_id, User.role == "associate",
                                User.active.is_(True)).order_by(User.name))))
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    try:
        sign_in(page, live_server, "owner@harborvine.demo", live_app.demo.password)
        page.goto(live_server + f"/owner/huddle?view={view}")
        expect(page.locator(".associate").first).to_be_visible()
        text = printed(page, f"print-huddle-{view}", "A4")
    finally:
        context.close()
    assert f"{view.capitalize()} huddle" in text
    for name in associates:
        assert name in text, text
    assert screen_words_in(text) == [], text
