"""The ticket page in a real Chromium: a scannable QR on a phone, one A4 page when printed, and
still there when the phone loses the network at the gate."""
import re

import pytest
from playwright.sync_api import expect

from tests.factories import create_booking, create_slot, create_venue
from tests.mailserver import decode_qr
from visitorapp.tickets import tokens

NOTES = ("集合地点：精艺楼一楼大厅，请提前 15 分钟到达。\n"
         "进入化学实验室须穿长裤、平底鞋，长发束起；未经允许不得触摸仪器和试剂。\n"
         "参观全程约 90 分钟，馆内禁止饮食。")


@pytest.fixture
def ticket_url(live_server, db):
    venue = create_venue(name="全国化学会科普基地", building="精艺楼", visitor_notes=NOTES)
    slot = create_slot(venue=venue, capacity=150)
    booking = create_booking(slot, school_name="株洲市天元区泰山路实验学校（初中部）",
                             grades="七年级、八年级", students=45, teachers=3)
    db.session.commit()
    return f"{live_server}/ticket/{tokens.token_for(booking)}", tokens.token_for(booking)


def watch_errors(page) -> list[str]:
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # CSP violations are reported on the console; failed loads by URL (the browser's own
    # /favicon.ico probe is not the page's doing).
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return errors


def test_phone_shows_a_large_qr_that_decodes_to_the_ticket(phone, ticket_url):
    url, token = ticket_url
    errors = watch_errors(phone)
    phone.goto(url)
    qr = phone.locator("svg.qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 280 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert decode_qr(qr.screenshot()) == [token]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert errors == []  # no CSP violations, no script errors


def test_print_layout_is_one_a4_page(page, ticket_url):
    url, _ = ticket_url
    page.goto(url)
    expect(page.locator("svg.qr")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True)
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    assert len(pages) == 1, f"printed on {len(pages)} pages"
    page.emulate_media(media="print")
    expect(page.locator(".ticket-actions")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    qr_mm = page.locator("svg.qr").bounding_box()["width"] / 96 * 25.4
    assert 50 <= qr_mm <= 60  # large enough to scan from a printed sheet


def test_ticket_still_shows_offline_once_visited(phone, ticket_url):
    url, token = ticket_url
    phone.goto(url)
    expect(phone.locator("#ticket[data-offline-ready=true]")).to_be_attached()
    phone.context.set_offline(True)
    try:
        phone.reload()
        expect(phone.locator("svg.qr")).to_be_visible()
        expect(phone.locator(".ticket-reference")).to_contain_text("TY-")
        assert decode_qr(phone.locator("svg.qr").screenshot()) == [token]
    finally:
        phone.context.set_offline(False)
