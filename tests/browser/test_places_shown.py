"""A teacher sees, before filling in the form, the places the server then enforces: here the venue's
safe occupancy at that time leaves fewer than the slot's own places (phone, Chromium)."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.test_booking_flow import fill_group
from tests.factories import create_booking, create_event, create_slot, create_venue


def test_the_places_shown_are_the_places_the_server_enforces(phone, live_server, db):
    venue = create_venue("化工安全体验馆", building="", safe_occupancy=100)
    event = create_event(name="开放科普基地")
    slot = create_slot(event, venue, capacity=80, label="化工体验路线")
    neighbour = create_slot(event, venue, capacity=80, label="制药体验路线",
                            starts_at=slot.starts_at + timedelta(minutes=30))
    create_booking(neighbour, students=57, teachers=3)  # 60 in the venue over the same hour
    db.session.commit()

    phone.goto(f"{live_server}/book?day={slot.local_day.isoformat()}")
    row = phone.locator(f'li[data-slot-id="{slot.id}"]')
    expect(row).to_contain_text("化工体验路线")
    expect(row.locator(".badge.open")).to_have_text("剩余 40 人")
    expect(row).to_contain_text("学生和带队教师合计")
    row.get_by_role("link", name="预约").click()
    expect(phone.locator(".slot-summary .badge.open")).to_have_text("剩余 40 人")

    fill_group(phone, students="37", teachers="4")  # 41 persons: one more than shown
    phone.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    phone.get_by_role("button", name="提交预约").click()
    expect(phone.locator("#form-error")).to_contain_text("安全上限")
    phone.get_by_label("带队教师人数").fill("3")  # 40: exactly what was shown
    phone.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    phone.get_by_role("button", name="提交预约").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("预约成功")


def test_a_student_sees_a_full_venue_before_the_form_and_joins_the_waiting_list(phone, live_server,
                                                                               db):
    """The clinic slot still has its own 3 places, but a school group fills the venue at that hour:
    the events list says 已满 and offers the waiting list, which takes the student (phone)."""
    from tests.registration.helpers import create_individual_slot
    from visitorapp.programme.models import ParticipationMode

    venue = create_venue("就业指导中心", building="", safe_occupancy=40)
    clinic = create_individual_slot(capacity=3, venue=venue, label="简历门诊专区", event=create_event(
        name="简历门诊", mode=ParticipationMode.INDIVIDUAL))
    tour = create_slot(create_event(clinic.event.edition), venue, capacity=60,
                       starts_at=clinic.starts_at)
    create_booking(tour, students=37, teachers=3)
    db.session.commit()

    phone.goto(f"{live_server}/events")
    row = phone.locator(f'li[data-slot-id="{clinic.id}"]')
    expect(row.locator(".badge.full")).to_have_text("已满")
    expect(row).not_to_contain_text("剩余")
    expect(row.get_by_role("link", name="报名")).to_have_count(0)
    row.get_by_role("link", name="加入候补").click()
    phone.get_by_label("姓名").fill("刘同学")
    phone.get_by_label("手机号", exact=True).fill("13712340002")
    phone.get_by_label("电子邮箱（必填，名额释放时通过邮件通知您）").fill("liu@example.com")
    phone.get_by_label("学号").fill("2024010204")
    phone.get_by_label("二级学院").fill("化学工程学院")
    phone.get_by_label("班级").fill("应化2401班")
    phone.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    phone.get_by_role("button", name="加入候补").click()
    expect(phone.locator("body")).to_contain_text("第 1 位")
