"""Demo step: check-ins of the past (2026) edition, so reports and exports have real figures.

Most confirmed bookings of finished slots arrived (a few pupils short); some took a break outside
and came back (再次入场), some left in parts, most scanned out at the end; about one in nine never
came (爽约). Every scan goes through the gate's own operation at the moment it happened, so the
presence figures are exactly what the gate would have recorded. Decisions are seeded by the
booking's id and client ids are fixed, so running the step again adds nothing.
"""
import random
from datetime import timedelta

import sqlalchemy as sa

from ..booking.models import Booking, BookingStatus
from ..checkin.actors import Actor
from ..checkin.models import CheckIn
from ..checkin.services import check_in
from ..extensions import db
from ..programme.models import Event, Slot
from ..tickets.tokens import token_for
from .context import DemoContext


def seed(ctx: DemoContext) -> None:
    if ctx.past is None:
        return
    scanned = sa.select(CheckIn.booking_id).where(CheckIn.booking_id.is_not(None))
    bookings = db.session.scalars(
        sa.select(Booking).join(Slot, Booking.slot_id == Slot.id)
        .join(Event, Slot.event_id == Event.id)
        .where(Event.edition_id == ctx.past.id, Booking.status == BookingStatus.CONFIRMED,
               Slot.ends_at < ctx.now, Booking.id.not_in(scanned))
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
    start, end = slot.starts_at, slot.ends_at
    # (when, direction, students, teachers); None: everyone outside (in) or inside (out).
    scans = [(start - timedelta(minutes=rng.randint(0, 20)), "in", students, booking.teachers)]
    if rng.random() < 0.3:  # a break outside, then back in
        scans += [(start + timedelta(minutes=40), "out", None, None),
                  (start + timedelta(minutes=55), "in", None, None)]
    if rng.random() < 0.2 and students > 6 and booking.teachers > 1:  # some leave early
        scans.append((end - timedelta(minutes=30), "out", 6, 1))
    if rng.random() < 0.8:
        scans.append((end + timedelta(minutes=rng.randint(0, 15)), "out", None, None))
    token, actor = token_for(booking), Actor(system=True)
    for i, (at, direction, s, t) in enumerate(scans):
        # The gate confirmed what it saw (a full venue, say): the demo records it as admitted.
        check_in(token, slot.venue, direction, s, t, f"demo-{booking.id}-{i}", actor, now=at,
                 confirm=True)
    db.session.flush()
