"""应急名册 (emergency roster): who is on site now, per venue, with the leader's (or registrant's)
full mobile — in an evacuation someone has to ring every one of them, so it is shown unmasked.

Who is inside comes from ``checkin.counts.inside``: the one on-site fact, at the venue whose gate
admitted them, for the given day (a group that left without an exit scan yesterday is not on
site today), individual registrants included, partly-exited groups with the rest inside.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from ..booking.models import STAGE_LABELS
from ..checkin import counts
from ..timeutil import local
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


def roster(day: date, venue_id: int | None = None) -> list[VenueRoster]:
    """Groups and registrants with people on site on ``day``, by venue, earliest arrival first."""
    venues: dict[str, VenueRoster] = {}
    for line in counts.inside(day, venue_id):
        booking, registration = line.holder.booking, line.holder.registration
        slot = line.holder.slot
        if booking is not None:
            school, stage = booking.school_name, STAGE_LABELS.get(booking.school_stage, "")
            leader, mobile = booking.leader_name, booking.leader_mobile
        else:
            school, stage = line.holder.label, "个人"
            leader, mobile = registration.name, registration.mobile
        venues.setdefault(line.venue_name, VenueRoster(line.venue_name)).lines.append(RosterLine(
            venue=line.venue_name, school_name=school, stage=stage, leader_name=leader,
            leader_mobile=mobile, on_site=line.persons, students=line.students,
            teachers=line.teachers, checked_in_at=line.first_in_at, event=slot.title,
            slot_time=f"{local(slot.starts_at):%H:%M}–{local(slot.ends_at):%H:%M}",
            reference=line.holder.reference))
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
