"""Waiting lists over HTTP: join from a full slot, accept an offer, the organizers' queue."""
import sqlalchemy as sa

from tests.factories import create_booking, create_slot, create_user
from tests.registration.helpers import create_individual_slot, register
from visitorapp.accounts.models import Role
from visitorapp.booking.models import Booking
from visitorapp.waitlist.models import EntryStatus, WaitlistEntry

GROUP = {"slot_id": "0", "school_name": "株洲市第九中学", "school_stage": "junior", "grades": "七年级",
         "students": "20", "teachers": "1", "leader_name": "赵老师", "leader_mobile": "13812340000",
         "email": "zhao@example.com", "privacy": "y"}


def test_full_group_slot_offers_the_waiting_list_and_a_group_joins(client, db):
    slot = create_slot(capacity=42)
    create_booking(slot, students=40, teachers=2)
    db.session.commit()
    assert f"/book/{slot.id}/waitlist" in client.get("/book").get_data(as_text=True)
    assert "加入候补" in client.get(f"/book/{slot.id}").get_data(as_text=True)
    response = client.post(f"/book/{slot.id}/waitlist", data={**GROUP, "slot_id": slot.id})
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(WaitlistEntry))
    assert entry.headcount == 21 and entry.status == EntryStatus.WAITING
    page = client.get(response.location).get_data(as_text=True)
    assert "候补中" in page and "第 1 位" in page


def test_group_waitlist_checks_the_teacher_ratio(client, db):
    slot = create_slot(capacity=42)
    create_booking(slot, students=40, teachers=2)
    db.session.commit()
    response = client.post(f"/book/{slot.id}/waitlist",
                           data={**GROUP, "slot_id": slot.id, "students": "60", "teachers": "1"})
    assert "至少" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WaitlistEntry)) == 0


def test_offer_accepted_through_the_link_becomes_a_booking(client, db):
    slot = create_slot(capacity=42)
    holder = create_booking(slot, students=40, teachers=2)
    db.session.commit()
    client.post(f"/book/{slot.id}/waitlist", data={**GROUP, "slot_id": slot.id})
    client.post(f"/b/{holder.manage_token}/cancel")
    entry = db.session.scalar(sa.select(WaitlistEntry))
    assert entry.status == EntryStatus.OFFERED
    page = client.get(f"/w/{entry.token}").get_data(as_text=True)
    assert "名额已为您保留" in page
    response = client.post(f"/w/{entry.token}/accept")
    assert response.status_code == 302 and "/confirmed" in response.location
    booking = db.session.scalar(sa.select(Booking).where(Booking.school_name == "株洲市第九中学"))
    assert booking.is_active and booking.headcount == 21
    db.session.refresh(slot)
    assert slot.booked == 21


def test_individual_waitlist_join_and_queue_page(client, db, login):
    slot = create_individual_slot(capacity=1)
    register(slot)
    db.session.commit()
    response = client.post(f"/r/{slot.id}/waitlist", data={
        "name": "王五", "mobile": "13900001111", "email": "w@example.com", "identity": "internal",
        "student_number": "2024123456", "college": "制药学院", "class_name": "药学2402班", "privacy": "y"})
    assert response.status_code == 302
    assert client.get("/staff/waitlist").status_code == 302
    login(create_user(role=Role.ORGANIZER))
    page = client.get("/staff/waitlist").get_data(as_text=True)
    assert "王五" in page and "候补中" in page and "139****1111" in page


def test_forged_waitlist_token_is_not_found(client, db):
    assert client.get("/w/not-a-token").status_code == 404
    assert client.post("/w/not-a-token/accept").status_code == 404
