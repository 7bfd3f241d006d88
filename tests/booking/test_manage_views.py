"""The management link over HTTP: view, change headcount under the same rules, cancel."""
from datetime import timedelta

import pytest

from tests.booking.helpers import HOSTILE_SCRIPT, form_data, text
from tests.factories import (
    create_booking,
    create_event,
    create_slot,
    create_venue,
)
from visitorapp.booking.models import BookingStatus


def test_manage_page_shows_the_booking(client, db, slot):
    booking = create_booking(slot, school_name="醴陵市第一中学", students=30, teachers=2)
    db.session.commit()
    page = text(client.get(f"/b/{booking.manage_token}"))
    assert booking.reference in page and "醴陵市第一中学" in page
    assert "学生 30 人，教师 2 人" in page and "已确认" in page
    assert "修改人数" in page and "确认取消预约" in page


def test_forged_manage_token_is_not_found_in_chinese(client, db):
    response = client.get("/b/not-a-real-token")
    assert response.status_code == 404
    assert "预约不存在或管理链接无效。" in text(response)
    assert client.post("/b/not-a-real-token/cancel").status_code == 404


def test_change_headcount_takes_and_releases_places(client, db, slot):
    booking = create_booking(slot, students=40, teachers=2)
    db.session.commit()

    response = client.post(f"/b/{booking.manage_token}/headcount",
                           data={"students": "50", "teachers": "3"})
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "人数已改为学生50人、教师3人，合计53人" in page and "合计 53 人" in page
    db.session.refresh(slot)
    assert slot.booked == 53

    client.post(f"/b/{booking.manage_token}/headcount", data={"students": "20", "teachers": "1"})
    db.session.refresh(slot)
    assert slot.booked == 21


@pytest.mark.parametrize(("students", "teachers", "message"), [
    # In totals (issue 12): the new number, not only the increase.
    ("100", "5", "该场次剩余名额不足：贵团现为42人，改为105人需再增加63人，目前只能再增加58人，"
              "最多可改为100人（学生和带队教师合计）。"),
    ("60", "2", "60名学生需要至少3名教师"),
    ("abc", "2", "学生人数"),
    ("0", "2", "学生人数应为1–1000之间的整数。"),
])
def test_change_headcount_follows_the_same_rules(client, db, slot, students, teachers, message):
    booking = create_booking(slot, students=40, teachers=2)
    db.session.commit()
    response = client.post(f"/b/{booking.manage_token}/headcount",
                           data={"students": students, "teachers": teachers})
    assert response.status_code == 422
    assert message in text(response)
    db.session.refresh(booking)
    db.session.refresh(slot)
    assert (booking.students, booking.teachers, slot.booked) == (40, 2, 42)


def test_the_largest_total_shown_before_the_form_is_the_one_the_server_enforces(client, db):
    """The venue's safe occupancy limits a bigger group too: the page says the largest total the
    server accepts, a refusal says it again in totals, and the new total is confirmed."""
    venue = create_venue("化工安全体验馆", safe_occupancy=60)
    event = create_event()
    slot = create_slot(event, venue, capacity=100)
    create_booking(create_slot(event, venue, capacity=100,
                               starts_at=slot.starts_at + timedelta(minutes=30)),
                   students=8, teachers=2)
    booking = create_booking(slot, students=20, teachers=2)  # 32 of 60 in the venue then
    db.session.commit()
    assert 'data-most="50"' in text(client.get(f"/b/{booking.manage_token}"))
    refused = client.post(f"/b/{booking.manage_token}/headcount",
                          data={"students": "47", "teachers": "4"})
    assert refused.status_code == 422
    assert ("该时段场馆在场人数将超过安全上限：贵团现为22人，改为51人需再增加29人，目前只能再增加28人，"
            "最多可改为50人（学生和带队教师合计）。") in text(refused)
    accepted = client.post(f"/b/{booking.manage_token}/headcount",
                           data={"students": "46", "teachers": "4"}, follow_redirects=True)
    assert "人数已改为学生46人、教师4人，合计50人，入场码不变。" in text(accepted)
    assert 'data-most="50"' in text(accepted)


def test_change_headcount_after_the_deadline_is_refused(client, db, pinned):
    slot = create_slot(starts_at=pinned + timedelta(hours=3))
    booking = create_booking(slot, students=40, teachers=2)
    db.session.commit()
    assert "已过自助修改截止时间" in text(client.get(f"/b/{booking.manage_token}"))
    response = client.post(f"/b/{booking.manage_token}/headcount",
                           data={"students": "20", "teachers": "1"})
    assert response.status_code == 422 and "已过修改截止时间" in text(response)
    db.session.refresh(booking)
    assert booking.students == 40


def test_cancel_frees_the_places_at_once(client, db, slot):
    booking = create_booking(slot, students=40, teachers=2)
    db.session.commit()

    response = client.post(f"/b/{booking.manage_token}/cancel", data={"reason": "天气原因"},
                           follow_redirects=True)

    page = text(response)
    assert "预约已取消，名额已释放" in page and "已取消" in page and "天气原因" in page
    db.session.refresh(slot)
    db.session.refresh(booking)
    assert slot.booked == 0 and booking.status == BookingStatus.CANCELLED
    assert "剩余 <strong>100</strong> 人" in text(client.get(f"/book?day={slot.local_day}"))
    again = client.post(f"/b/{booking.manage_token}/cancel", data={}, follow_redirects=True)
    assert "该预约已取消。" in text(again)
    # the same mobile may book the slot again after cancelling
    assert client.post(f"/book/{slot.id}", data=form_data(
        leader_mobile=booking.leader_mobile)).status_code == 302


def test_cancel_reason_with_markup_is_refused(client, db, slot):
    booking = create_booking(slot)
    db.session.commit()
    page = text(client.post(f"/b/{booking.manage_token}/cancel", data={"reason": HOSTILE_SCRIPT},
                            follow_redirects=True))
    assert "取消原因不能包含网页代码" in page
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED


def test_pages_are_not_cached_by_the_phone(client, db, slot):
    booking = create_booking(slot)
    db.session.commit()
    assert client.get(f"/b/{booking.manage_token}").headers["Cache-Control"] == "no-store"
    assert client.get("/book").headers["Cache-Control"] == "no-cache"


def test_confirmation_of_a_cancelled_booking_goes_to_the_manage_page(client, db, slot):
    booking = create_booking(slot)
    db.session.commit()
    client.post(f"/b/{booking.manage_token}/cancel", data={})
    response = client.get(f"/b/{booking.manage_token}/confirmed")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/b/{booking.manage_token}"

