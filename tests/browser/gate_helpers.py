"""Shared steps for the gate browser tests: a gate account, a booking today, signing in."""
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.checkin.helpers import booking_today
from tests.factories import create_user, create_venue
from visitorapp.accounts.models import Role
from visitorapp.checkin.models import CheckIn

DECODE_TIMEOUT_MS = 15_000  # a decode takes ~0.3 s; slow CI boxes can stall


def blank_camera(fake_camera_file):
    """The camera sees no code (tests that scan by other means)."""
    from PIL import Image

    from tests.browser.fakecam import write_y4m
    write_y4m(fake_camera_file, Image.new("RGB", (640, 480), "white"))


def gate_world(db, **booking):
    venue = create_venue(name="化工安全体验馆")
    user = create_user(Role.GATE, username="gate1", venues=[venue])
    b, token = booking_today(venue, **booking)
    db.session.commit()
    return venue, user, b, token


def sign_in(page, base, username="gate1", password="correct-horse-9"):
    page.goto(f"{base}/login?next=/gate")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#outcome-title")).to_have_text("请扫描入场码")
    # The page is server-rendered before gate.js runs: a code typed earlier would submit the form.
    expect(page.locator("#gate")).to_have_attribute("data-ready", "1")


def stored(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).all()
