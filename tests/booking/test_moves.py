"""改约 of a group booking through its management link: moves with room, refuses and keeps the
booking where it was otherwise."""
import re
from datetime import date, datetime, timedelta

import pytest

from tests.factories import create_booking, create_edition, create_event, create_slot, create_venue
from visitorapp.booking.services import cancel_booking
from visitorapp.timeutil import TZ, format_day, format_time, utcnow


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
    assert (f"改约成功：已改到 {format_day(later.local_day)} {format_time(later.starts_at)}–"
            f"{format_time(later.ends_at)} {later.title}，入场码不变。") in response.get_data(as_text=True)
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


def test_the_move_page_shows_the_places_the_move_can_really_take(client, db, time_machine):
    """Each candidate's places as the move will count them (issue 12): the venue at that time and
    the campus day, with the group's own places given back first — not the slot's own remaining,
    and in words (学生和带队教师合计)."""
    time_machine.move_to(datetime(2031, 4, 28, 10, 0, tzinfo=TZ), tick=False)
    edition = create_edition(starts_on=date(2031, 5, 5))
    event = create_event(edition)
    hall = create_venue("化工安全体验馆", safe_occupancy=60)
    lab = create_venue("制药实训中心", safe_occupancy=50)
    ours = create_slot(event, hall, capacity=80, label="化工体验路线")
    overlapping = create_slot(event, hall, capacity=80, label="制药体验路线",  # 10:00, ours 09:00
                              starts_at=ours.starts_at + timedelta(hours=1))
    crowded = create_slot(event, lab, capacity=80, starts_at=ours.starts_at + timedelta(hours=4))
    create_booking(create_slot(event, lab, capacity=80,
                               starts_at=crowded.starts_at + timedelta(minutes=30)),
                   students=18, teachers=2)  # 20 in the lab then: 30 left there, 80 in the slot
    booking = create_booking(ours, students=38, teachers=2)  # 40 in the hall until 10:30
    db.session.commit()

    page = client.get(f"/b/{booking.manage_token}/move").get_data(as_text=True)
    # A new group could take only 20 beside ours at 10:00; the move gives our 40 back first.
    assert re.search(rf'data-slot-id="{overlapping.id}".*?data-places-left="60"', page, re.S)
    assert "剩余 <strong>60</strong> 人" in page and "学生和带队教师合计" in page
    assert f'data-slot-id="{crowded.id}"' not in page  # 30 left: the 40 would be refused
    assert "剩余 80 人" not in page

    refused = client.post(f"/b/{booking.manage_token}/move", data={"slot_id": crowded.id})
    assert "安全上限" in refused.get_data(as_text=True)
    moved = client.post(f"/b/{booking.manage_token}/move", data={"slot_id": overlapping.id})
    assert moved.status_code == 302
    db.session.refresh(booking)
    assert booking.slot_id == overlapping.id
