"""Real browser: a student registers for a 模拟面试 slot, the full slot offers the waiting list,
a cancellation promotes the first entry, and the offer email arrives at a loopback SMTP server."""
import email
import re
import socket
from email.policy import default as email_policy

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.registration.helpers import create_individual_slot
from visitorapp.outbox.services import send_due
from visitorapp.timeutil import utcnow


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email_policy))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def app_config(app_config, smtp):
    # No PUBLIC_BASE_URL: mail links use the host the student's browser reached (the live server).
    return {**app_config, "MAIL_SUPPRESS_SEND": False, "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
            "PUBLIC_BASE_URL": ""}


def fill_student(page, name, mobile, mail, number):
    page.get_by_label("姓名", exact=True).fill(name)
    page.get_by_label("手机号", exact=True).fill(mobile)
    page.get_by_label(re.compile(r"^电子邮箱（")).fill(mail)  # 选填 to register, 必填 to wait
    page.get_by_label("本校学生").check()
    page.get_by_label("学号", exact=True).fill(number)
    page.get_by_label("二级学院", exact=True).fill("化学工程学院")
    page.get_by_label("班级", exact=True).fill("应化2401班")
    page.get_by_label("我已阅读并同意《个人信息保护说明》").check()


def test_register_wait_and_get_promoted_by_email(phone, live_server, db, smtp):
    slot = create_individual_slot(capacity=1, name="模拟面试")
    db.session.commit()
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))

    # A student takes the only place.
    phone.goto(f"{live_server}/events")
    expect(phone.get_by_role("heading", name="模拟面试")).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name=re.compile("报名 模拟面试")).click()
    fill_student(phone, "刘一", "13700020001", "liu@example.com", "2024040101")
    phone.get_by_role("button", name="提交报名").click()
    expect(phone.locator(".flash-success")).to_contain_text("报名成功")
    expect(phone.locator(".ticket-token")).to_contain_text("HC1-")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways scroll
    manage_url = phone.url

    # The slot is full now: the next student is offered the waiting list and joins it.
    phone.goto(f"{live_server}/events")
    expect(phone.locator(f'[data-slot-id="{slot.id}"] .badge.full')).to_have_text("已约满")
    phone.get_by_role("link", name="加入候补").click()
    fill_student(phone, "陈二", "13700020002", "chen@example.com", "2024040102")
    phone.get_by_role("button", name="加入候补").click()
    expect(phone.get_by_role("heading", name="我的候补")).to_be_visible()
    expect(phone.locator(".facts")).to_contain_text("第 1 位")

    # The first student cancels: the place is offered (and held) for the waiting student.
    phone.goto(manage_url)
    phone.once("dialog", lambda dialog: dialog.accept())  # "确定取消报名…吗？"
    phone.get_by_role("button", name="确认取消报名").click()
    expect(phone.locator(".flash-success")).to_contain_text("报名已取消")

    db.session.rollback()  # see what the server threads committed
    counts = send_due(now=utcnow())
    db.session.commit()
    assert counts["sent"] >= 2 and counts["retry"] == 0
    offers = [m for m in smtp.messages if "候补名额已为您保留" in m["Subject"]]
    assert len(offers) == 1 and offers[0]["To"] == "chen@example.com"
    body = offers[0].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/w/[\w-]+", body).group(0)

    # The waiting student follows the link from the email and confirms.
    phone.goto(link)
    expect(phone.get_by_role("heading", name="名额已为您保留")).to_be_visible()
    phone.get_by_role("button", name="确认参加").click()
    expect(phone.get_by_role("heading", name="我的报名")).to_be_visible()
    expect(phone.locator(".facts")).to_contain_text("陈二")
    expect(phone.locator(".ticket-token")).to_contain_text("HC1-")
    assert errors == []


def test_live_character_count_on_a_phone(phone, live_server, db):
    """The counter (static/js/charcount.js, CSP-safe) counts as the server does and warns."""
    from tests.factories import create_department, create_edition, create_user
    from visitorapp.accounts.models import Role

    create_edition()
    college = create_department("化学工程学院")
    create_user(role=Role.REPORTER, username="hg-reporter", department=college)
    db.session.commit()
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(f"{live_server}/login")
    phone.get_by_label("用户名").fill("hg-reporter")
    phone.get_by_label("密码").fill("correct-horse-9")
    phone.get_by_role("button", name="登录").click()
    phone.goto(f"{live_server}/submissions/")
    phone.locator("#kind-major_intro").get_by_role("button", name="新建教授一分钟说专业").click()
    counter = phone.locator("#body-count")
    expect(counter).to_have_text("已输入 0 / 200 字")
    phone.get_by_label("正文").fill("化" * 199 + " \n" + "工")
    expect(counter).to_have_text("已输入 200 / 200 字")
    phone.get_by_label("正文").press("End")
    phone.keyboard.type("学")
    expect(counter).to_contain_text("超出 1 字")
    expect(counter).to_have_class(re.compile("over"))
    phone.get_by_role("button", name="保存草稿").click()
    expect(phone.locator(".error")).to_contain_text("不能超过200字")
    assert errors == []
