"""Registration rules through the service layer: capacity, one slot per person, moves."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_slot
from tests.registration.helpers import create_individual_slot, person, register
from visitorapp.booking import capacity
from visitorapp.booking.rules import RuleError
from visitorapp.database import atomic
from visitorapp.outbox.models import OutboxMessage
from visitorapp.programme.models import CampusDay
from visitorapp.registration import services
from visitorapp.registration.models import RegistrationStatus
from visitorapp.tickets import tokens
from visitorapp.timeutil import utcnow


def test_registration_takes_one_place_and_gets_a_ticket_in_the_common_format(db):
    slot = create_individual_slot(capacity=2)
    registration = register(slot)
    db.session.commit()
    assert slot.booked == 1 and slot.remaining == 1
    assert registration.reference.startswith("BM-")
    token = tokens.sign(registration.ticket_nonce)
    assert tokens.verify(token) == registration.ticket_nonce
    assert services.registration_for_nonce(tokens.verify(token)) == registration
    assert registration.manage_token != registration.ticket_nonce
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "registration.confirmed"))
    assert mail.recipient == registration.email and token in mail.body_text


def test_full_slot_refuses_without_changing_anything(db):
    slot = create_individual_slot(capacity=1)
    register(slot)
    db.session.commit()
    with pytest.raises(capacity.CapacityError) as err:
        atomic(services.create_registration, slot, person(), now=utcnow())
    assert err.value.code == "slot_full"
    db.session.refresh(slot)
    assert slot.booked == 1


def test_one_clinic_slot_per_mobile_refused_without_naming_the_first(db):
    slot = create_individual_slot(capacity=5)
    other = create_individual_slot(event=slot.event, capacity=5,
                                   starts_at=slot.starts_at + timedelta(hours=2))
    first = register(slot, mobile="13600000123")
    db.session.commit()
    with pytest.raises(services.DuplicateRegistration) as err:
        atomic(services.create_registration, other, person(mobile="13600000123"), now=utcnow())
    assert "每人限报一个场次" in err.value.message and "找回预约/报名" in err.value.message
    assert first.reference not in err.value.message and "09:00" not in err.value.message
    db.session.refresh(other)
    assert other.booked == 0


def test_a_student_number_typed_by_someone_else_does_not_lock_out_its_holder(db):
    """学号 is not a uniqueness key (docs/privacy.md): anyone can type it, so it blocks nobody."""
    slot = create_individual_slot(capacity=5)
    squatter = register(slot, student_number="2024000123", mobile="13600000001")
    db.session.commit()
    holder = atomic(services.create_registration, slot,
                    person(student_number="2024000123", mobile="13600000002"), now=utcnow())
    assert squatter.is_active and holder.is_active
    assert services.repeated_student_numbers(slot.event_id) == {"2024000123"}


def test_one_slot_per_mobile_for_visitors(db):
    slot = create_individual_slot(capacity=5)
    register(slot, internal=False, mobile="13600000001")
    db.session.commit()
    with pytest.raises(services.DuplicateRegistration):
        atomic(services.create_registration, slot, person(internal=False, mobile="13600000001"), now=utcnow())


def test_unique_index_holds_when_the_application_check_is_bypassed(db, monkeypatch):
    """Two requests that both passed the duplicate check: the database keeps only one."""
    slot = create_individual_slot(capacity=5)
    register(slot, mobile="13600009999")
    db.session.commit()
    original = services.find_duplicate
    calls = {"n": 0}

    def first_call_misses(*args, **kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else original(*args, **kwargs)

    monkeypatch.setattr(services, "find_duplicate", first_call_misses)
    with pytest.raises(services.DuplicateRegistration):
        atomic(services.create_registration, slot, person(mobile="13600009999"), now=utcnow())
    db.session.refresh(slot)
    assert slot.booked == 1


def test_a_cancelled_registration_frees_the_person_to_register_again(db):
    slot = create_individual_slot(capacity=1)
    registration = register(slot, student_number="2024000777")
    services.cancel_registration(registration, now=utcnow())
    db.session.commit()
    assert registration.status == RegistrationStatus.CANCELLED and slot.booked == 0
    again = register(slot, student_number="2024000777")
    db.session.commit()
    assert again.is_active


def test_group_events_refuse_individual_registration(db):
    slot = create_slot(capacity=50)
    with pytest.raises(RuleError) as err:
        services.create_registration(slot, person(), now=utcnow())
    assert err.value.code == "not_individual_event"


def test_visitors_count_against_the_campus_day_and_own_students_do_not(db):
    slot = create_individual_slot(capacity=5)
    register(slot, internal=True)
    db.session.commit()
    day = db.session.scalar(sa.select(CampusDay))
    assert day is None or day.booked == 0
    register(slot, internal=False)
    db.session.commit()
    assert db.session.scalar(sa.select(CampusDay.booked)) == 1


def test_move_takes_the_new_place_before_releasing_the_old(db):
    slot = create_individual_slot(capacity=1)
    later = create_individual_slot(event=slot.event, capacity=1,
                                   starts_at=slot.starts_at + timedelta(hours=2))
    registration = register(slot)
    blocker = register(later)
    db.session.commit()
    with pytest.raises(capacity.CapacityError):
        atomic(services.move_registration, registration, later, now=utcnow())
    db.session.refresh(slot)
    assert registration.slot_id == slot.id and slot.booked == 1
    services.cancel_registration(blocker, now=utcnow())
    db.session.commit()
    atomic(services.move_registration, registration, later, now=utcnow())
    db.session.refresh(slot)
    db.session.refresh(later)
    assert registration.slot_id == later.id and slot.booked == 0 and later.booked == 1


def test_move_after_the_change_deadline_is_refused(db, pinned):
    slot = create_individual_slot(capacity=2, starts_at=pinned + timedelta(hours=3))
    later = create_individual_slot(event=slot.event, capacity=2, starts_at=pinned + timedelta(hours=6))
    registration = register(slot)
    db.session.commit()
    with pytest.raises(RuleError) as err:
        atomic(services.move_registration, registration, later, now=pinned)
    assert err.value.code == "change_deadline_passed"


def test_group_booking_moves_atomically(db):
    from visitorapp.booking import services as booking_services
    slot = create_slot(capacity=50)
    later = create_slot(event=slot.event, venue=slot.venue, capacity=50,
                        starts_at=slot.starts_at + timedelta(hours=2))
    booking = create_booking(slot, students=40, teachers=2)
    create_booking(later, students=10, teachers=1)
    db.session.commit()
    with pytest.raises(capacity.CapacityError):
        atomic(booking_services.move_booking, booking, later, now=utcnow())
    db.session.refresh(slot)
    assert booking.slot_id == slot.id and slot.booked == 42
    roomy = create_slot(event=slot.event, venue=slot.venue, capacity=60,
                        starts_at=slot.starts_at + timedelta(hours=4))
    db.session.commit()
    atomic(booking_services.move_booking, booking, roomy, now=utcnow())
    db.session.refresh(slot)
    db.session.refresh(roomy)
    assert booking.slot_id == roomy.id and slot.booked == 0 and roomy.booked == 42


def test_registration_tickets_are_found_by_token_like_bookings(db):
    from visitorapp.tickets.tokens import TokenError
    slot = create_individual_slot(capacity=2)
    registration = register(slot)
    db.session.commit()
    token = tokens.sign(registration.ticket_nonce)
    assert services.registration_for_token(token.lower()) == registration
    with pytest.raises(TokenError) as err:
        services.registration_for_token(token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert err.value.code == "forged"
    services.cancel_registration(registration, now=utcnow())
    with pytest.raises(TokenError) as err:
        services.registration_for_token(token)
    assert err.value.code == "revoked" and registration.reference in err.value.message
    assert services.registration_for_token(token, allow_revoked=True) == registration


def test_a_racing_duplicate_group_booking_points_to_the_first(db, monkeypatch):
    """The unique index wins over a duplicate check that a concurrent request slipped past."""
    from tests.factories import group_details
    from visitorapp.booking import services as booking_services
    slot = create_slot(capacity=200)
    first = create_booking(slot, leader_mobile="13811112222")
    db.session.commit()
    original = booking_services.find_duplicate
    calls = {"n": 0}

    def first_call_misses(*args):
        calls["n"] += 1
        return None if calls["n"] == 1 else original(*args)

    monkeypatch.setattr(booking_services, "find_duplicate", first_call_misses)
    with pytest.raises(booking_services.DuplicateBooking) as err:
        atomic(booking_services.create_booking, slot, group_details(leader_mobile="13811112222"),
               enforce_window=False, now=utcnow())
    assert err.value.code == "duplicate" and first.reference not in err.value.message
    db.session.refresh(slot)
    assert slot.booked == first.headcount


def test_one_per_slot_events_take_a_person_in_each_slot_but_once_per_slot(db):
    """The fair's 专区: 简历门诊 and 模拟面试 are two slots of one event; a graduate takes both."""
    from datetime import timedelta
    clinic = create_individual_slot(capacity=5, label="简历门诊")
    clinic.event.one_per_slot = True
    interview = create_individual_slot(event=clinic.event, capacity=5, label="模拟面试",
                                       starts_at=clinic.starts_at + timedelta(hours=5))
    first = register(clinic, mobile="13600001111")
    second = register(interview, mobile="13600001111")
    assert first.slot_scope == clinic.id and second.slot_scope == interview.id
    with pytest.raises(services.DuplicateRegistration) as err:
        register(clinic, mobile="13600001111")
    assert "此场次" in err.value.message
    with pytest.raises(services.DuplicateRegistration):  # nor moved onto the slot already held
        services.move_registration(first, interview, now=utcnow())
    db.session.commit()


def test_one_slot_per_person_events_refuse_a_second_slot(db):
    from datetime import timedelta
    first = create_individual_slot(capacity=5)
    other = create_individual_slot(event=first.event, capacity=5,
                                   starts_at=first.starts_at + timedelta(hours=2))
    register(first, mobile="13600002222")
    with pytest.raises(services.DuplicateRegistration) as err:
        register(other, mobile="13600002222")
    assert "每人限报一个场次" in err.value.message
