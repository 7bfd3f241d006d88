"""The facts of presence, each one function here, called by every reader: the gate (and its
venue-full question), GET /api/v1/checkins/summary, the dashboard, the emergency roster,
统一退场, exports, 附件1 and the no-show rule. Nothing else counts scans.

* 在场 on_site: persons inside now, per venue (the venue whose gate admitted them) and campus,
  group bookings and individual registrations alike — ``on_site``, ``venue_counts``, ``inside``.
* 实到 arrived: persons who arrived (签到, re-entries not counted again), per ticket
  (``arrivals``), per slot (``arrived_by_slot``), per venue and day (``venue_counts``), and
  whether a booking arrived at all (``arrived``, what no-show is built on).

All read ``Presence``/``Attendance``, which every admitted scan updates in its own transaction,
so each figure is one indexed query, never a recount of scans.
"""
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..booking.models import Booking, BookingStatus
from ..extensions import db
from ..programme.models import Slot, Venue
from ..registration.models import Registration, RegistrationStatus
from ..timeutil import local_day_bounds
from .holders import Holder
from .models import Attendance, CheckIn, Presence

#: Persons of one ticket inside one venue: the one expression every on-site figure sums.
_INSIDE = Presence.students + Presence.teachers
_ARRIVED = Presence.arrived_students + Presence.arrived_teachers


def on_site(day: date, venue_id: int | None = None) -> int:
    """Persons inside ``venue_id`` (None: the whole campus) on ``day``."""
    stmt = sa.select(sa.func.coalesce(sa.func.sum(_INSIDE), 0)).where(Presence.day == day)
    if venue_id is not None:
        stmt = stmt.where(Presence.venue_id == venue_id)
    return int(db.session.scalar(stmt))


@dataclass
class VenueCount:
    on_site: int = 0
    #: Persons and tickets (groups or individuals) that arrived through this venue's gate.
    arrived_persons: int = 0
    arrived_tickets: int = 0


def venue_counts(day: date) -> dict[int, VenueCount]:
    """{venue_id: VenueCount} for ``day``: who is inside and who arrived, by the admitting venue."""
    rows = db.session.execute(
        sa.select(Presence.venue_id, sa.func.sum(_INSIDE), sa.func.sum(_ARRIVED),
                  sa.func.count(sa.case((_ARRIVED > 0, 1))))
        .where(Presence.day == day).group_by(Presence.venue_id))
    return {vid: VenueCount(int(inside or 0), int(arrived or 0), int(tickets or 0))
            for vid, inside, arrived, tickets in rows}


def arrivals() -> sa.Subquery:
    """Per ticket that arrived: booking_id, registration_id, students, teachers (实到, by the
    high-water mark of persons inside) and first_in_at (签到时间). Join it on booking_id."""
    return (sa.select(
        Attendance.booking_id.label("booking_id"),
        Attendance.registration_id.label("registration_id"),
        sa.func.sum(Presence.arrived_students).label("students"),
        sa.func.sum(Presence.arrived_teachers).label("teachers"),
        Attendance.first_in_at.label("first_in_at"))
        .join(Presence, Presence.attendance_id == Attendance.id)
        .where(Attendance.first_in_at.is_not(None))
        .group_by(Attendance.id, Attendance.booking_id, Attendance.registration_id,
                  Attendance.first_in_at)
        .subquery("arrivals"))


def arrived(booking_id) -> sa.ColumnElement[bool]:
    """SQL: the booking whose id is ``booking_id`` (a column) had someone arrive."""
    return sa.exists().where(Attendance.booking_id == booking_id,
                             Attendance.first_in_at.is_not(None))


def arrived_by_slot(slot_ids: list[int]) -> dict[int, int]:
    """{slot_id: persons arrived} over the slot's bookings and registrations."""
    if not slot_ids:
        return {}
    arr = arrivals()
    persons = sa.func.sum(arr.c.students + arr.c.teachers)
    slot_of = sa.func.coalesce(Booking.slot_id, Registration.slot_id)
    rows = db.session.execute(
        sa.select(slot_of, persons).select_from(arr)
        .outerjoin(Booking, Booking.id == arr.c.booking_id)
        .outerjoin(Registration, Registration.id == arr.c.registration_id)
        .where(slot_of.in_(slot_ids)).group_by(slot_of))
    return {slot_id: int(n or 0) for slot_id, n in rows}


@dataclass
class Inside:
    """One ticket's persons inside one venue now (a line of the roster, an exit of 统一退场)."""

    attendance_id: int
    venue_id: int
    venue_name: str
    holder: Holder
    students: int
    teachers: int
    first_in_at: datetime

    @property
    def persons(self) -> int:
        return self.students + self.teachers


