"""Slot moves under concurrency: many movers, one free place — never more than capacity.

Runs on SQLite (threads against one file) and on PostgreSQL (row locks) alike.
"""
import threading
from datetime import timedelta

import sqlalchemy as sa

from tests.factories import create_booking, create_slot
from tests.registration.helpers import create_individual_slot, register
from visitorapp.booking import services as booking_services
from visitorapp.booking.models import Booking
from visitorapp.database import DatabaseBusy, atomic
from visitorapp.errors import DomainError
from visitorapp.programme.models import Slot
from visitorapp.registration import services
from visitorapp.registration.models import Registration
from visitorapp.timeutil import utcnow

MOVERS = 6


def run_in_threads(app, work, ids):
    barrier = threading.Barrier(len(ids))
    outcomes = []

    def run(item_id):
        with app.app_context():
            barrier.wait()
            try:
                work(item_id)
                outcomes.append("moved")
            except (DomainError, DatabaseBusy) as exc:
                outcomes.append(getattr(exc, "code", "busy"))
            finally:
                from visitorapp.extensions import db
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_concurrent_registration_moves_never_overfill_the_target(app, db):
    target = create_individual_slot(capacity=2)
    target_id = target.id
    ids = []
    for i in range(MOVERS):
        source = create_individual_slot(event=target.event, capacity=1,
                                        starts_at=target.starts_at + timedelta(hours=i + 1))
        ids.append(register(source).id)
    db.session.commit()

    def move(registration_id):
        from visitorapp.extensions import db as session_db
        registration = session_db.session.get(Registration, registration_id)
        atomic(services.move_registration, registration, session_db.session.get(Slot, target_id),
               now=utcnow())

    outcomes = run_in_threads(app, move, ids)
    db.session.expire_all()
    moved = outcomes.count("moved")
    assert moved == 2, outcomes
    assert db.session.get(Slot, target_id).booked == 2
    in_target = db.session.scalar(sa.select(sa.func.count()).where(Registration.slot_id == target_id))
    assert in_target == 2
    # Every source slot holds exactly what its registration still holds there: nothing lost.
    total = db.session.scalar(sa.select(sa.func.sum(Slot.booked)).where(Slot.event_id == target.event_id))
    assert total == MOVERS


def test_concurrent_group_moves_never_overfill_the_target(app, db):
    target = create_slot(capacity=50)
    target_id = target.id
    ids = []
    for i in range(4):
        source = create_slot(event=target.event, venue=target.venue, capacity=50,
                             starts_at=target.starts_at + timedelta(hours=2 * (i + 1)))
        ids.append(create_booking(source, students=20, teachers=1).id)
    db.session.commit()

    def move(booking_id):
        from visitorapp.extensions import db as session_db
        booking = session_db.session.get(Booking, booking_id)
        atomic(booking_services.move_booking, booking, session_db.session.get(Slot, target_id), now=utcnow())

    outcomes = run_in_threads(app, move, ids)
    db.session.expire_all()
    assert outcomes.count("moved") == 2, outcomes
    assert db.session.get(Slot, target_id).booked == 42
    total = db.session.scalar(sa.select(sa.func.sum(Slot.booked)).where(Slot.event_id == target.event_id))
    assert total == 4 * 21
