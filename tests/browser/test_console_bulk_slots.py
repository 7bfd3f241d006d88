"""An organizer generates slots in bulk in a real browser and teachers see them on /book."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.factories import create_edition, create_event, create_user, create_venue
from visitorapp.accounts.models import Role


def test_bulk_generation_preview_create_and_public_picker(page, live_server, db):
    edition = create_edition()
    create_event(edition, name="开放科普基地")
    create_venue("化工安全体验馆", safe_occupancy=200)
    create_user(Role.ORGANIZER, username="organizer1")
    db.session.commit()
    day = edition.starts_on + timedelta(days=2)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("organizer1")
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("实时看板")

    page.goto(f"{live_server}/console/slots/bulk")
    page.get_by_label("场地").select_option(label="化工安全体验馆（安全容量200人）")
    page.get_by_label(f"{day.month}月{day.day}日").check()
    page.get_by_label("首场开始时间").fill("09:00")
    page.get_by_label("每场时长（分钟）").fill("60")
    page.get_by_label("场次间隔（分钟）").fill("30")
    page.get_by_label("每天场次数").fill("3")
    page.get_by_label("每场容量（人）").fill("80")
    page.get_by_role("button", name="预览").click()

    preview = page.locator("table.bulk-preview tbody tr")
    expect(preview).to_have_count(3)
    expect(preview.nth(1)).to_contain_text("10:30–11:30")
    page.get_by_role("button", name="确认生成 3 个场次").click()
    expect(page.locator(".flash-success")).to_contain_text("已生成3个场次")

    page.goto(f"{live_server}/book?day={day.isoformat()}")
    venue = page.locator("section.venue", has_text="化工安全体验馆")
    expect(venue.locator(".slot")).to_have_count(3)
    expect(venue.locator(".slot").first).to_contain_text("09:00–10:00")
    expect(venue.locator(".slot .badge.open").first).to_contain_text("剩余 80 人")
    assert errors == []
