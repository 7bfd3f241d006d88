"""应急名册 (emergency roster): which groups are on site now, per venue, with the leader's full
mobile — in an evacuation someone has to ring every leader, so the number is shown unmasked.

"On site" = accepted entries − exits of today (Shanghai day): a group that left without an exit
scan yesterday is not still on site today.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from ..booking.models import STAGE_LABELS, Booking
from ..extensions import db
from ..programme.models import Event, Slot, Venue
from ..timeutil import local, local_day_bounds, local_today
from . import attendance
from .spreadsheet import Column


@dataclass
class RosterLine:
    venue: str
    school_name: str
    stage: str
    leader_name: str
    leader_mobile: str
    on_site: int
    students: int
    teachers: int
    checked_in_at: datetime
    event: str
    slot_time: str
    reference: str


@dataclass
class VenueRoster:
    name: str
    lines: list[RosterLine] = field(default_factory=list)

    @property
    def on_site(self) -> int:
        return sum(line.on_site for line in self.lines)


def roster(day: date | None = None, venue_id: int | None = None) -> list[VenueRoster]:
    """Groups with people on site today, grouped by venue (by name), earliest arrival first."""
    start, end = local_day_bounds(day or local_today())
    arr = attendance.arrivals(since=start, until=end)
    students = arr.c.in_students - arr.c.out_students
    teachers = arr.c.in_teachers - arr.c.out_teachers
    stmt = (sa.select(Booking, Venue.name, Event.name, Slot.starts_at, Slot.ends_at,
                      students, teachers, arr.c.first_in_at)
            .join(arr, arr.c.booking_id == Booking.id)
            .join(Slot, Booking.slot_id == Slot.id).join(Event, Slot.event_id == Event.id)
            .outerjoin(Venue, Slot.venue_id == Venue.id)
            .where(students + teachers > 0)
            .order_by(Venue.name, arr.c.first_in_at))
    if venue_id:
        stmt = stmt.where(Slot.venue_id == venue_id)
    venues: dict[str, VenueRoster] = {}
    for booking, venue, event, starts_at, ends_at, s, t, first_in in db.session.execute(stmt):
        name = venue or "（未指定场馆）"
        venues.setdefault(name, VenueRoster(name)).lines.append(RosterLine(
            venue=name, school_name=booking.school_name,
            stage=STAGE_LABELS.get(booking.school_stage, ""), leader_name=booking.leader_name,
            leader_mobile=booking.leader_mobile, on_site=int(s + t), students=int(s),
            teachers=int(t), checked_in_at=first_in, event=event,
            slot_time=f"{local(starts_at):%H:%M}–{local(ends_at):%H:%M}",
            reference=booking.reference))
    return list(venues.values())


COLUMNS = [
    Column("场馆", width=20), Column("学校", width=26), Column("学段", width=8),
    Column("领队", width=10), Column("手机", width=14), Column("在场人数", "number", 9),
    Column("学生", "number", 7), Column("教师", "number", 7), Column("签到时间", "datetime", 17),
    Column("活动", width=24), Column("场次", width=12), Column("预约号", width=16),
]


def rows(venues: list[VenueRoster]):
    for venue in venues:
        for x in venue.lines:
            yield (x.venue, x.school_name, x.stage, x.leader_name, x.leader_mobile, x.on_site,
                   x.students, x.teachers, local(x.checked_in_at).replace(tzinfo=None), x.event,
                   x.slot_time, x.reference)
