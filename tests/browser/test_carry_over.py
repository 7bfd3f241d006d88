"""Nothing typed is lost: a teacher whose slot is too full taps an alternative and submits the same
form there without typing a field again — on a phone, in Chromium."""
import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.test_booking_flow import fill_group, fits_the_phone
from tests.factories import create_booking, create_event, create_slot, create_venue
from visitorapp.booking.models import Booking


def test_a_teacher_taps_an_alternative_and_submits_without_retyping(phone, live_server, db):
    venue = create_venue("全国化学会科普基地·精艺楼", building="精艺楼")
    event = create_event(name="开放科普基地")
    full = create_slot(event, venue, capacity=60, label="化工体验路线")
    create_booking(full, students=30, teachers=2)
    other = create_slot(event, venue, capacity=100, label="制药体验路线",
                        starts_at=full.starts_at + timedelta(hours=2))
    db.session.commit()

    phone.goto(f"{live_server}/book/{full.id}")
    fill_group(phone, students="40", teachers="2")
    phone.get_by_label("年级").fill("七年级：1班")
    phone.get_by_label("电子邮箱（选填，用于接收入场码）").fill("wang@school.cn")
    phone.get_by_label("备注（选填）").fill("两名学生需要轮椅通道")
    phone.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    phone.get_by_role("button", name="提交预约").click()

    expect(phone.locator("#form-error")).to_be_visible()
    alternatives = phone.get_by_role("region", name="以下场次仍有名额")
    expect(alternatives).to_contain_text("开放科普基地（制药体验路线）")
    expect(alternatives).not_to_contain_text("精艺楼 · 精艺楼")
    assert fits_the_phone(phone)
    alternatives.get_by_role("button", name=re.compile("预约此场")).click()

    expect(phone).to_have_url(f"{live_server}/book/{other.id}")
    expect(phone.get_by_label("学校名称")).to_have_value("株洲市第二中学")
    expect(phone.get_by_label("学生人数")).to_have_value("40")
    expect(phone.get_by_label("年级")).to_have_value("七年级：1班")
    expect(phone.get_by_label("备注（选填）")).to_have_value("两名学生需要轮椅通道")
    expect(phone.locator(".has-error")).to_have_count(0)  # nothing refused before submitting
    phone.get_by_role("button", name="提交预约").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("预约成功")
    booking = db.session.scalar(sa.select(Booking).where(Booking.slot_id == other.id))
    assert (booking.school_name, booking.grades, booking.students, booking.email) == (
        "株洲市第二中学", "七年级：1班", 40, "wang@school.cn")
