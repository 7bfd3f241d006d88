"""Live counts: arrived groups and persons, and who is on site now (在场人数 = entries − exits)."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..booking.models import Booking, BookingStatus
from ..extensions import db
from ..programme.models import Slot, Venue
from ..timeutil import local_day_bounds
from .models import ADMITTED, CheckIn, Direction


def _persons(direction: str, day: date, venue_id: int | None = None):
    start, end = local_day_bounds(day)
    stmt = sa.select(sa.func.coalesce(sa.func.sum(CheckIn.students + CheckIn.teachers), 0)).where(
        CheckIn.result == ADMITTED, CheckIn.direction == direction,
        CheckIn.scanned_at >= start, CheckIn.scanned_at < end)
    if venue_id is not None:
        stmt = stmt.where(CheckIn.venue_id == venue_id)
    return db.session.scalar(stmt)


def on_site(venue_id: int | None, day: date) -> int:
    """Persons who entered through ``venue_id``'s gate today and have not left (None: campus)."""
    return max(0, _persons("in", day, venue_id) - _persons("out", day, venue_id))


def groups_on_site(venue_id: int, day: date) -> list[CheckIn]:
    """Admitted entries at a venue today without an admitted exit."""
    start, end = local_day_bounds(day)
    out = aliased(CheckIn)
    return list(db.session.scalars(
        sa.select(CheckIn).where(
            # Groups only (the roster lists schools); individuals count in on_site().
            CheckIn.venue_id == venue_id, CheckIn.result == ADMITTED, CheckIn.booking_id.is_not(None),
            CheckIn.direction == Direction.IN.value,
            CheckIn.scanned_at >= start, CheckIn.scanned_at < end,
            ~sa.exists().where(out.booking_id == CheckIn.booking_id, out.result == ADMITTED,
                               out.direction == Direction.OUT.value))
        .order_by(CheckIn.scanned_at)))


def summary(day: date, venue_ids: set[int] | None = None) -> dict:
    """Per venue and for the campus: booked and arrived groups/persons, on site now."""
    start, end = local_day_bounds(day)
    venues = sa.select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.id)
    if venue_ids is not None:
        venues = venues.where(Venue.id.in_(venue_ids or {-1}))
    booked = dict((vid, (groups, persons)) for vid, groups, persons in db.session.execute(
        sa.select(Slot.venue_id, sa.func.count(Booking.id),
                  sa.func.coalesce(sa.func.sum(Booking.students + Booking.teachers), 0))
        .join(Booking, Booking.slot_id == Slot.id)
        .where(Booking.status == BookingStatus.CONFIRMED, Slot.starts_at >= start,
               Slot.starts_at < end)
        .group_by(Slot.venue_id)))
    arrived = dict((vid, (groups, persons)) for vid, groups, persons in db.session.execute(
        sa.select(CheckIn.venue_id, sa.func.count(CheckIn.id),
                  sa.func.coalesce(sa.func.sum(CheckIn.students + CheckIn.teachers), 0))
        .where(CheckIn.result == ADMITTED, CheckIn.direction == Direction.IN.value,
               CheckIn.scanned_at >= start, CheckIn.scanned_at < end)
        .group_by(CheckIn.venue_id)))
    rows = []
    for venue in db.session.scalars(venues):
        now_on_site = on_site(venue.id, day)
        rows.append({
            "venue_id": venue.id, "venue": venue.name, "safe_occupancy": venue.safe_occupancy,
            "booked_groups": booked.get(venue.id, (0, 0))[0],
            "booked_persons": int(booked.get(venue.id, (0, 0))[1]),
            "arrived_groups": arrived.get(venue.id, (0, 0))[0],
            "arrived_persons": int(arrived.get(venue.id, (0, 0))[1]),
            "on_site": now_on_site, "at_capacity": now_on_site >= venue.safe_occupancy,
        })
    campus = {key: sum(r[key] for r in rows) for key in
              ("booked_groups", "booked_persons", "arrived_groups", "arrived_persons", "on_site")}
    conflicts = db.session.scalar(sa.select(sa.func.count(CheckIn.id)).where(
        CheckIn.conflict.is_(True), CheckIn.scanned_at >= start, CheckIn.scanned_at < end))
    return {"date": day.isoformat(), "venues": rows, "campus": campus, "conflicts": conflicts}
