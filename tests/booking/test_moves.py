"""改约 of a group booking through its management link: moves with room, refuses and keeps the
booking where it was otherwise."""
from datetime import timedelta

import pytest

from tests.factories import create_booking, create_slot
from visitorapp.booking.services import cancel_booking
from visitorapp.timeutil import utcnow


@pytest.fixture
def booking_and_later(db):
    slot = create_slot(capacity=50)
    later = create_slot(event=slot.event, venue=slot.venue, capacity=50,
                        starts_at=slot.starts_at + timedelta(hours=2))
    booking = create_booking(slot, students=20, teachers=1)
    db.session.commit()
    return booking, later


def test_the_manage_page_links_to_the_move_page_and_the_group_moves(client, db, booking_and_later):
    booking, later = booking_and_later
    old_slot = booking.slot
    manage_page = client.get(f"/b/{booking.manage_token}").get_data(as_text=True)
    assert f"/b/{booking.manage_token}/move" in manage_page
    page = client.get(f"/b/{booking.manage_token}/move").get_data(as_text=True)
    assert f'data-slot-id="{later.id}"' in page and "改约到此场" in page
    response = client.post(f"/b/{booking.manage_token}/move", data={"slot_id": later.id},
                           follow_redirects=True)
    assert response.request.path == f"/b/{booking.manage_token}"
    assert "改约成功，入场码不变。" in response.get_data(as_text=True)
    db.session.refresh(booking), db.session.refresh(later), db.session.refresh(old_slot)
    assert booking.slot_id == later.id and later.booked == 21 and old_slot.booked == 0


@pytest.mark.parametrize("target, message", [("full", "名额"), ("missing", "场次不存在。")])
def test_a_refused_move_keeps_the_booking_where_it_was(client, db, booking_and_later, target,
                                                       message):
    booking, later = booking_and_later
    if target == "full":
        create_booking(later, students=28, teachers=2)  # 20 places left for a group of 21
        db.session.commit()
        slot_id = later.id
    else:
        slot_id = later.id + 1000
    before = booking.slot_id
    response = client.post(f"/b/{booking.manage_token}/move", data={"slot_id": slot_id})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and message in text and "改约成功" not in text
    db.session.refresh(booking)
    assert booking.slot_id == before


def test_a_cancelled_booking_cannot_move(client, db, booking_and_later):
    booking, later = booking_and_later
    cancel_booking(booking, reason="test", now=utcnow())
    db.session.commit()
    page = client.get(f"/b/{booking.manage_token}/move").get_data(as_text=True)
    assert "该预约已取消，无法改约。" in page and "改约到此场" not in page
    client.post(f"/b/{booking.manage_token}/move", data={"slot_id": later.id})
    db.session.refresh(booking)
    assert booking.slot_id != later.id
