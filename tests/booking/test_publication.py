"""One publication rule, in the services: no public path creates or moves a booking or registration
into an unpublished event — form, JSON API, move, individual registration, waiting list join and
acceptance. The public sees a 404 with a Chinese message; staff bookings (rehearsals) still work."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.booking.helpers import form_data
from tests.factories import create_booking, create_edition, create_event, create_slot, group_details
from tests.registration.helpers import create_individual_slot, register
from tests.waitlist.test_views import GROUP
from visitorapp.booking import services
from visitorapp.booking.models import Booking
from visitorapp.booking.rules import NotPublished
from visitorapp.programme.models import ParticipationMode
from visitorapp.registration.models import Registration
from visitorapp.timeutil import utcnow
from visitorapp.waitlist.models import EntryStatus, WaitlistEntry

PERSON = {"name": "张三", "mobile": "13912345678", "email": "zs@example.com", "identity": "internal",
          "student_number": "2024010203", "college": "化学工程学院", "class_name": "应化2401班",
          "privacy": "y"}


@pytest.fixture
def hidden(db):
    """An unpublished group event and an unpublished individual event, each with a slot."""
    edition = create_edition()
    group = create_slot(create_event(edition, is_published=False), capacity=100)
    person = create_individual_slot(create_event(edition, name="简历门诊", is_published=False,
                                                 mode=ParticipationMode.INDIVIDUAL), capacity=5)
    db.session.commit()
    return group, person


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_booking_form_is_not_found(client, db, hidden):
    group, _ = hidden
    assert client.get(f"/book/{group.id}").status_code == 404
    response = client.post(f"/book/{group.id}", data=form_data())
    assert response.status_code == 404 and "未发布" in response.get_data(as_text=True)
    assert count(db, Booking) == 0


def test_the_json_api_answers_404_in_chinese(client, db, hidden):
    group, _ = hidden
    response = client.post("/api/v1/bookings", json={
        "slot_id": group.id, "school_name": "株洲市第二中学", "school_stage": "junior", "students": 40,
        "teachers": 2, "leader_name": "王老师", "leader_mobile": "13812345678"})
    body = response.get_json()
    assert response.status_code == 404 and body["error"] == "not_published" and "未发布" in body["message"]
    assert count(db, Booking) == 0
    listed = client.get("/api/v1/slots").get_json()
    assert all(s["id"] != group.id or not s["is_open"] for s in listed)


def test_a_booking_cannot_move_into_an_unpublished_event(client, db, hidden):
    group, _ = hidden
    booking = create_booking(create_slot(create_event(group.event.edition), capacity=100))
    db.session.commit()
    response = client.post(f"/b/{booking.manage_token}/move", data={"slot_id": group.id},
                           follow_redirects=True)
    assert "未发布" in response.get_data(as_text=True)
    db.session.refresh(booking)
    db.session.refresh(group)
    assert booking.slot_id != group.id and group.booked == 0


def test_individual_registration_is_not_found(client, db, hidden):
    _, person = hidden
    assert client.get(f"/r/{person.id}").status_code == 404
    assert client.post(f"/r/{person.id}", data=PERSON).status_code == 404
    assert count(db, Registration) == 0


def test_a_registration_cannot_move_within_an_event_unpublished_since(client, db):
    slot = create_individual_slot(capacity=5)
    later = create_individual_slot(event=slot.event, capacity=5,
                                   starts_at=slot.starts_at + timedelta(hours=2))
    registration = register(slot)
    slot.event.is_published = False
    db.session.commit()
    response = client.post(f"/my/{registration.manage_token}/move", data={"slot_id": later.id},
                           follow_redirects=True)
    assert "未发布" in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.slot_id == slot.id


def test_waiting_lists_of_unpublished_events_are_not_found(client, db, hidden):
    group, person = hidden
    assert client.get(f"/book/{group.id}/waitlist").status_code == 404
    assert client.post(f"/book/{group.id}/waitlist", data={**GROUP, "slot_id": group.id}).status_code == 404
    assert client.post(f"/r/{person.id}/waitlist", data=PERSON).status_code == 404
    assert count(db, WaitlistEntry) == 0


@pytest.mark.parametrize("kind", ["group", "individual"])
def test_an_offer_cannot_be_accepted_once_the_event_is_unpublished(client, db, kind):
    from tests.waitlist.test_services import join_group, join_person
    slot = create_slot(capacity=42) if kind == "group" else create_individual_slot(capacity=1)
    holder = create_booking(slot, students=40, teachers=2) if kind == "group" else register(slot)
    entry = join_group(slot, 20) if kind == "group" else join_person(slot)
    db.session.commit()
    client.post(f"/{'b' if kind == 'group' else 'my'}/{holder.manage_token}/cancel")
    db.session.refresh(entry)
    assert entry.status == EntryStatus.OFFERED
    slot.event.is_published = False
    db.session.commit()
    response = client.post(f"/w/{entry.token}/accept", follow_redirects=True)
    assert "未发布" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == EntryStatus.OFFERED, "refused: the offer stays until it expires"
    assert count(db, Booking) == (1 if kind == "group" else 0)
    assert count(db, Registration) == (0 if kind == "group" else 1)


def test_staff_may_still_book_an_unpublished_event(db, hidden):
    group, _ = hidden
    booking = services.create_booking(group, group_details(), source="staff", enforce_window=False,
                                      now=utcnow())
    assert booking.is_active
    with pytest.raises(NotPublished):
        services.create_booking(group, group_details(), source="web", enforce_window=False, now=utcnow())
