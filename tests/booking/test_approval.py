"""待审核 (approval mode): a group above the threshold holds its places, its ticket is not valid until
an organizer confirms, a rejection or the deadline releases the places; a mail for each outcome."""
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.booking.helpers import form_data
from tests.factories import (
    create_booking,
    create_edition,
    create_event,
    create_slot,
    create_user,
    create_venue,
    group_details,
)
from visitorapp.accounts.models import Role
from visitorapp.audit.models import AuditEntry
from visitorapp.booking import approval, services
from visitorapp.booking.models import Booking, BookingStatus
from visitorapp.booking.shares import held
from visitorapp.database import atomic
from visitorapp.errors import DomainError
from visitorapp.outbox.models import OutboxMessage
from visitorapp.tickets.tokens import token_for
from visitorapp.timeutil import TZ, utcnow

#: Booking opens; the slot is ten days later at 09:00.
NOW = datetime(2031, 4, 28, 10, 0, tzinfo=TZ)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def slot(db, clock):
    edition = create_edition(starts_on=NOW.date() + timedelta(days=7), approval_threshold=60,
                             approval_hours=48)
    slot = create_slot(create_event(edition), create_venue(safe_occupancy=400), capacity=200)
    db.session.commit()
    return slot


def mails(db, kind):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def big_group(**kw):
    return form_data(students="75", teachers="5", email="lead@school.cn", **kw)


def test_a_big_group_waits_for_review_holding_its_places_without_a_valid_ticket(client, db, slot):
    response = client.post(f"/book/{slot.id}", data=big_group())
    assert response.status_code == 302
    booking = db.session.scalar(sa.select(Booking))
    assert booking.status == BookingStatus.PENDING and not booking.is_active
    assert booking.review_due_at == NOW + timedelta(hours=48)
    db.session.refresh(slot)
    assert slot.booked == 80, "the places are held while pending"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "预约已提交，待审核" in page and "入场码不能用于入场" in page
    assert f"/ticket/{token_for(booking)}" not in page
    ticket = client.get(f"/ticket/{token_for(booking)}").get_data(as_text=True)
    assert "待审核" in ticket and "<svg" not in ticket
    assert client.get(f"/ticket/{token_for(booking)}.png").status_code == 404
    [pending] = mails(db, "booking.pending")
    assert pending.recipient == "lead@school.cn" and pending.attachments == []
    assert "待审核" in pending.subject and booking.manage_token in pending.body_text
    assert mails(db, "booking.confirmed") == []


def test_small_groups_and_staff_bookings_are_confirmed_at_once(client, db, slot):
    assert client.post(f"/book/{slot.id}", data=form_data(students="55", teachers="5")).status_code == 302
    staff = services.create_booking(slot, group_details(students=90, teachers=5), source="staff",
                                    enforce_window=False, now=utcnow())
    assert [b.status for b in db.session.scalars(sa.select(Booking).order_by(Booking.id))] == \
        [BookingStatus.CONFIRMED, BookingStatus.CONFIRMED]
    assert staff.is_active


def test_the_api_says_pending(client, db, slot):
    response = client.post("/api/v1/bookings", json={
        "slot_id": slot.id, "school_name": "株洲市第二中学", "school_stage": "junior", "students": 75,
        "teachers": 5, "leader_name": "王老师", "leader_mobile": "13812345678"})
    assert response.status_code == 201 and response.get_json()["status"] == "pending"


def test_the_gate_refuses_a_pending_ticket_until_an_organizer_confirms(client, login, db, clock):
    edition = create_edition(starts_on=NOW.date() - timedelta(days=1), approval_threshold=60)
    venue = create_venue()
    slot = create_slot(create_event(edition), venue, capacity=200, starts_at=NOW + timedelta(minutes=20))
    booking = create_booking(slot, students=75, teachers=5)
    db.session.commit()
    assert booking.is_pending
    login(create_user(Role.GATE, venues=[venue]))
    scan = client.post("/api/v1/checkins", json={"token": token_for(booking), "direction": "in",
                                                  "client_id": "gate-test-0001"}).get_json()
    assert scan["result"] == "under_review" and "审核" in scan["message"]
    atomic(approval.confirm, booking, now=NOW, actor="organizer")
    scan = client.post("/api/v1/checkins", json={"token": token_for(booking), "direction": "in",
                                                  "client_id": "gate-test-0002"}).get_json()
    assert scan["result"] == "ok"


@pytest.fixture
def pending(client, db, slot):
    client.post(f"/book/{slot.id}", data=big_group())
    return db.session.scalar(sa.select(Booking))


@pytest.fixture
def organizer(client, login, db):
    login(create_user(Role.ORGANIZER, username="jiaowu"))


