"""The live dashboard updates by itself in a real browser when a school books (no reload)."""
import pytest
from playwright.sync_api import expect

from tests.factories import create_booking, create_slot, create_user
from visitorapp.accounts.models import Role


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CONSOLE_REFRESH_SECONDS": 1}


def test_dashboard_refreshes_itself(page, live_server, app, db):
    slot = create_slot(capacity=100)
    create_user(Role.ORGANIZER, username="organizer2")
    db.session.commit()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Every request the page makes (the polled panel included) must succeed; the browser's own
    # favicon probe is not the page's doing.
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("organizer2")
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/console/?day={slot.local_day.isoformat()}")
    row = page.locator(f'tr[data-slot-id="{slot.id}"]')
    expect(row).to_contain_text("0/100")
    with app.app_context():
        create_booking(db.session.get(type(slot), slot.id), students=30, teachers=2)
        db.session.commit()
    expect(row).to_contain_text("32/100", timeout=5000)
    expect(page.locator('[data-kpi="booked"]')).to_have_text("32")
    assert errors == []
