"""The public pages render in a real phone-sized Chromium without script errors."""
from playwright.sync_api import expect

from tests.factories import create_slot


def test_slot_picker_renders_on_a_phone(phone, live_server, db):
    create_slot(capacity=60)
    db.session.commit()
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(f"{live_server}/book")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("学校团体预约")
    expect(phone.locator(".slot .badge.open")).to_contain_text("剩余 60 人")
    assert errors == []
