"""附件1 prints on at most two A4 landscape pages: the 17 rows of the plan, with what units wrote."""
import re

import sqlalchemy as sa

from tests.factories import create_user
from visitorapp.database import atomic
from visitorapp.programme.models import Department, Edition
from visitorapp.reports import services
from visitorapp.timeutil import utcnow

HIGHLIGHT = "化学魔术秀点燃小学生的好奇心，家长和老师一起动手做实验，现场气氛热烈。"


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_college_report_prints_on_two_a4_landscape_pages(runner, browser, live_server, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    edition = db.session.scalar(sa.select(Edition).where(Edition.year == 2026))
    organizer = create_user()
    # Units wrote what a real week brings: a sentence or two per activity, links, a case.
    for event in edition.events:
        for department in (event.responsible_departments or event.lead_departments)[:2]:
            values = dict.fromkeys(services.ENTRY_FIELDS, 1) | {
                "links": "https://www.hnhgzy.com/news/2026/0513.html",
                "highlights": HIGHLIGHT, "typical_case": "《一堂走出教室的化学课》"}
            atomic(services.save_entry, event, department, values, organizer, now=utcnow())
    db.session.commit()
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(organizer.username)
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/reports/college?edition=2026")
    assert page.locator(".report-table tbody tr").count() == 17 + 1  # 17 activities and 合计
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert 1 <= _pages(pdf) <= 2, _pages(pdf)
    # Every column is readable: none squeezed below a few characters.
    widths = page.eval_on_selector_all(".report-table thead tr:last-child th",
                                       "ths => ths.map(th => th.getBoundingClientRect().width)")
    assert min(widths) >= 18
    page.close()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Department)) > 17
