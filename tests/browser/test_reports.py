"""A department's reporter fills in and submits the statistics report on a phone."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.reports.helpers import past_week
from visitorapp.reports.models import ActivityReportEntry, DepartmentReport
from visitorapp.timeutil import local_today


def test_reporter_fills_in_and_submits_on_a_phone(phone, live_server, db):
    week = past_week(report_deadline=local_today() + timedelta(days=3))
    db.session.commit()
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(f"{live_server}/login")
    phone.get_by_label("用户名").fill(week["reporter"].username)
    phone.get_by_label("密码").fill("correct-horse-9")
    phone.get_by_role("button", name="登录").click()
    phone.goto(f"{live_server}/reports/?edition={week['edition'].year}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("化学工程学院")
    # the wide table scrolls inside its box; the page itself does not scroll sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name="填写").first.click()
    phone.get_by_label("市级媒体报道（篇）").fill("2")
    phone.get_by_label("网络浏览量（次）").fill("15000")
    phone.get_by_label("活动亮点").fill("化学魔术秀点燃小学生的好奇心")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator(".flash")).to_contain_text("已保存")
    expect(phone.locator(".report-table")).to_contain_text("15000")
    phone.get_by_role("button", name="提交报表").click()
    expect(phone.locator(".flash")).to_contain_text("已提交")
    db.session.expire_all()
    assert db.session.query(ActivityReportEntry).one().online_views == 15000
    assert db.session.query(DepartmentReport).count() == 1
    assert errors == []
