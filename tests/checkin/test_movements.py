"""Presence as movements: breaks outside and re-entry, partial exits, 统一退场, corrections."""
from datetime import timedelta

import pytest

from tests.checkin.helpers import MOMENT, booking_today, cid, gate_account
from tests.factories import create_user, create_venue
from visitorapp.checkin import counts
from visitorapp.checkin.actors import Actor
from visitorapp.checkin.services import check_in, correct_numbers, everyone_out
from visitorapp.errors import DomainError
from visitorapp.timeutil import utcnow

DAY = MOMENT.date()


@pytest.fixture
def venue(db):
    return create_venue(name="创新楼", safe_occupancy=300)


@pytest.fixture
def gate(db, venue):
    return gate_account(venue)


def scan(token, venue, actor, direction="in", students=None, teachers=None, *, minutes=0, **kw):
    return check_in(token, venue, direction, students, teachers, kw.pop("client_id", cid()), actor,
                    now=MOMENT + timedelta(minutes=minutes), **kw).checkin


def arrived(booking):
    return counts.ticket_presence(booking_ids=[booking.id])[("booking", booking.id)].arrived


def test_a_class_goes_out_for_a_break_and_comes_back(db, venue, gate):
    booking, token = booking_today(venue, students=20, teachers=2)
    scan(token, venue, gate)
    out = scan(token, venue, gate, "out", minutes=60)
    assert (out.result, out.persons) == ("ok", 22) and "仍在场 0 人" in out.message
    assert counts.on_site(DAY, venue.id) == 0
    back = scan(token, venue, gate, minutes=85)
    assert (back.result, back.persons, back.arrived_students) == ("re_entry", 22, 0)
    assert back.outcome.tone == "ok" and "再次入场" in back.message
    assert counts.on_site(DAY, venue.id) == 22 and arrived(booking) == 22  # not 44
    leave = scan(token, venue, gate, "out", minutes=130)
    assert leave.result == "ok" and counts.on_site(DAY) == 0


def test_part_of_a_group_leaves_early_and_the_rest_later(db, venue, gate):
    booking, token = booking_today(venue, students=18, teachers=2)
    scan(token, venue, gate)
    early = scan(token, venue, gate, "out", 6, 1, minutes=30)
    assert (early.result, early.persons) == ("ok", 7) and "仍在场 13 人" in early.message
    too_many = scan(token, venue, gate, "out", 20, 0, minutes=40)
    assert too_many.result == "more_than_inside" and "12名学生、1名教师" in too_many.message
    rest = scan(token, venue, gate, "out", minutes=130)
    assert (rest.result, rest.students, rest.teachers) == ("ok", 12, 1)
    again = scan(token, venue, gate, "out", minutes=131)
    assert again.result == "already_checked_out" and again.outcome.tone == "bad"
    assert counts.on_site(DAY) == 0 and arrived(booking) == 20


def test_an_exit_before_arrival_is_refused(db, venue, gate):
    _, token = booking_today(venue)
    assert scan(token, venue, gate, "out").result == "not_checked_in"


def test_a_group_in_two_buses_and_a_double_scan(db, venue, gate):
    booking, token = booking_today(venue, students=40, teachers=2)
    first = scan(token, venue, gate, students=20, teachers=1)
    assert first.result == "ok" and counts.on_site(DAY) == 21
    # The same ticket again at once: a double scan, not the second bus.
    assert scan(token, venue, gate, minutes=1).result == "already_inside"
    second = scan(token, venue, gate, minutes=20)
    assert (second.result, second.students, second.teachers) == ("ok", 20, 1)
    assert counts.on_site(DAY) == 42 and arrived(booking) == 42
    assert scan(token, venue, gate, minutes=21).result == "already_inside"


def test_exit_counts_against_the_venue_the_group_is_in(db, venue):
    other = create_venue(name="精艺楼")
    organizer = Actor(user=create_user())
    _, token = booking_today(venue)
    scan(token, venue, organizer)
    out = scan(token, other, organizer, "out", minutes=30)
    assert out.venue_id == venue.id and "（在创新楼）" in out.message
    assert counts.on_site(DAY, venue.id) == 0 and counts.on_site(DAY, other.id) == 0


