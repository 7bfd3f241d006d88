"""A teacher books a group on a phone (390px, WeChat-like), in a real Chromium."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import create_booking, create_department, create_slot, create_venue


def fill_group(page, *, students="40", teachers="2", mobile="13812345678"):
    page.get_by_label("学校名称").fill("株洲市第二中学")
    page.get_by_label("学段").select_option(label="初中")
    page.get_by_label("年级").fill("七年级")
    page.get_by_label("学生人数").fill(students)
    page.get_by_label("带队教师人数").fill(teachers)
    page.get_by_label("领队教师姓名").fill("王老师")
    page.get_by_label("领队教师手机号").fill(mobile)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_teacher_books_a_slot_and_sees_the_places_drop(phone, live_server, db):
    venue = create_venue("全国化学会科普基地", building="精艺楼",
                         host_department=create_department("化学工程学院"))
    create_slot(venue=venue, capacity=60)
    db.session.commit()
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))

    phone.goto(f"{live_server}/book")
    card = phone.get_by_role("region", name="全国化学会科普基地")
    expect(card).to_contain_text("承办：化学工程学院")
    expect(card.locator(".badge.open")).to_contain_text("剩余 60 人")
    assert fits_the_phone(phone)
    card.get_by_role("link", name=re.compile("^预约")).click()

    fill_group(phone, teachers="1")
    hint = phone.locator("#teacher-hint")
    expect(hint).to_have_text("40 名学生至少需要 2 名带队教师，当前 1 名，还差 1 名。")
    phone.get_by_label("带队教师人数").fill("2")
    expect(hint).to_have_text("40 名学生至少需要 2 名带队教师。")
    expect(phone.get_by_text("不收集学生姓名、身份证号等任何学生个人信息。")).to_be_visible()
    phone.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    assert fits_the_phone(phone)
    phone.get_by_role("button", name="提交预约").dblclick()  # an impatient double tap books once

    expect(phone.get_by_role("heading", level=1)).to_have_text("预约成功")
    reference = phone.locator("#reference").inner_text()
    assert re.fullmatch(r"TY-\d{4}-[2-9A-HJKMNP-Z]{4}", reference)
    manage_url = phone.locator("#manage-url").input_value()
    assert re.fullmatch(rf"{live_server}/b/[\w-]{{20,}}", manage_url)
    phone.get_by_role("button", name="复制链接").click()
    expect(phone.locator("#copy-status")).to_have_text("已复制，请粘贴保存。")

    phone.goto(f"{live_server}/book")
    expect(phone.get_by_role("region", name="全国化学会科普基地").locator(".badge.open")
           ).to_contain_text("剩余 18 人")
    phone.goto(manage_url)
    expect(phone.locator(".facts")).to_contain_text(reference)
    assert errors == []


def test_invalid_mobile_is_shown_in_chinese_next_to_the_field(phone, live_server, db):
    slot = create_slot(capacity=60)
    db.session.commit()

    phone.goto(f"{live_server}/book/{slot.id}")
    fill_group(phone, mobile="12345")
    phone.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    phone.get_by_role("button", name="提交预约").click()

    mobile = phone.get_by_label("领队教师手机号")
    expect(mobile).to_have_attribute("aria-invalid", "true")
    error = phone.locator("#leader_mobile-error")
    expect(error).to_have_text("请填写正确的11位手机号码（如 13812345678）。")
    expect(mobile).to_have_attribute("aria-describedby", "leader_mobile-error")
    # the field and its message sit together, and what the teacher typed is kept
    field = phone.locator(".field.has-error")
    expect(field).to_have_count(1)
    expect(field).to_contain_text("领队教师手机号")
    expect(phone.get_by_label("学校名称")).to_have_value("株洲市第二中学")
    phone.goto(f"{live_server}/book")
    expect(phone.locator(".badge.open")).to_contain_text("剩余 60 人")


def test_booking_works_with_javascript_disabled(browser, live_server, db):
    slot = create_slot(capacity=60)
    db.session.commit()
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/book/{slot.id}")
        fill_group(page)
        page.get_by_label("我已阅读并同意《个人信息保护说明》").check()
        page.get_by_role("button", name="提交预约").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("预约成功")
        expect(page.get_by_role("button", name="复制链接")).to_be_hidden()
        expect(page.locator("#manage-url")).to_have_value(re.compile(r"/b/[\w-]{20,}$"))
    finally:
        context.close()


def test_teacher_changes_headcount_then_cancels_from_the_manage_link(phone, live_server, db):
    slot = create_slot(capacity=60)
    booking = create_booking(slot, students=20, teachers=2, school_stage="primary")
    db.session.commit()

    phone.goto(f"{live_server}/b/{booking.manage_token}")
    # Before the form, the largest total the server will then accept (60 places, 22 held).
    expect(phone.locator(".headcount-most")).to_contain_text("最多可改为 60 人")
    phone.get_by_label("学生人数").fill("30")
    expect(phone.locator(".live-hint")).to_have_text(
        "30 名学生（小学）至少需要 3 名带队教师，当前 2 名，还差 1 名。")
    phone.get_by_label("带队教师人数").fill("3")
    phone.get_by_role("button", name="保存人数").click()
    # The new total, not only the increase.
    expect(phone.get_by_role("status")).to_have_text("人数已改为学生30人、教师3人，合计33人，入场码不变。")
    expect(phone.locator(".facts")).to_contain_text("学生 30 人，教师 3 人，合计 33 人")

    dialogs = []
    phone.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    phone.get_by_role("button", name="确认取消预约").click()
    expect(phone.get_by_role("status")).to_contain_text("预约已取消，名额已释放")
    assert booking.reference in dialogs[0]
    phone.goto(f"{live_server}/book")
    expect(phone.locator(".badge.open")).to_contain_text("剩余 60 人")