def inside(day: date, venue_id: int | None = None) -> list[Inside]:
    """Tickets with persons inside on ``day`` (at ``venue_id``), by venue, earliest arrival first."""
    stmt = (sa.select(Presence, Attendance, Venue.name)
            .join(Attendance, Presence.attendance_id == Attendance.id)
            .join(Venue, Presence.venue_id == Venue.id)
            .where(Presence.day == day, _INSIDE > 0)
            .options(joinedload(Attendance.booking).joinedload(Booking.slot)
                     .joinedload(Slot.event),
                     joinedload(Attendance.registration).joinedload(Registration.slot)
                     .joinedload(Slot.event))
            .order_by(Venue.name, Attendance.first_in_at, Attendance.id))
    if venue_id is not None:
        stmt = stmt.where(Presence.venue_id == venue_id)
    return [Inside(a.id, p.venue_id, name, Holder(booking=a.booking, registration=a.registration),
                   p.students, p.teachers, a.first_in_at)
            for p, a, name in db.session.execute(stmt)]


@dataclass
class TicketPresence:
    """One ticket's figures for the gate's search and offline list."""

    arrived: int = 0
    inside: int = 0
    #: venue_id → persons inside it, for every venue whose gate admitted the ticket (0: all left).
    venues: dict[int, int] | None = None


def ticket_presence(booking_ids=(), registration_ids=()) -> dict[tuple[str, int], TicketPresence]:
    """{("booking"|"registration", id): TicketPresence} for the given tickets."""
    if not booking_ids and not registration_ids:
        return {}
    rows = db.session.execute(
        sa.select(Attendance.booking_id, Attendance.registration_id, Presence.venue_id,
                  _INSIDE, _ARRIVED)
        .join(Presence, Presence.attendance_id == Attendance.id)
        .where(sa.or_(Attendance.booking_id.in_(list(booking_ids) or [-1]),
                      Attendance.registration_id.in_(list(registration_ids) or [-1]))))
    found: dict[tuple[str, int], TicketPresence] = {}
    for booking_id, registration_id, venue_id, persons, came in rows:
        key = ("booking", booking_id) if booking_id is not None else ("registration", registration_id)
        item = found.setdefault(key, TicketPresence(venues={}))
        item.arrived += came
        item.inside += persons
        item.venues[venue_id] = persons
    return found


def summary(day: date, venue_ids: set[int] | None = None) -> dict:
    """The gate's table: per venue (the actor's) booked, arrived and on site; the campus row is the
    whole campus for organizers and the sum of the listed venues for a gate account."""
    start, end = local_day_bounds(day)
    venues = sa.select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.id)
    if venue_ids is not None:
        venues = venues.where(Venue.id.in_(venue_ids or {-1}))
    booked = _booked_by_venue(start, end)
    counts = venue_counts(day)
    rows = []
    for venue in db.session.scalars(venues):
        c = counts.get(venue.id, VenueCount())
        tickets, persons = booked.get(venue.id, (0, 0))
        rows.append({
            "venue_id": venue.id, "venue": venue.name, "safe_occupancy": venue.safe_occupancy,
            "booked_groups": tickets, "booked_persons": persons,
            "arrived_groups": c.arrived_tickets, "arrived_persons": c.arrived_persons,
            "on_site": c.on_site, "at_capacity": c.on_site >= venue.safe_occupancy,
        })
    keys = ("booked_groups", "booked_persons", "arrived_groups", "arrived_persons", "on_site")
    campus = {key: sum(r[key] for r in rows) for key in keys}
    if venue_ids is None:
        campus.update(arrived_groups=sum(c.arrived_tickets for c in counts.values()),
                      arrived_persons=sum(c.arrived_persons for c in counts.values()),
                      on_site=sum(c.on_site for c in counts.values()))
    conflicts = db.session.scalar(sa.select(sa.func.count(CheckIn.id)).where(
        CheckIn.conflict.is_(True), CheckIn.scanned_at >= start, CheckIn.scanned_at < end))
    return {"date": day.isoformat(), "venues": rows, "campus": campus, "conflicts": conflicts}


def _booked_by_venue(start: datetime, end: datetime) -> dict[int, tuple[int, int]]:
    """{venue_id: (tickets, persons)} booked for the day's slots: groups and registrations."""
    booked: dict[int, tuple[int, int]] = {}
    for stmt in (
        sa.select(Slot.venue_id, sa.func.count(Booking.id),
                  sa.func.coalesce(sa.func.sum(Booking.students + Booking.teachers), 0))
        .join(Booking, Booking.slot_id == Slot.id)
        .where(Booking.status == BookingStatus.CONFIRMED),
        sa.select(Slot.venue_id, sa.func.count(Registration.id), sa.func.count(Registration.id))
        .join(Registration, Registration.slot_id == Slot.id)
        .where(Registration.status == RegistrationStatus.CONFIRMED),
    ):
        for vid, tickets, persons in db.session.execute(
                stmt.where(Slot.starts_at >= start, Slot.starts_at < end).group_by(Slot.venue_id)):
            t, p = booked.get(vid, (0, 0))
            booked[vid] = (t + tickets, p + int(persons))
    return booked
