"""Queueing: a message commits or rolls back with the booking change it reports."""
import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_slot, group_details
from visitorapp.booking import services
from visitorapp.booking.capacity import CapacityError
from visitorapp.booking.models import Booking
from visitorapp.database import atomic
from visitorapp.outbox import services as outbox
from visitorapp.outbox.models import OutboxMessage
from visitorapp.timeutil import utcnow


def count(model) -> int:
    from visitorapp.extensions import db
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_refused_booking_leaves_no_message(db):
    slot = create_slot(capacity=30)
    db.session.commit()
    with pytest.raises(CapacityError):
        atomic(services.create_booking, slot, group_details(students=40, teachers=2,
                                                             email="a@example.com"), now=utcnow())
    assert count(OutboxMessage) == 0 and count(Booking) == 0


def test_losing_a_dedupe_race_keeps_the_callers_transaction(db, monkeypatch):
    booking = create_booking(email="a@example.com")
    first = outbox.enqueue("a@example.com", "提醒", "正文", kind="booking.reminder",
                           booking_id=booking.id, dedupe_key="booking.reminder:race")
    assert first is not None
    # The other run's row is not visible to our look-up yet: the unique key must decide.
    monkeypatch.setattr(db.session, "scalar", lambda *a, **kw: None)
    second = outbox.enqueue("a@example.com", "提醒", "正文", kind="booking.reminder",
                            booking_id=booking.id, dedupe_key="booking.reminder:race")
    monkeypatch.undo()
    assert second is None
    db.session.commit()  # the booking and the first message survive
    assert count(Booking) == 1
    assert count(OutboxMessage) == 2  # the confirmation and one reminder
