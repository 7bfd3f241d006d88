"""Live figures for the dashboard: per day, venue and slot — booked, arrived, no-shows, on site.

The seam to check-in is ``checkin_counts`` below, and only it: it reads
``visitorapp.checkin.models.CheckIn`` (booking_id, direction "in"/"out", students, teachers,
result "ok") when that module exists and reports zero arrivals otherwise. If check-in's model
changes, this one function changes with it.
"""
import importlib
from dataclasses import asdict, dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..booking.models import Booking, BookingStatus
from ..extensions import db
from ..programme.models import CampusDay, Edition, Event, Slot
from ..timeutil import format_time, local_day_bounds, utcnow


def _checkin_model():
    try:
        return importlib.import_module("visitorapp.checkin.models").CheckIn
    except (ModuleNotFoundError, AttributeError):
        return None


def checkin_counts(booking_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{booking_id: (persons arrived, persons on site now)} from admitted scans.

    Arrived = persons of admitted entries; on site = entries minus admitted exits.
    Empty when check-in is not installed (every booking then shows 0 arrived).
    """
    CheckIn = _checkin_model()
    if CheckIn is None or not booking_ids:
        return {}
    persons = CheckIn.students + CheckIn.teachers
    rows = db.session.execute(
        sa.select(CheckIn.booking_id,
                  sa.func.sum(sa.case((CheckIn.direction == "in", persons), else_=0)),
                  sa.func.sum(sa.case((CheckIn.direction == "out", persons), else_=0)))
        .where(CheckIn.booking_id.in_(booking_ids), CheckIn.result == "ok")
        .group_by(CheckIn.booking_id)).all()
    return {bid: (int(arrived or 0), max(0, int(arrived or 0) - int(left or 0)))
            for bid, arrived, left in rows}


@dataclass
class SlotFigures:
    slot_id: int
    venue: str
    event: str
    starts: str
    ends: str
    capacity: int
    booked: int
    is_open: bool
    ended: bool
    groups: int = 0
    arrived: int = 0
    on_site: int = 0
    #: Persons of confirmed bookings that never arrived: marked 爽约 by staff, or — once the slot
    #: ended and check-in is recording — with no admitted entry.
    no_show: int = 0


@dataclass
class DayFigures:
    day: date
    daily_cap: int
    booked: int = 0
    arrived: int = 0
    on_site: int = 0
    no_show: int = 0
    slots: list[SlotFigures] = field(default_factory=list)

    def venues(self) -> dict[str, list[SlotFigures]]:
        grouped: dict[str, list[SlotFigures]] = {}
        for s in self.slots:
            grouped.setdefault(s.venue, []).append(s)
        return grouped

    def to_dict(self) -> dict:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        return data


def day_figures(edition: Edition, day: date) -> DayFigures:
    """Every slot of ``day`` (rehearsals excluded) with its counts, and the campus total."""
    start, end = local_day_bounds(day)
    slots = list(db.session.scalars(
        sa.select(Slot).join(Slot.event)
        .where(Event.edition_id == edition.id, Slot.is_rehearsal.is_(False),
               Slot.starts_at >= start, Slot.starts_at < end)
        .options(selectinload(Slot.venue), selectinload(Slot.event))
        .order_by(Slot.venue_id, Slot.starts_at)))
    bookings = list(db.session.scalars(sa.select(Booking).where(
        Booking.slot_id.in_([s.id for s in slots]), Booking.status == BookingStatus.CONFIRMED)))
    checkins_on = _checkin_model() is not None
    counts = checkin_counts([b.id for b in bookings])
    now = utcnow()
    figures = {s.id: SlotFigures(s.id, s.venue.name if s.venue else "其他场地", s.event.name,
                                 format_time(s.starts_at), format_time(s.ends_at), s.capacity,
                                 s.booked, s.is_open, s.ends_at <= now) for s in slots}
    for b in bookings:
        f = figures[b.slot_id]
        arrived, on_site = counts.get(b.id, (0, 0))
        f.groups += 1
        f.arrived += arrived
        f.on_site += on_site
        if b.no_show or (checkins_on and f.ended and arrived == 0):
            f.no_show += b.headcount
    campus = db.session.scalar(sa.select(CampusDay.booked).where(
        CampusDay.edition_id == edition.id, CampusDay.day == day))
    result = DayFigures(day, edition.daily_cap, slots=list(figures.values()))
    result.booked = campus if campus is not None else sum(f.booked for f in result.slots)
    result.arrived = sum(f.arrived for f in result.slots)
    result.on_site = sum(f.on_site for f in result.slots)
    result.no_show = sum(f.no_show for f in result.slots)
    return result


def week_overview(edition: Edition) -> list[tuple[date, int]]:
    """(day, persons booked on campus) for every day of the week: the daily-cap chart."""
    booked = dict(db.session.execute(sa.select(CampusDay.day, CampusDay.booked)
                                     .where(CampusDay.edition_id == edition.id)).all())
    return [(d, booked.get(d, 0)) for d in edition.days()]
