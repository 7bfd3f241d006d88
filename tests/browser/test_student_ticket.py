"""A student registers on a phone, opens the ticket from /my/<token>, and a gate phone scanning the
QR decoded from that page lets them in — the whole path of an individual ticket, in Chromium."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.gate_helpers import DECODE_TIMEOUT_MS, sign_in, stored
from tests.checkin.helpers import MOMENT
from tests.factories import create_user, create_venue
from tests.mailserver import decode_qr
from tests.registration.helpers import create_individual_slot
from visitorapp.accounts.models import Role
from visitorapp.registration.models import Registration


def test_student_registers_opens_the_ticket_and_is_admitted(browser, phone, gate_day, live_server,
                                                             db, show_on_camera):
    from tests.browser.conftest import PHONE
    venue = create_venue(name="就业指导中心", building="")
    create_user(Role.GATE, username="gate1", venues=[venue])
    slot = create_individual_slot(venue=venue, capacity=20, starts_at=MOMENT + timedelta(minutes=10),
                                  label="简历门诊专区")
    db.session.commit()

    phone.goto(f"{live_server}/r/{slot.id}")
    phone.get_by_label("姓名").fill("刘同学")
    phone.get_by_label("手机号", exact=True).fill("13712340001")
    phone.get_by_label("学号").fill("2024010203")
    phone.get_by_label("二级学院").fill("化学工程学院")
    phone.get_by_label("班级").fill("应化2401班")
    phone.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    phone.get_by_role("button", name="提交报名").click()
    expect(phone).to_have_url(re.compile(r"/my/[^/]+\?new=1$"))

    phone.get_by_role("link", name="查看入场码").click()
    expect(phone).to_have_url(re.compile(r"/ticket/HC1-"))
    qr = phone.locator("svg.qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 250 and box["x"] + box["width"] <= 390
    expect(phone.locator(".ticket-reference")).to_contain_text("BM-")
    expect(phone.locator("#ticket")).to_contain_text("简历门诊（简历门诊专区）")
    expect(phone.locator("#ticket")).to_contain_text("一人一码")
    expect(phone.locator("#ticket[data-offline-ready=true]")).to_be_attached()
    [decoded] = decode_qr(qr.screenshot())

    # Another phone at the gate: its camera sees the code the student shows.
    show_on_camera(decoded)
    gate = browser.new_context(**PHONE).new_page()
    try:
        sign_in(gate, live_server)
        expect(gate.locator("#outcome")).to_have_class(re.compile(r"\bok\b"),
                                                      timeout=DECODE_TIMEOUT_MS)
        expect(gate.locator("#outcome-title")).to_have_text("✔ 放行")
    finally:
        gate.context.close()
    registration = db.session.scalar(db.select(Registration))
    assert [(r.result, r.registration_id) for r in stored(db)] == [("ok", registration.id)]
