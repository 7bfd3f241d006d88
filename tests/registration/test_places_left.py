"""Honest numbers for individual events: the registration pages, the API and the waiting list all
read ``capacity.person_places_left`` — the slot, the venue's safe occupancy at that time and, for
visitors, the campus day — and it is exactly what the registration then enforces. Before, a venue
at its limit showed "剩余 3 人", offered the form (refused on submit) and the waiting list said
"该场次仍有名额"."""
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.booking.test_places_left import accepts
from tests.factories import create_booking, create_edition, create_event, create_slot, create_venue
from tests.registration.helpers import create_individual_slot, register
from tests.registration.test_views import form
from visitorapp.extensions import db as _db
from visitorapp.programme.models import ParticipationMode
from visitorapp.timeutil import TZ, utcnow
from visitorapp.waitlist.models import WaitlistEntry

NOW = datetime(2031, 4, 28, 10, 0, tzinfo=TZ)
EXTERNAL = {"identity": "external", "student_number": "", "college": "", "class_name": "",
            "organisation": "株洲市第二中学（初中部）"}


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def clinic_beside_a_group(*, safe: int, daily_cap: int, group: int):
    """A 简历门诊 slot with 3 places at a venue of ``safe`` persons, and a school group of
    ``group`` persons in the same venue at the same hour, on the same campus day."""
    edition = create_edition(starts_on=NOW.date() + timedelta(days=7), daily_cap=daily_cap)
    venue = create_venue("就业指导中心", safe_occupancy=safe)
    clinic = create_individual_slot(
        event=create_event(edition, name="简历门诊", mode=ParticipationMode.INDIVIDUAL),
        venue=venue, capacity=3)
    tour = create_slot(create_event(edition), venue, capacity=60, starts_at=clinic.starts_at)
    create_booking(tour, students=group - 2, teachers=2)
    _db.session.commit()
    return clinic


def places_on(html: str) -> tuple[int, int]:
    found = re.search(r'data-places-left="(\d+)" data-places-left-visitors="(\d+)"', html)
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("limit, students, visitors", [
    ({"safe": 500, "daily_cap": 1500, "group": 20}, 3, 3),  # room for everyone
    ({"safe": 20, "daily_cap": 1500, "group": 20}, 0, 0),   # the venue is at its limit then
    ({"safe": 500, "daily_cap": 20, "group": 20}, 3, 0),    # the campus day is full for visitors
])
def test_every_view_of_an_individual_slot_shows_the_places_the_server_enforces(
        client, db, clock, limit, students, visitors):
    slot = clinic_beside_a_group(**limit)
    page = client.get(f"/r/{slot.id}").get_data(as_text=True)
    listed = client.get("/events").get_data(as_text=True)
    [api] = [s for e in client.get("/api/v1/registration/slots").get_json()["events"]
             for s in e["slots"] if s["id"] == slot.id]

    # One fact, four views: the form page, the events list, the API and the capacity check.
    assert places_on(page) == places_on(listed.split(f'data-slot-id="{slot.id}"')[1]) == \
        (api["bookable_internal"], api["bookable_external"]) == (students, visitors)
    assert accepts(slot, 1, visitors=False) == (students > 0)
    assert accepts(slot, 1, visitors=True) == (visitors > 0)

    # The form only where someone can register; the waiting list only where someone cannot.
    assert ('class="card booking-form"' in page) == (students > 0)
    assert (f"/r/{slot.id}/waitlist" in page) == (visitors == 0)
    if students == 0:
        assert "该时段场馆在场人数已达安全上限" in page and "剩余 <strong>" not in page
    if 0 == visitors < students:
        assert "校外人员已满（全校当日接待已达上限）" in page

    # The waiting list takes exactly those the capacity check turns away, and no one else.
    joined = {}
    for who, extra in (("internal", {"mobile": "13911110001", "student_number": "2024555001"}),
                       ("external", {**EXTERNAL, "mobile": "13911110002"})):
        response = client.post(f"/r/{slot.id}/waitlist", data=form(**extra))
        joined[who] = response.status_code == 302
        if not joined[who]:
            assert response.status_code == 422
            assert "该场次仍有名额" in response.get_data(as_text=True)
    assert joined == {"internal": students == 0, "external": visitors == 0}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WaitlistEntry)) == \
        sum(joined.values())

    # And the registration itself agrees with what was shown.
    internal = client.post(f"/r/{slot.id}", data=form(mobile="13922220001"))
    external = client.post(f"/r/{slot.id}", data=form(**EXTERNAL, mobile="13922220002"))
    assert (internal.status_code == 302) == (students > 0)
    assert (external.status_code == 302) == (visitors > 0)


