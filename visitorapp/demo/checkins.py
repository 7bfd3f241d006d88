"""Demo step: check-ins of the past (2026) edition, so reports and exports have real figures.

Most confirmed bookings of finished slots arrived (a few pupils short,
most scanned out again); about one in nine never came. Decisions are seeded by the booking's id,
so running the step again adds nothing and never turns a no-show into an arrival.
"""
import random
from datetime import timedelta

import sqlalchemy as sa

from ..booking.models import Booking, BookingStatus
from ..checkin.models import CheckIn
from ..extensions import db
from ..programme.models import Event, Slot
from ..timeutil import utcnow
from .context import DemoContext


def seed(ctx: DemoContext) -> None:
    if ctx.past is None:
        return
    scanned = sa.select(CheckIn.booking_id).where(CheckIn.booking_id.is_not(None))
    bookings = db.session.scalars(
        sa.select(Booking).join(Slot, Booking.slot_id == Slot.id)
        .join(Event, Slot.event_id == Event.id)
        .where(Event.edition_id == ctx.past.id, Booking.status == BookingStatus.CONFIRMED,
               Slot.ends_at < utcnow(), Booking.id.not_in(scanned))
        .order_by(Booking.id)).all()
    added = 0
    for booking in bookings:
        rng = random.Random(f"demo-checkin-{booking.id}")
        if rng.random() < 0.11:
            continue  # 爽约
        _scan_group(booking, rng)
        added += 1
    if added:
        ctx.messages.append(f"签到示例：{ctx.past.year}年 {added} 个团体已到场。")


def _scan_group(booking: Booking, rng: random.Random) -> None:
    slot = booking.slot
    students = booking.students - rng.randint(0, max(0, booking.students // 10))
    arrived_at = slot.starts_at - timedelta(minutes=rng.randint(0, 20))
    # One admitted entry per group (the gate confirms the arrived numbers), as the gate enforces.
    scans = [("in", students, booking.teachers, arrived_at)]
    if rng.random() < 0.8:
        scans.append(("out", students, booking.teachers,
                      slot.ends_at + timedelta(minutes=rng.randint(0, 15))))
    for i, (direction, s, t, at) in enumerate(scans):
        db.session.add(CheckIn(booking_id=booking.id, venue_id=slot.venue_id, direction=direction,
                               students=s, teachers=t, result="ok", scanned_at=at,
                               client_id=f"demo-{booking.id}-{i}"))
    db.session.flush()
