"""Booking rules through the service layer (no HTTP)."""
from datetime import timedelta

import pytest

from tests.factories import (
    create_booking,
    create_edition,
    create_event,
    create_slot,
    create_venue,
    group_details,
)
from visitorapp.booking import capacity, services
from visitorapp.booking.models import BookingStatus
from visitorapp.booking.rules import RuleError
from visitorapp.database import atomic
from visitorapp.programme.models import CampusDay
from visitorapp.timeutil import utcnow


def test_booking_takes_students_and_teachers_from_the_slot(db):
    slot = create_slot(capacity=100)
    booking = services.create_booking(slot, group_details(students=40, teachers=2), now=utcnow())
    db.session.commit()
    assert booking.reference.startswith("TY-")
    assert slot.booked == 42 and slot.remaining == 58
    assert booking.manage_token and booking.ticket_nonce
    assert booking.manage_token != booking.ticket_nonce


def test_full_slot_refuses_and_leaves_everything_unchanged(db):
    slot = create_slot(capacity=50)
    create_booking(slot, students=40, teachers=2)
    db.session.commit()
    with pytest.raises(capacity.CapacityError) as err:
        atomic(services.create_booking, slot, group_details(students=10, teachers=1), now=utcnow())
    assert err.value.code == "slot_full"
    assert "剩余8人" in err.value.message
    db.session.refresh(slot)
    assert slot.booked == 42


@pytest.mark.parametrize("stage, students, teachers, ok", [
    ("junior", 40, 2, True), ("junior", 41, 2, False), ("junior", 20, 1, True),
    ("primary", 30, 3, True), ("primary", 31, 3, False), ("senior", 1, 1, True),
])
def test_teacher_ratio(db, stage, students, teachers, ok):
    slot = create_slot(capacity=500)
    details = group_details(school_stage=stage, students=students, teachers=teachers)
    if ok:
        services.create_booking(slot, details, now=utcnow())
    else:
        with pytest.raises(RuleError) as err:
            services.create_booking(slot, details, now=utcnow())
        assert err.value.field == "teachers" and "至少" in err.value.message


def test_largest_group(db):
    edition = create_edition(max_group_size=60)
    slot = create_slot(create_event(edition), capacity=500)
    with pytest.raises(RuleError) as err:
        services.create_booking(slot, group_details(students=58, teachers=3), now=utcnow())
    assert err.value.code == "group_too_large"


def test_booking_window(db, pinned):
    edition = create_edition(booking_opens_at=pinned + timedelta(days=2))
    slot = create_slot(create_event(edition))
    with pytest.raises(RuleError) as err:
        services.create_booking(slot, group_details(), now=pinned)
    assert err.value.code == "window_not_open" and "开放" in err.value.message


def test_closed_slot_shows_reason(db):
    slot = create_slot(is_open=False, closed_reason="雷雨天气，按应急预案暂停")
    with pytest.raises(capacity.CapacityError) as err:
        services.create_booking(slot, group_details(), now=utcnow())
    assert err.value.code == "slot_closed" and "雷雨" in err.value.message


def test_venue_safe_occupancy_counts_overlapping_slots(db):
    venue = create_venue(safe_occupancy=100)
    event = create_event()
    first = create_slot(event, venue, capacity=80)
    overlapping = create_slot(event, venue, capacity=80,
                              starts_at=first.starts_at + timedelta(minutes=30))
    later = create_slot(event, venue, capacity=80, starts_at=first.ends_at)
    create_booking(first, students=60, teachers=3)
    db.session.commit()
    with pytest.raises(capacity.CapacityError) as err:
        atomic(services.create_booking, overlapping, group_details(students=40, teachers=2), now=utcnow())
    assert err.value.code == "venue_full"
    # back-to-back is not overlapping: the first group has left
    services.create_booking(later, group_details(students=60, teachers=3), now=utcnow())


def test_campus_daily_cap(db):
    edition = create_edition(daily_cap=100)
    event = create_event(edition)
    a, b = create_slot(event, capacity=80), create_slot(event, capacity=80)
    create_booking(a, students=60, teachers=3)
    db.session.commit()
    with pytest.raises(capacity.CapacityError) as err:
        atomic(services.create_booking, b, group_details(students=40, teachers=2), now=utcnow())
    assert err.value.code == "day_full" and "上限" in err.value.message
    db.session.refresh(b)
    assert b.booked == 0  # the slot's places were given back with the rollback


def test_same_mobile_same_slot_is_refused_without_naming_the_first(db):
    slot = create_slot()
    first = create_booking(slot, leader_mobile="13800138000")
    with pytest.raises(services.DuplicateBooking) as err:
        services.create_booking(slot, group_details(leader_mobile="13800138000"), now=utcnow())
    assert err.value.code == "duplicate" and "找回预约/报名" in err.value.message
    assert first.reference not in err.value.message and first.school_name not in err.value.message


def test_change_headcount_and_cancel_free_places(db):
    slot = create_slot(capacity=100)
    booking = create_booking(slot, students=40, teachers=2)
    services.change_headcount(booking, 20, 1, now=utcnow())
    db.session.commit()
    assert slot.booked == 21
    with pytest.raises(capacity.CapacityError):
        services.change_headcount(booking, 100, 5, now=utcnow())
    db.session.rollback()
    booking = db.session.get(type(booking), booking.id)
    services.cancel_booking(booking, reason="天气原因", now=utcnow())
    assert booking.status == BookingStatus.CANCELLED
    assert booking.slot.booked == 0
    day = db.session.scalar(db.select(CampusDay))
    assert day.booked == 0


def test_alternatives_list_slots_with_room(db):
    event = create_event()
    full = create_slot(event, capacity=42)
    create_booking(full, students=40, teachers=2)
    roomy = create_slot(event, capacity=100, starts_at=full.ends_at)
    tiny = create_slot(event, capacity=10, starts_at=roomy.ends_at)
    found = services.alternatives(full, 42, utcnow())
    assert roomy in found and tiny not in found and full not in found


def test_peak_occupancy():
    from datetime import datetime
    t = lambda h: datetime(2026, 5, 13, h)  # noqa: E731
    assert capacity.peak_occupancy([(t(9), t(11), 50), (t(10), t(12), 30), (t(11), t(13), 40)]) == 80
