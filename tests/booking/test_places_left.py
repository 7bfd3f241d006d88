"""Honest numbers before the form: the places a teacher is shown are exactly what the server then
enforces — the slot, the venue's safe occupancy at that time and the campus day's cap, all from
``capacity.places_left`` next to ``capacity.take_places``."""
import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.booking.helpers import form_data
from tests.factories import create_booking, create_edition, create_event, create_slot, create_venue
from visitorapp.booking import capacity
from visitorapp.extensions import db as _db


def accepts(slot, persons: int, *, visitors: bool = True) -> bool:
    """Would the one capacity function take ``persons`` now? Tried in a savepoint, rolled back."""
    savepoint = _db.session.begin_nested()
    try:
        capacity.take_places(slot, persons, visitors=visitors)
        return True
    except capacity.CapacityError:
        return False
    finally:
        savepoint.rollback()
        _db.session.expire_all()


def shown(client, slot) -> int:
    page = client.get(f"/book/{slot.id}").get_data(as_text=True)
    return int(re.search(r'data-places-left="(\d+)"', page).group(1))


def two_slots(db, *, safe=100, daily_cap=1500, other_booked=60):
    edition = create_edition(daily_cap=daily_cap)
    venue = create_venue(safe_occupancy=safe)
    event = create_event(edition)
    slot = create_slot(event, venue, capacity=80)
    neighbour = create_slot(event, venue, capacity=80, starts_at=slot.starts_at + timedelta(minutes=30))
    if other_booked:
        create_booking(neighbour, students=other_booked - 3, teachers=3)
    db.session.commit()
    return slot


@pytest.mark.parametrize("limit, expected", [
    ({}, 40),                                      # the venue at that time: 100 - 60
    ({"safe": 500}, 80),                           # the slot's own places
    ({"safe": 500, "daily_cap": 90}, 30),          # the campus day: 90 - 60
    ({"safe": 60}, 0),                             # the venue is already at its limit then
])
def test_the_number_shown_before_the_form_is_the_one_the_server_enforces(client, db, limit,
                                                                         expected):
    slot = two_slots(db, **limit)
    assert shown(client, slot) == expected
    picker = client.get(f"/book?day={slot.local_day.isoformat()}").get_data(as_text=True)
    assert f'data-slot-id="{slot.id}" data-places-left="{expected}"' in picker
    api = client.get(f"/api/v1/slots?date={slot.local_day.isoformat()}").get_json()
    assert [s["bookable"] for s in api if s["id"] == slot.id] == [expected]
    if expected:
        assert f"剩余 <strong>{expected}</strong> 人" in picker and "学生和带队教师合计" in picker
        too_many = client.post(f"/book/{slot.id}", data=form_data(
            students=str(expected - 4), teachers="5", leader_mobile="13800000001"))
        assert too_many.status_code == 422
        exact = client.post(f"/book/{slot.id}", data=form_data(
            students=str(expected - 4), teachers="4", leader_mobile="13800000002"))
        assert exact.status_code == 302, exact.get_data(as_text=True)
        assert shown(client, slot) == 0
    else:
        page = client.get(f"/book/{slot.id}").get_data(as_text=True)
        assert "已达上限" in page and 'id="booking-form"' not in page
        # No room by the same count: the waiting list is offered, on the slot's page and already
        # in the picker (the slot itself still has places), and it takes the group.
        assert f"/book/{slot.id}/waitlist" in page and f"/book/{slot.id}/waitlist" in picker
        joined = client.post(f"/book/{slot.id}/waitlist", data=form_data(
            slot_id=str(slot.id), students="20", teachers="2", leader_mobile="13800000003",
            email="wait@example.com"))
        assert joined.status_code == 302, joined.get_data(as_text=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(safe=st.integers(20, 200), daily_cap=st.integers(20, 300),
       bookings=st.lists(st.tuples(st.integers(0, 2), st.integers(5, 40)), max_size=5))
def test_places_left_is_the_most_take_places_accepts(db, safe, daily_cap, bookings):
    edition = create_edition(daily_cap=daily_cap)
    venue = create_venue(safe_occupancy=safe)
    event = create_event(edition)
    first = create_slot(event, venue, capacity=120)
    slots = [first] + [create_slot(event, venue, capacity=120,
                                   starts_at=first.starts_at + timedelta(minutes=45 * i))
                       for i in (1, 2)]
    for which, persons in bookings:
        if accepts(slots[which], persons):
            capacity.take_places(slots[which], persons)
    left = capacity.places_left(slots)
    for slot in slots:
        assert accepts(slot, left[slot.id]) or left[slot.id] == 0
        assert not accepts(slot, left[slot.id] + 1)
    db.session.rollback()
