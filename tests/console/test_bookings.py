"""Staff work on bookings: search, filters, masked mobiles, changes on a teacher's behalf,
cancellation with notice — each leaving an audit entry; no-shows as the gate rule says."""
from datetime import datetime, time, timedelta

import pytest

from tests.console.conftest import audit_actions
from tests.factories import create_booking, create_slot, create_user
from visitorapp.accounts.models import Role
from visitorapp.booking import signals
from visitorapp.booking.models import BookingStatus
from visitorapp.timeutil import TZ


@pytest.fixture
def organizer(client, login, world):
    login(create_user(Role.ORGANIZER, username="jiaowu"))


def test_list_masks_mobiles_and_detail_shows_the_full_number(client, world, organizer):
    html = client.get("/console/bookings").get_data(as_text=True)
    assert "138****5678" in html and "13812345678" not in html
    detail = client.get(f"/console/bookings/{world.booking.id}").get_data(as_text=True)
    assert "13812345678" in detail


@pytest.mark.parametrize("query, found", [
    ("5678", True), ("1234", False), ("第二中学", True), ("第三中学", False)])
def test_search_by_school_or_mobile_tail(client, world, organizer, query, found):
    html = client.get("/console/bookings", query_string={"q": query}).get_data(as_text=True)
    assert (world.booking.reference in html) is found


def test_search_by_reference_and_filters(client, db, world, organizer):
    other_slot = create_slot(world.event, world.venue, capacity=50,
                             starts_at=world.slot.starts_at + timedelta(days=1))
    other = create_booking(other_slot, school_name="醴陵市实验小学", school_stage="primary",
                           students=20, teachers=2)
    db.session.commit()
    ref = world.booking.reference
    assert ref in client.get("/console/bookings", query_string={"q": ref.lower()}).get_data(
        as_text=True)
    by_stage = client.get("/console/bookings", query_string={"stage": "primary"}).get_data(
        as_text=True)
    assert other.reference in by_stage and ref not in by_stage
    by_slot = client.get("/console/bookings", query_string={"slot": world.slot.id}).get_data(
        as_text=True)
    assert ref in by_slot and other.reference not in by_slot
    day = other_slot.local_day.isoformat()
    by_day = client.get("/console/bookings", query_string={"day": day}).get_data(as_text=True)
    assert other.reference in by_day and ref not in by_day
    junk = client.get("/console/bookings", query_string={"day": "x", "status": "<b>", "venue": "a"})
    assert junk.status_code == 200 and ref in junk.get_data(as_text=True)


def test_headcount_change_after_the_deadline(client, db, pinned, world, organizer):
    # The slot starts in less than the teachers' change deadline: staff may still change it.
    soon = datetime.combine(pinned.date() + timedelta(days=1), time(9), tzinfo=TZ)
    world.edition.change_deadline_hours = 72
    slot = create_slot(world.event, world.venue, capacity=60, starts_at=soon)
    booking = create_booking(slot, students=30, teachers=2)
    db.session.commit()
    response = client.post(f"/console/bookings/{booking.id}/headcount",
                           data={"students": 40, "teachers": 3})
    assert response.status_code == 302
    assert "人数已修改为43人（学生40人、教师3人）" in client.get(response.location).get_data(as_text=True)
    db.session.refresh(booking), db.session.refresh(slot)
    assert (booking.students, booking.teachers, slot.booked) == (40, 3, 43)
    entry = audit_actions(db, "booking.headcount")[-1]
    assert entry.actor == "jiaowu" and entry.user_id is not None
    full = client.post(f"/console/bookings/{booking.id}/headcount",
                       data={"students": 60, "teachers": 3})
    assert "剩余名额不足" in full.get_data(as_text=True)
    db.session.refresh(slot)
    assert slot.booked == 43