def test_an_organizer_confirms_and_the_leader_gets_the_ticket(client, db, pending, organizer, slot):
    listing = client.get(f"/console/bookings?edition={slot.event.edition.year}").get_data(as_text=True)
    assert "个预约待审核" in listing
    detail = client.get(f"/console/bookings/{pending.id}").get_data(as_text=True)
    assert "审核通过" in detail and "审核不通过" in detail
    assert client.post(f"/console/bookings/{pending.id}/approve").status_code == 302
    db.session.refresh(pending)
    assert pending.is_active and pending.review_due_at is None
    [confirmed] = mails(db, "booking.confirmed")
    assert "通过审核" in confirmed.subject and {"type": "ticket_png", "inline": True} in confirmed.attachments
    assert db.session.scalar(sa.select(AuditEntry.actor).where(AuditEntry.action == "booking.approve")) \
        == "jiaowu"
    assert "<svg" in client.get(f"/ticket/{token_for(pending)}").get_data(as_text=True)
    again = client.post(f"/console/bookings/{pending.id}/approve", follow_redirects=True)
    assert "已不在待审核状态" in again.get_data(as_text=True)


def test_an_organizer_rejects_and_the_places_and_share_go_back(client, db, pending, organizer, slot):
    refused = client.post(f"/console/bookings/{pending.id}/reject", data={"reason": ""})
    assert refused.status_code == 422 and "请填写未通过的原因" in refused.get_data(as_text=True)
    response = client.post(f"/console/bookings/{pending.id}/reject", data={"reason": "当天已有大型团队"})
    assert response.status_code == 302
    db.session.refresh(pending)
    db.session.refresh(slot)
    assert pending.status == BookingStatus.CANCELLED and slot.booked == 0
    assert held(slot.event.edition_id, slot.local_day, "mobile", pending.leader_mobile) == 0
    [rejected] = mails(db, "booking.rejected")
    assert "未通过审核" in rejected.subject and "当天已有大型团队" in rejected.body_text


def test_undecided_bookings_are_released_at_the_deadline(db, runner, pending, slot, clock):
    assert "0 个" in runner.invoke(args=["bookings", "expire-pending"]).output
    clock.move_to(NOW + timedelta(hours=48), tick=False)
    result = runner.invoke(args=["bookings", "expire-pending"])
    assert result.exit_code == 0 and "1 个" in result.output, result.output
    db.session.refresh(pending)
    db.session.refresh(slot)
    assert pending.status == BookingStatus.CANCELLED and slot.booked == 0
    assert "审核超时" in pending.cancel_reason
    [expired] = mails(db, "booking.rejected")
    assert "审核超时" in expired.subject
    with pytest.raises(DomainError) as err:
        atomic(approval.confirm, pending, now=NOW + timedelta(hours=48))
    assert err.value.code == "not_pending"


def test_a_late_confirmation_cannot_resurrect_released_places(db, pending, slot):
    """At the deadline, a confirmation loses to the expiry: a confirmed booking always holds places."""
    with pytest.raises(DomainError):
        atomic(approval.confirm, pending, now=pending.review_due_at)
    db.session.refresh(pending)
    assert pending.is_pending


def test_the_deadline_is_never_after_the_slot_starts(db, clock):
    edition = create_edition(starts_on=NOW.date() - timedelta(days=1), approval_threshold=10,
                             approval_hours=72)
    slot = create_slot(create_event(edition), capacity=200, starts_at=NOW + timedelta(hours=5))
    booking = create_booking(slot, students=40, teachers=2)
    assert booking.is_pending and booking.review_due_at == slot.starts_at


def test_growing_past_the_threshold_goes_back_to_review(client, db, slot, organizer):
    booking = create_booking(slot, students=40, teachers=2, email="lead@school.cn")
    db.session.commit()
    assert booking.is_active
    client.post(f"/console/bookings/{booking.id}/headcount", data={"students": "70", "teachers": "4"})
    db.session.refresh(booking)
    assert booking.is_active, "an organizer's own change needs no review"
    response = client.post(f"/b/{booking.manage_token}/headcount", data={"students": "80", "teachers": "4"},
                           follow_redirects=True)
    assert "需经工作组审核" in response.get_data(as_text=True)
    db.session.refresh(booking)
    assert booking.is_pending and booking.review_due_at == NOW + timedelta(hours=48)
    changed = mails(db, "booking.changed")[-1]
    assert "需经活动周工作组审核" in changed.body_text and token_for(booking) not in changed.body_text


def test_a_pending_booking_can_be_cancelled_by_its_leader(client, db, pending, slot):
    response = client.post(f"/b/{pending.manage_token}/cancel", data={"reason": "改期"})
    assert response.status_code == 302
    db.session.refresh(pending)
    db.session.refresh(slot)
    assert pending.status == BookingStatus.CANCELLED and slot.booked == 0