def test_a_full_slot_carries_what_was_typed_to_its_waiting_list(client, db, clock):
    slot = clinic_beside_a_group(safe=500, daily_cap=1500, group=20)
    for n in range(3):  # someone else takes the last places while this student fills in the form
        client.post(f"/r/{slot.id}", data=form(mobile=f"1393333000{n}",
                                               student_number=f"202477700{n}"))
    typed = form(name="欧阳娜娜", mobile="13944440000", student_number="2024888111")
    refused = client.post(f"/r/{slot.id}", data=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "加入候补（已填信息保留）" in page
    carried = client.post(f"/r/{slot.id}/waitlist", data={**typed, "carry": "1"})
    waitlist_page = carried.get_data(as_text=True)
    assert carried.status_code == 200 and 'value="欧阳娜娜"' in waitlist_page
    assert 'value="2024888111"' in waitlist_page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WaitlistEntry)) == 0


@pytest.mark.parametrize("internal", [True, False])
def test_the_move_page_offers_and_shows_what_the_move_can_take(client, db, clock, internal):
    """改约 of a registration: the other slots with their real places for this person — a slot
    whose venue is at its limit is not offered, nor, to a visitor, a slot on a full campus day."""
    edition = create_edition(starts_on=NOW.date() + timedelta(days=7), daily_cap=40)
    clinic = create_event(edition, name="简历门诊", mode=ParticipationMode.INDIVIDUAL)
    first = create_individual_slot(event=clinic, capacity=3)
    student = register(first, internal=internal)
    crowded_venue = create_venue("就业指导中心", safe_occupancy=39)
    crowded = create_individual_slot(event=clinic, venue=crowded_venue, capacity=3,
                                     starts_at=first.starts_at + timedelta(hours=2))
    later = create_individual_slot(event=clinic, venue=first.venue, capacity=3,
                                   starts_at=first.starts_at + timedelta(hours=5))
    tour = create_slot(create_event(edition), crowded_venue, capacity=60, starts_at=crowded.starts_at)
    # The venue full at 11:00; with a visitor, the campus day at 40 of 40.
    create_booking(tour, students=37, teachers=2)
    db.session.commit()

    page = client.get(f"/my/{student.manage_token}/move").get_data(as_text=True)
    assert f'data-slot-id="{crowded.id}"' not in page and "剩余 3 人" not in page
    if internal:  # our own students do not count against the campus day
        assert re.search(rf'data-slot-id="{later.id}".*?data-places-left="3"', page, re.S)
    else:
        assert f'data-slot-id="{later.id}"' not in page and "暂无其他有名额的场次" in page
    response = client.post(f"/my/{student.manage_token}/move", data={"slot_id": later.id})
    db.session.refresh(student)
    assert (student.slot_id == later.id) == internal, response.get_data(as_text=True)


def test_a_place_freed_at_the_venue_reaches_the_waiting_list(client, db, clock):
    """Queued because the venue was at its limit: when the group beside the clinic cancels, the
    places free up in another slot, and the clinic's place is offered at once."""
    from visitorapp.booking import services as booking_services
    from visitorapp.booking.models import Booking
    from visitorapp.waitlist import services as waitlist
    from visitorapp.waitlist.models import EntryStatus

    slot = clinic_beside_a_group(safe=20, daily_cap=1500, group=20)
    assert client.post(f"/r/{slot.id}/waitlist", data=form()).status_code == 302
    booking_services.cancel_booking(db.session.scalar(sa.select(Booking)), now=utcnow())
    db.session.commit()
    entry = db.session.scalar(sa.select(WaitlistEntry))
    assert entry.status == EntryStatus.OFFERED  # the signal was about the group's slot
    assert waitlist.expire_offers(NOW) == 0 and entry.status == EntryStatus.OFFERED
