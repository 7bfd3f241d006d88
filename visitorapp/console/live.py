"""Live figures for the dashboard: per day, venue and slot — booked, arrived, no-shows, on site.

Every figure about the gate comes from its one function: on site from
``checkin.counts`` (by the venue whose gate admitted them, individual registrants included),
arrived from ``checkin.counts.arrived_by_slot``, no-show from ``booking.noshows.no_show``.
"""
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..booking.models import Booking, BookingStatus
from ..booking.noshows import no_show
from ..checkin import counts
from ..extensions import db
from ..programme.models import CampusDay, Edition, Event, Slot, Venue
from ..timeutil import format_time, local_day_bounds

#: Where slots without a venue are listed.
NO_VENUE = "其他场地"


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
    groups: int = 0
    #: Persons who arrived (签到) for this slot, groups and registrants.
    arrived: int = 0
    #: Persons of this slot's no-show bookings (爽约: slot ended, nobody arrived).
    no_show: int = 0


@dataclass
class VenueFigures:
    venue_id: int | None
    name: str
    safe_occupancy: int = 0
    #: Persons inside now (admitted through this venue's gate).
    on_site: int = 0
    slots: list[SlotFigures] = field(default_factory=list)


@dataclass
class DayFigures:
    day: date
    daily_cap: int
    booked: int = 0
    arrived: int = 0
    on_site: int = 0
    no_show: int = 0
    venues: list[VenueFigures] = field(default_factory=list)

    @property
    def slots(self) -> list[SlotFigures]:
        return [s for v in self.venues for s in v.slots]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["slots"] = [asdict(s) for s in self.slots]
        return data


def day_figures(edition: Edition, day: date, now: datetime) -> DayFigures:
    """Every slot of ``day`` (rehearsals excluded) with its counts, per venue, and the campus."""
    start, end = local_day_bounds(day)
    slots = list(db.session.scalars(
        sa.select(Slot).join(Slot.event)
        .where(Event.edition_id == edition.id, Slot.is_rehearsal.is_(False),
               Slot.starts_at >= start, Slot.starts_at < end)
        .options(selectinload(Slot.venue), selectinload(Slot.event))
        .order_by(Slot.venue_id, Slot.starts_at)))
    slot_ids = [s.id for s in slots]
    groups = dict(db.session.execute(
        sa.select(Booking.slot_id, sa.func.count(Booking.id))
        .where(Booking.slot_id.in_(slot_ids), Booking.status == BookingStatus.CONFIRMED)
        .group_by(Booking.slot_id)).all())
    no_shows = dict(db.session.execute(
        sa.select(Booking.slot_id, sa.func.sum(Booking.students + Booking.teachers))
        .where(Booking.slot_id.in_(slot_ids), no_show(now)).group_by(Booking.slot_id)).all())
    arrived = counts.arrived_by_slot(slot_ids)
    inside = counts.venue_counts(day)
    venues: dict[int | None, VenueFigures] = {}
    for venue_id, venue in _venues(slots, inside):
        venues[venue_id] = VenueFigures(venue_id, venue.name if venue else NO_VENUE,
                                        venue.safe_occupancy if venue else 0,
                                        inside[venue_id].on_site if venue_id in inside else 0)
    for s in slots:
        venues[s.venue_id].slots.append(SlotFigures(
            s.id, venues[s.venue_id].name, s.title, format_time(s.starts_at),
            format_time(s.ends_at), s.capacity, s.booked, s.is_open, groups=groups.get(s.id, 0),
            arrived=arrived.get(s.id, 0), no_show=int(no_shows.get(s.id) or 0)))
    campus = db.session.scalar(sa.select(CampusDay.booked).where(
        CampusDay.edition_id == edition.id, CampusDay.day == day))
    result = DayFigures(day, edition.daily_cap, venues=list(venues.values()))
    result.booked = campus if campus is not None else sum(f.booked for f in result.slots)
    result.arrived = sum(f.arrived for f in result.slots)
    result.on_site = counts.on_site(day)
    result.no_show = sum(f.no_show for f in result.slots)
    return result


def _venues(slots: list[Slot], inside: dict) -> list[tuple[int | None, Venue | None]]:
    """The day's venues: those with slots (in slot order), then any other with people inside."""
    seen: dict[int | None, Venue | None] = {}
    for s in slots:
        seen.setdefault(s.venue_id, s.venue)
    extra = [vid for vid, c in inside.items() if vid not in seen and c.on_site]
    for venue in db.session.scalars(sa.select(Venue).where(Venue.id.in_(extra)).order_by(Venue.id)):
        seen[venue.id] = venue
    return list(seen.items())


def week_overview(edition: Edition) -> list[tuple[date, int]]:
    """(day, persons booked on campus) for every day of the week: the daily-cap chart."""
    booked = dict(db.session.execute(sa.select(CampusDay.day, CampusDay.booked)
                                     .where(CampusDay.edition_id == edition.id)).all())
    return [(d, booked.get(d, 0)) for d in edition.days()]
