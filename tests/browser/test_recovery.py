"""A teacher who lost the management link gets it back on a phone: refused as a duplicate, follows
the link to 找回预约/报名, and the mail with the link arrives at a real SMTP server."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_booking_flow import fill_group
from tests.factories import create_booking, create_slot
from tests.mailserver import body
from visitorapp.outbox.services import send_due
from visitorapp.timeutil import utcnow


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config}


def test_a_teacher_recovers_a_lost_link_by_mail(phone, live_server, db, app, smtp_server):
    slot = create_slot(capacity=200)
    booking = create_booking(slot, leader_mobile="13812345678", email="wang@school.cn")
    db.session.commit()
    send_due(now=utcnow())  # the confirmation went out when the booking was made; the teacher lost it
    smtp_server.inbox.messages.clear()

    phone.goto(f"{live_server}/book/{slot.id}")
    fill_group(phone)
    phone.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    phone.get_by_role("button", name="提交预约").click()
    expect(phone.locator("#leader_mobile-error")).to_contain_text("该手机号已预约此场次")
    expect(phone.locator("body")).not_to_contain_text(booking.reference)

    phone.get_by_role("link", name="找回预约/报名").first.click()
    expect(phone).to_have_url(re.compile(r"/recover$"))
    phone.get_by_label("手机号（预约/报名时填写的）").fill("13812345678")
    phone.get_by_label("预约号或报名号").fill(booking.reference.lower())
    phone.get_by_role("button", name="发送到我的邮箱").click()
    expect(phone.get_by_role("heading", name="请查收邮件")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text(booking.manage_token)

    with app.app_context():
        assert send_due(now=utcnow())["sent"] == 1
    [mail] = smtp_server.messages
    assert mail["X-Envelope-To"] == "wang@school.cn"
    link = re.search(r"管理链接：(\S+)", body(mail, "plain")).group(1)
    phone.goto(link.replace("http://localhost", live_server))
    expect(phone.get_by_role("heading", name="我的预约")).to_be_visible()
    expect(phone.locator(".reference").first).to_have_text(booking.reference)