def test_details_change_and_hostile_input(client, db, world, organizer):
    data = {"school_name": "株洲市第二中学（南校区）", "school_stage": "junior", "grades": "八年级",
            "leader_name": "赵老师", "leader_mobile": "13987654321", "email": "", "notes": "轮椅1人"}
    response = client.post(f"/console/bookings/{world.booking.id}/details", data=data)
    assert response.status_code == 302
    db.session.refresh(world.booking)
    assert (world.booking.leader_name, world.booking.leader_mobile) == ("赵老师", "13987654321")
    entry = audit_actions(db, "booking.mobile")[-1]
    assert entry.after["leader_mobile"] == "139****4321"  # no full number in the log
    assert audit_actions(db, "booking.details")[-1].after["leader_name"] == "赵老师"
    bad = client.post(f"/console/bookings/{world.booking.id}/details",
                      data={**data, "school_name": "=HYPERLINK(\"x\")"})
    assert bad.status_code == 422 and "学校名称只能包含" in bad.get_data(as_text=True)
    db.session.refresh(world.booking)
    assert world.booking.school_name == "株洲市第二中学（南校区）"  # as typed (issue 12)


def test_cancel_with_notice(client, db, world, organizer):
    notices = []

    def receiver(booking, reason):
        notices.append((booking.id, reason))

    signals.booking_cancelled.connect(receiver)
    try:
        response = client.post(f"/console/bookings/{world.booking.id}/cancel",
                               data={"reason": "场馆检修，已电话告知"})
    finally:
        signals.booking_cancelled.disconnect(receiver)
    assert response.status_code == 302
    db.session.refresh(world.booking), db.session.refresh(world.slot)
    assert world.booking.status == BookingStatus.CANCELLED and world.slot.booked == 0
    assert notices == [(world.booking.id, "场馆检修，已电话告知")]
    assert audit_actions(db, "booking.cancel")[-1].actor == "jiaowu"
    no_reason = client.post(f"/console/bookings/{world.booking.id}/cancel", data={"reason": ""})
    assert no_reason.status_code == 422


def test_no_show_is_the_gate_rule_the_same_before_and_after_the_nightly_job(
        client, db, login, world, time_machine, runner):
    from tests.checkin.helpers import scan_at

    def listed():
        page = client.get("/console/bookings", query_string={"status": "no_show"})
        return world.booking.reference in page.get_data(as_text=True)

    login(create_user(Role.ORGANIZER, username="jiaowu"))
    detail = client.get(f"/console/bookings/{world.booking.id}").get_data(as_text=True)
    assert not listed() and "尚未到场" in detail and "标记为爽约" not in detail
    time_machine.move_to(world.slot.ends_at + timedelta(hours=1), tick=False)
    login(create_user(Role.ORGANIZER))
    assert listed()  # the slot ended with nobody arrived: 爽约 at once, no job needed
    assert "场次已结束，无人到场" in client.get(
        f"/console/bookings/{world.booking.id}").get_data(as_text=True)
    assert runner.invoke(args=["bookings", "mark-no-shows"]).output.strip() == "已标记爽约 1 个预约。"
    db.session.refresh(world.booking)
    assert world.booking.no_show_at is not None and listed()
    assert audit_actions(db, "booking.no_show")[-1].actor == "系统"
    # An offline gate's scan synced late shows the group came: every view follows at once.
    scan_at(world.booking, world.slot.starts_at + timedelta(minutes=5))
    db.session.commit()
    assert not listed()
    detail = client.get(f"/console/bookings/{world.booking.id}").get_data(as_text=True)
    assert "实到 <strong>42</strong> 人" in detail and "✔ 放行" in detail
    runner.invoke(args=["bookings", "mark-no-shows"])
    db.session.refresh(world.booking)
    assert world.booking.no_show_at is None and not listed()
    assert client.post(f"/console/bookings/{world.booking.id}/no-show").status_code in (404, 405)


def test_detail_links_the_ticket_and_resends_the_confirmation_audited(client, db, world, organizer):
    import sqlalchemy as sa

    from visitorapp.outbox.models import OutboxMessage
    from visitorapp.tickets.tokens import token_for
    world.booking.email = "li.laoshi@example.com"
    db.session.commit()
    detail = client.get(f"/console/bookings/{world.booking.id}").get_data(as_text=True)
    assert f"/ticket/{token_for(world.booking)}" in detail and "重发确认邮件" in detail
    response = client.post(f"/console/bookings/{world.booking.id}/resend", follow_redirects=True)
    assert "确认邮件已重新发送至 l***@example.com" in response.get_data(as_text=True)
    [mail] = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "booking.confirmed", OutboxMessage.subject.contains("重发"))).all()
    assert mail.recipient == "li.laoshi@example.com" and token_for(world.booking) in mail.body_text
    assert "booking.resend" in [e.action for e in audit_actions(db)]
