"""Waiting lists: offers hold places, go to the first entry that fits, expire to the next."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_slot, group_details
from tests.registration.helpers import create_individual_slot, person, register
from visitorapp.booking import services as booking_services
from visitorapp.database import atomic
from visitorapp.outbox.models import OutboxMessage
from visitorapp.registration import services as registration_services
from visitorapp.registration.models import Registration
from visitorapp.timeutil import utcnow
from visitorapp.waitlist import services
from visitorapp.waitlist.models import EntryKind, EntryStatus


def join_group(slot, students, teachers=None, **kw):
    teachers = teachers or max(1, -(-students // 20))
    details = group_details(students=students, teachers=teachers, email=kw.pop("email", "t@example.com"))
    return services.join(slot, EntryKind.GROUP, name=details.school_name, mobile=details.leader_mobile,
                         email=details.email, headcount=details.headcount, details=details.__dict__,
                         now=utcnow())


def join_person(slot, **kw):
    details = person(**kw)
    return services.join(slot, EntryKind.INDIVIDUAL, name=details.name, mobile=details.mobile,
                         email=details.email, headcount=1, details=details.as_dict(),
                         visitors=not details.is_internal, now=utcnow())


def offers(db):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "waitlist.offer")).all()


def test_joining_needs_a_full_slot(db):
    slot = create_individual_slot(capacity=2)
    with pytest.raises(services.WaitlistError) as err:
        join_person(slot)
    assert err.value.code == "not_full"


def test_a_cancellation_offers_the_place_to_the_first_entry_and_holds_it(db):
    slot = create_individual_slot(capacity=1)
    holder = register(slot)
    first = join_person(slot)
    second = join_person(slot)
    db.session.commit()
    atomic(registration_services.cancel_registration, holder, now=utcnow())
    db.session.refresh(slot)
    assert first.status == EntryStatus.OFFERED and second.status == EntryStatus.WAITING
    assert slot.booked == 1, "the offered place is held, not free for anyone else"
    assert first.offer_expires_at - first.offered_at <= timedelta(hours=24)
    [mail] = offers(db)
    assert mail.recipient == first.email and first.token in mail.body_text
    with pytest.raises(Exception):
        atomic(registration_services.create_registration, slot, person(), now=utcnow())
    registration = atomic(services.accept, first, now=utcnow())
    db.session.refresh(slot)
    assert registration.is_active and registration.slot_id == slot.id and slot.booked == 1
    assert first.status == EntryStatus.ACCEPTED and first.registration_id == registration.id


def test_two_places_freeing_at_once_go_to_two_entries(db):
    slot = create_individual_slot(capacity=2)
    holders = [register(slot), register(slot)]
    entries = [join_person(slot) for _ in range(3)]
    db.session.commit()
    # One group booking's worth of places at once: both holders cancel in one transaction.
    def cancel_both():
        for h in holders:
            registration_services.cancel_registration(h, now=utcnow())
    atomic(cancel_both)
    assert [e.status for e in entries] == [EntryStatus.OFFERED, EntryStatus.OFFERED, EntryStatus.WAITING]
    assert len(offers(db)) == 2
    db.session.refresh(slot)
    assert slot.booked == 2


def test_a_group_too_large_is_skipped_for_one_that_fits(db):
    slot = create_slot(capacity=60)
    booking = create_booking(slot, students=10, teachers=1)
    create_booking(slot, students=45, teachers=3)
    big = join_group(slot, students=38, teachers=2)
    small = join_group(slot, students=9, teachers=1)
    db.session.commit()
    atomic(booking_services.cancel_booking, booking, now=utcnow())  # 11 free + 1 spare = 12
    assert big.status == EntryStatus.WAITING
    assert small.status == EntryStatus.OFFERED
    db.session.refresh(slot)
    assert slot.booked == 48 + 10
    result = atomic(services.accept, small, now=utcnow())
    assert result.is_active and result.headcount == 10 and result.slot_id == slot.id
    db.session.refresh(slot)
    assert slot.booked == 58


def test_an_expired_offer_releases_its_places_to_the_next_entry(db):
    slot = create_individual_slot(capacity=1)
    holder = register(slot)
    first = join_person(slot)
    second = join_person(slot)
    db.session.commit()
    atomic(registration_services.cancel_registration, holder, now=utcnow())
    assert first.status == EntryStatus.OFFERED
    later = first.offer_expires_at + timedelta(seconds=1)
    assert atomic(services.expire_offers, later) == 1
    assert first.status == EntryStatus.EXPIRED and second.status == EntryStatus.OFFERED
    db.session.refresh(slot)
    assert slot.booked == 1
    with pytest.raises(services.WaitlistError) as err:
        atomic(services.accept, first, now=utcnow())
    assert err.value.code == "no_offer"
    expired_mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "waitlist.expired"))
    assert expired_mail.recipient == first.email


def test_an_offer_accepted_after_its_time_is_refused(db):
    slot = create_individual_slot(capacity=1)
    holder = register(slot)
    entry = join_person(slot)
    db.session.commit()
    atomic(registration_services.cancel_registration, holder, now=utcnow())
    with pytest.raises(services.WaitlistError) as err:
        atomic(services.accept, entry, entry.offer_expires_at + timedelta(minutes=1))
    assert err.value.code == "offer_expired"


def test_offer_window_is_shorter_close_to_the_day(db, pinned):
    now = pinned
    soon = create_individual_slot(capacity=1, starts_at=now + timedelta(hours=12))
    far = create_individual_slot(capacity=1, starts_at=now + timedelta(days=10))
    assert services.offer_window(far, now) == timedelta(hours=24)
    assert services.offer_window(soon, now) == timedelta(hours=4)


def test_leaving_with_an_offer_passes_it_on(db):
    slot = create_individual_slot(capacity=1)
    holder = register(slot)
    first, second = join_person(slot), join_person(slot)
    db.session.commit()
    atomic(registration_services.cancel_registration, holder, now=utcnow())
    atomic(services.leave, first, now=utcnow())
    assert first.status == EntryStatus.LEFT and second.status == EntryStatus.OFFERED


def test_the_same_mobile_queues_once(db):
    slot = create_individual_slot(capacity=1)
    register(slot)
    join_person(slot, mobile="13511112222")
    db.session.commit()
    with pytest.raises(services.WaitlistError) as err:
        atomic(join_person, slot, mobile="13511112222")
    assert "无需重复" in err.value.message


def test_expire_offers_command(db, runner, pinned):
    slot = create_individual_slot(capacity=1, starts_at=pinned + timedelta(hours=2))
    holder = register(slot)
    entry = join_person(slot)
    db.session.commit()
    atomic(registration_services.cancel_registration, holder, now=pinned)
    entry.offer_expires_at = pinned - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["waitlist", "expire-offers"])
    assert "1" in result.output
    db.session.refresh(entry)
    assert entry.status == EntryStatus.EXPIRED


def test_expire_offers_also_offers_places_an_organizer_added(db):
    slot = create_individual_slot(capacity=1)
    register(slot)
    entry = join_person(slot)
    db.session.commit()
    slot.capacity = 2  # raised by an organizer: no cancellation signal
    db.session.commit()
    atomic(services.expire_offers, now=utcnow())
    assert entry.status == EntryStatus.OFFERED
    db.session.refresh(slot)
    assert slot.booked == 2


def test_an_acceptance_racing_an_expiry_cannot_both_win(app, db):
    """The expiry committed elsewhere while this request still saw the offer as open."""
    import threading

    slot = create_individual_slot(capacity=1)
    holder = register(slot)
    first, second = join_person(slot), join_person(slot)
    db.session.commit()
    atomic(registration_services.cancel_registration, holder, now=utcnow())
    offered_at, expires_at = first.offered_at, first.offer_expires_at
    assert first.status == EntryStatus.OFFERED  # what this request has loaded

    def expire_elsewhere():
        with app.app_context():
            atomic(services.expire_offers, expires_at + timedelta(seconds=1))
            db.session.remove()

    worker = threading.Thread(target=expire_elsewhere)
    worker.start()
    worker.join(10)
    with pytest.raises(services.WaitlistError):
        atomic(services.accept, first, offered_at + timedelta(minutes=1))
    db.session.refresh(slot)
    db.session.refresh(second)
    assert second.status == EntryStatus.OFFERED and slot.booked == 1
    confirmed = sa.select(sa.func.count()).select_from(Registration).where(Registration.status == "confirmed")
    assert db.session.scalar(confirmed) == 0


def test_joining_is_judged_at_the_callers_moment(db, pinned):
    """"Already started" is decided at the ``now`` the caller passes, not by the machine's clock
    (stopped here a day before the slot)."""
    slot = create_individual_slot(capacity=1, starts_at=pinned + timedelta(days=1))
    register(slot)
    with pytest.raises(services.WaitlistError) as err:
        services.join_individual(slot, person(), now=slot.starts_at)
    assert err.value.code == "slot_started"
    assert services.join_individual(slot, person(), now=pinned).status == EntryStatus.WAITING


def test_freed_places_are_offered_at_the_moment_of_the_cancellation(db, pinned):
    """The cancellation's ``now`` travels with places_released: the offer is dated by it and
    runs 24 hours from it, whatever the clock says."""
    slot = create_individual_slot(capacity=1, starts_at=pinned + timedelta(days=10))
    holder = register(slot)
    entry = join_person(slot)
    later = pinned + timedelta(hours=5)
    atomic(registration_services.cancel_registration, holder, now=later)
    assert entry.status == EntryStatus.OFFERED
    assert (entry.offered_at, entry.offer_expires_at) == (later, later + timedelta(hours=24))
