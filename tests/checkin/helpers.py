"""Factories for check-in tests: a slot today at a venue, its booking and its token."""
import uuid
from datetime import timedelta

from tests.factories import create_booking, create_event, create_slot, create_venue
from visitorapp.tickets.tokens import token_for
from visitorapp.timeutil import utcnow


def slot_now(venue=None, *, capacity=100, starts_in=timedelta(minutes=10), minutes=120, **kw):
    """A slot starting shortly, today (so scans are on time and on the right day)."""
    return create_slot(event=kw.pop("event", None) or create_event(), venue=venue or create_venue(),
                       capacity=capacity, starts_at=utcnow() + starts_in, minutes=minutes, **kw)


def booking_today(venue=None, **kw):
    slot = kw.pop("slot", None) or slot_now(venue)
    booking = create_booking(slot, **kw)
    return booking, token_for(booking)


def cid() -> str:
    return uuid.uuid4().hex
