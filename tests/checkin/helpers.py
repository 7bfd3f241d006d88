"""Factories for check-in tests: slots, bookings and tokens on a pinned gate day.

Gate tests live at ``MOMENT`` (pinned with the ``clock`` fixture of tests/checkin/conftest.py,
or ``pin_gate_day``): a Wednesday morning of an experience day. Slots are placed relative to it,
never to the machine's clock, so the suite passes at any hour on any date.
"""
import uuid
from datetime import datetime, timedelta

from tests.factories import create_booking, create_event, create_slot, create_user, create_venue
from visitorapp.accounts.models import Role
from visitorapp.checkin.actors import Actor
from visitorapp.checkin.services import check_in
from visitorapp.tickets.tokens import sign, token_for
from visitorapp.timeutil import TZ

#: The moment gate tests are about: 09:20 in Shanghai on an experience day.
MOMENT = datetime(2031, 5, 14, 9, 20, tzinfo=TZ)


def pin_gate_day(time_machine, moment: datetime = MOMENT, *, tick: bool = False) -> datetime:
    """Move the clock to ``moment`` (tick=True for live servers and browsers)."""
    time_machine.move_to(moment, tick=tick)
    return moment


def slot_now(venue=None, *, capacity=100, starts_in=timedelta(minutes=10), minutes=120, **kw):
    """A slot starting ``starts_in`` after MOMENT, on the gate day."""
    return create_slot(event=kw.pop("event", None) or create_event(), venue=venue or create_venue(),
                       capacity=capacity, starts_at=MOMENT + starts_in, minutes=minutes, **kw)


def booking_today(venue=None, **kw):
    slot = kw.pop("slot", None) or slot_now(venue)
    booking = create_booking(slot, **kw)
    return booking, token_for(booking)


def ticket(record) -> str:
    """The token of a booking or a registration."""
    return sign(record.ticket_nonce)


def gate_account(*venues):
    return Actor(user=create_user(Role.GATE, venues=list(venues)))


def cid() -> str:
    return uuid.uuid4().hex


def scan_at(record, at: datetime, direction="in", students=None, teachers=None, *, venue=None,
            confirm=False):
    """Record one scan of a booking or registration as the gate would have at ``at``."""
    venue = venue or record.slot.venue
    return check_in(ticket(record), venue, direction, students, teachers, cid(),
                    Actor(system=True), now=at, confirm=confirm).checkin
