"""An organizer closes a slot for a reason; the teacher sees the notice on the management page,
moves in one tap, and the notice mail and then the move's mail arrive at a real SMTP server."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.factories import create_booking, create_slot, create_user
from tests.mailserver import body
from visitorapp.accounts.models import Role
from visitorapp.booking.models import Booking
from visitorapp.outbox.services import send_due
from visitorapp.timeutil import utcnow


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, **smtp_server.config}


def test_closure_notice_one_tap_move_and_mail(page, phone, live_server, db, app, smtp_server):
    slot = create_slot(capacity=100)
    later = create_slot(event=slot.event, venue=slot.venue, capacity=100,
                        starts_at=slot.starts_at + timedelta(hours=3))
    booking = create_booking(slot, email="wang@school.cn", students=30, teachers=2)
    create_user(role=Role.ORGANIZER, username="organizer1")
    db.session.commit()
    send_due(now=utcnow())
    smtp_server.inbox.messages.clear()

    page.goto(f"{live_server}/login?next=/console/events?year={slot.event.edition.year}")
    page.get_by_label("用户名").fill("organizer1")
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    row = page.locator(f"tr[data-slot-id='{slot.id}']")
    row.get_by_placeholder("暂停原因（显示给教师）").fill("停电检修")
    row.get_by_role("button", name="立即暂停").click()
    expect(page.locator(".flash-success")).to_contain_text("变更通知已发给")

    with app.app_context():
        assert send_due(now=utcnow())["sent"] == 1
    [mail] = smtp_server.messages
    assert mail["X-Envelope-To"] == "wang@school.cn" and "停电检修" in mail["Subject"]
    assert "一键改约" in body(mail, "plain")

    phone.goto(f"{live_server}/b/{booking.manage_token}")
    notices = phone.get_by_role("region", name="变更通知")
    expect(notices).to_contain_text("场次暂停：停电检修")
    notices.get_by_role("button", name="改约到此场次").first.click()
    expect(phone.locator(".flash-success")).to_contain_text("入场码不变")
    expect(phone.get_by_role("region", name="变更通知")).to_have_count(0)
    moved = db.session.scalar(sa.select(Booking).where(Booking.id == booking.id)
                              .execution_options(populate_existing=True))
    assert moved.slot_id == later.id
    # The move's own mail (the new time, the same QR code) reaches the teacher too.
    with app.app_context():
        assert send_due(now=utcnow())["sent"] == 1
    moved_mail = smtp_server.messages[-1]
    assert moved_mail["X-Envelope-To"] == "wang@school.cn"
    assert "预约时间已变更" in moved_mail["Subject"] and booking.reference in moved_mail["Subject"]


def test_a_registrant_moves_from_a_closed_clinic_in_one_tap(phone, live_server, db):
    """The same closure for a student: the 简历门诊 slot is paused, the student's own page offers
    the clinic's other slot with its places (a person's, not a group's), one tap moves it."""
    from tests.factories import create_event
    from tests.registration.helpers import create_individual_slot, register
    from visitorapp.notices import services as notices
    from visitorapp.registration.models import Registration

    clinic = create_event(name="简历门诊", mode="individual")
    closed = create_individual_slot(event=clinic, capacity=3)
    later = create_individual_slot(event=clinic, capacity=3, label="第二场",
                                   starts_at=closed.starts_at + timedelta(hours=3))
    registration = register(closed)
    notices.close_slot(closed, "停电检修")
    db.session.commit()

    phone.goto(f"{live_server}/my/{registration.manage_token}")
    panel = phone.get_by_role("region", name="变更通知")
    expect(panel).to_contain_text("场次暂停：停电检修")
    expect(panel).to_contain_text("简历门诊（第二场）")
    expect(panel).to_contain_text("剩余 3 个名额")
    panel.get_by_role("button", name="改约到此场次").click()
    expect(phone.locator(".flash-success")).to_contain_text("改约成功：已改到")
    expect(phone.locator(".flash-success")).to_contain_text("简历门诊（第二场）")
    moved = db.session.scalar(sa.select(Registration).where(Registration.id == registration.id)
                              .execution_options(populate_existing=True))
    assert moved.slot_id == later.id