def test_everyone_out_exits_the_rest_of_partial_groups_and_individuals(db, venue, gate):
    from tests.checkin.helpers import ticket
    from tests.registration.helpers import create_individual_slot, register
    _, a = booking_today(venue, students=20, teachers=2)
    _, b = booking_today(venue, students=30, teachers=2)
    _, c = booking_today(venue, students=10, teachers=1)
    person = register(create_individual_slot(venue=venue, capacity=5,
                                             starts_at=MOMENT + timedelta(minutes=10)))
    for token in (a, b, c, ticket(person)):
        scan(token, venue, gate)
    scan(a, venue, gate, "out", 6, 1, minutes=20)        # part of a leaves
    scan(c, venue, gate, "out", minutes=30)              # c leaves entirely
    assert counts.on_site(DAY, venue.id) == 15 + 32 + 1
    assert everyone_out(venue, DAY, gate, "close-batch-1", now=MOMENT + timedelta(hours=8)) == (3, 48)
    assert everyone_out(venue, DAY, gate, "close-batch-1", now=MOMENT + timedelta(hours=8)) == (0, 0)
    assert counts.on_site(DAY) == 0 and counts.inside(DAY) == []


def test_correcting_numbers_fewer_then_more_with_confirmation(db, venue, gate):
    from tests.checkin.helpers import slot_now
    from tests.factories import create_booking
    from visitorapp.tickets.tokens import token_for
    slot = slot_now(venue, capacity=50)
    booking = create_booking(slot, students=40, teachers=3)
    c = scan(token_for(booking), venue, gate)
    correct_numbers(c, 35, 3, gate)
    assert counts.on_site(DAY, venue.id) == 38 and arrived(booking) == 38
    with pytest.raises(DomainError) as err:
        correct_numbers(c, 45, 3, gate)
    assert err.value.code == "confirm_required"
    correct_numbers(c, 45, 3, gate, confirm=True)
    db.session.refresh(slot)
    assert slot.booked == 48 and arrived(booking) == 48
    with pytest.raises(DomainError) as err:
        correct_numbers(c, 60, 3, gate, confirm=True)
    assert err.value.code == "over_capacity"
    correct_numbers(c, 40, 3, gate)  # back to booked: the extra places are released
    db.session.refresh(slot)
    assert slot.booked == 43 and counts.on_site(DAY) == 43


def test_an_exit_scan_corrected_to_a_partial_exit(db, venue, gate):
    booking, token = booking_today(venue, students=18, teachers=2)
    entry = scan(token, venue, gate)
    leave = scan(token, venue, gate, "out", minutes=30)
    assert counts.on_site(DAY) == 0
    with pytest.raises(DomainError) as err:
        correct_numbers(entry, 10, 1, gate)  # a later movement built on it
    assert err.value.code == "not_latest"
    correct_numbers(leave, 6, 1, gate)
    assert counts.on_site(DAY) == 13 and (leave.students, leave.teachers) == (6, 1)
    with pytest.raises(DomainError) as err:
        correct_numbers(leave, 30, 1, gate)
    assert err.value.code == "more_than_inside"


def test_individual_ticket_moves_one_person(db, venue, gate):
    from tests.checkin.helpers import ticket
    from tests.registration.helpers import create_individual_slot, register
    person = register(create_individual_slot(venue=venue, capacity=5,
                                             starts_at=MOMENT + timedelta(minutes=10)))
    token = ticket(person)
    entry = scan(token, venue, gate)
    assert (entry.result, entry.registration_id, entry.persons) == ("ok", person.id, 1)
    assert person.reference in entry.message and counts.on_site(DAY, venue.id) == 1
    assert scan(token, venue, gate, minutes=1).result == "already_inside"
    assert scan(token, venue, gate, "out", minutes=30).result == "ok"
    assert scan(token, venue, gate, minutes=50).result == "re_entry"
    assert scan(person.reference, venue, gate, "out", minutes=70).result == "ok"
    assert counts.on_site(DAY) == 0


def test_cancelled_registration_is_revoked_at_the_gate(db, venue, gate):
    from tests.checkin.helpers import ticket
    from tests.registration.helpers import create_individual_slot, register
    from visitorapp.registration import services as registration_services
    person = register(create_individual_slot(venue=venue, capacity=5,
                                             starts_at=MOMENT + timedelta(minutes=10)))
    registration_services.cancel_registration(person, now=utcnow())
    c = scan(ticket(person), venue, gate)
    assert c.result == "revoked" and "已取消" in c.message


def test_coming_back_from_a_break_does_not_bring_the_absent_pupils(db, venue, gate):
    booking, token = booking_today(venue, students=40, teachers=2)
    scan(token, venue, gate, students=38, teachers=2)       # two pupils stayed home
    scan(token, venue, gate, "out", minutes=60)
    back = scan(token, venue, gate, minutes=80)
    assert (back.result, back.students, back.teachers) == ("re_entry", 38, 2)
    assert arrived(booking) == 40 and counts.on_site(DAY) == 40
    # The two late pupils do turn up with the next break's return: counted, no confirmation.
    scan(token, venue, gate, "out", minutes=100)
    late = scan(token, venue, gate, students=40, teachers=2, minutes=110)
    assert (late.result, late.arrived_students) == ("ok", 2) and "其中再次入场 40 人" in late.message
    assert arrived(booking) == 42
