"""What an offline gate needs to decide alone: the day's tickets for its venues.

Only a SHA-256 of each ticket token (the page hashes what it scans and looks it up), the
reference, school, booked numbers, slot times, status and whether it already checked in —
no mobile numbers, no leader names: a lost phone leaks nothing personal.
"""
import hashlib
from datetime import date

import sqlalchemy as sa

from ..booking.models import Booking
from ..extensions import db
from ..programme.models import Slot
from ..tickets.tokens import token_for
from ..timeutil import local_day_bounds, utcnow
from .actors import Actor
from .models import ADMITTED, CheckIn, Direction


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ticket_list(day: date, actor: Actor) -> dict:
    start, end = local_day_bounds(day)
    stmt = (sa.select(Booking).join(Slot, Booking.slot_id == Slot.id)
            .where(Slot.starts_at >= start, Slot.starts_at < end).order_by(Slot.starts_at))
    ids = actor.venue_ids()
    if ids is not None:
        stmt = stmt.where(Slot.venue_id.in_(ids or {-1}))
    bookings = list(db.session.scalars(stmt))
    admitted = {}
    if bookings:
        admitted = {(c.booking_id, c.direction) for c in db.session.scalars(
            sa.select(CheckIn).where(CheckIn.booking_id.in_([b.id for b in bookings]),
                                     CheckIn.result == ADMITTED))}
    tickets = [{
        "h": token_hash(token_for(b)), "reference": b.reference, "school": b.school_name,
        "students": b.students, "teachers": b.teachers, "status": str(b.status),
        "venue_id": b.slot.venue_id, "starts_at": b.slot.starts_at.isoformat(),
        "ends_at": b.slot.ends_at.isoformat(),
        "checked_in": (b.id, Direction.IN.value) in admitted,
        "checked_out": (b.id, Direction.OUT.value) in admitted,
    } for b in bookings]
    return {"date": day.isoformat(), "generated_at": utcnow().isoformat(), "tickets": tickets}
