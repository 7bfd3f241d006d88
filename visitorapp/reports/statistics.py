"""活动情况报表 (附件1): one row per activity, filled from bookings, registrations and check-ins,
plus what the 填报单位 entered (ActivityReportEntry).

Each participant is counted once, in the sheet of the unit that hosted them: every slot has one
接待单位 (``programme.models.host_id``). A unit that leads or coordinates an activity without
hosting any of its slots (教务处统筹, a 牵头部门) sees the row marked 统筹 with the activity's
totals for reference; only what it entered itself counts towards its 合计. So the unit sheets
add up to the college report (全院汇总), and the college report to the check-ins; a slot that
no unit hosts is listed (``Report.unhosted``) and the sums say they do not match.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..booking.models import STAGE_LABELS, Booking, BookingStatus
from ..booking.noshows import no_show
from ..checkin import counts
from ..extensions import db
from ..programme.models import Department, Edition, Event, Slot, Venue, event_department, host_id
from ..registration.models import Registration, RegistrationStatus
from ..timeutil import local
from .models import MEDIA_LEVELS, ActivityReportEntry

STAGES = tuple(STAGE_LABELS)
#: Figures every row has (the check-ins and bookings decide them).
COUNTS = ("slots", "schools", "students", "teachers", "booked", "arrived", "no_show")
#: Figures only a department can give: None until one does (blank, not 0, in 附件1).
ENTERED = ("internal_teachers", "internal_students", "online_views")


def plus(a: int | None, b: int | None) -> int | None:
    """Sum of two report figures where None means "nobody said" (None + None stays None)."""
    if a is None:
        return b
    return a if b is None else a + b


@dataclass
class ActivityRow:
    seq: int
    category: str
    name: str
    departments: str = ""
    dates: str = ""
    slots: int = 0
    #: Schools received (所): distinct per host unit, so the unit sheets add up to the college.
    schools: int = 0
    by_stage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    students: int = 0
    teachers: int = 0
    internal_teachers: int | None = None
    internal_students: int | None = None
    #: Persons booked (confirmed groups) and registered (confirmed individuals).
    booked: int = 0
    arrived: int = 0
    no_show: int = 0
    media: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(MEDIA_LEVELS))
    online_views: int | None = None
    links: str = ""
    highlights: str = ""
    typical_case: str = ""
    event_id: int | None = None
    #: The activity has slots: its automatic figures mean something (else they stay blank).
    scanned: bool = False
    #: 统筹: the unit coordinates without hosting; the figures are the activity's, for reference.
    coordinating: bool = False

    @property
    def is_empty(self) -> bool:
        """Nothing to report yet: nobody came through the gates and nothing was entered."""
        return (self.arrived == 0 and self.booked == 0
                and all(getattr(self, n) is None for n in ENTERED)
                and all(v is None for v in self.media.values())
                and not (self.links or self.highlights or self.typical_case))

    def add(self, other: "ActivityRow") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ENTERED:
            setattr(self, name, plus(getattr(self, name), getattr(other, name)))
        for k in STAGES:
            self.by_stage[k] += other.by_stage[k]
        for k in MEDIA_LEVELS:
            self.media[k] = plus(self.media[k], other.media[k])
        self.scanned = self.scanned or other.scanned


@dataclass
class Unhosted:
    """A slot no unit hosts: its visitors are in the college report and in no unit's sheet."""

    event_seq: int
    event_name: str
    starts_at: object
    venue: str


@dataclass
class Report:
    edition: Edition
    #: None for the whole college (全院汇总)
    department: Department | None
    rows: list[ActivityRow]
    total: ActivityRow
    #: College report only: slots whose visitors no unit sheet counts.
    unhosted: list[Unhosted] = field(default_factory=list)

    @property
    def mostly_empty(self) -> bool:
        """More than half of the unit's own rows (统筹 rows aside) have nothing in them."""
        own = [r for r in self.rows if not r.coordinating]
        return bool(own) and sum(r.is_empty for r in own) * 2 > len(own)

    @property
    def unit_name(self) -> str:
        return self.department.name if self.department else "湖南化工职业技术学院（全院汇总）"


@dataclass
class _Slot:
    id: int
    host_id: int | None
    day: date
    starts_at: object
    venue: str


@dataclass
class _Booking:
    school: str
    stage: str
    status: str
    students: int
    teachers: int
    in_students: int
    in_teachers: int
    no_show: bool


@dataclass
class _Registration:
    confirmed: bool
    internal: bool
    in_students: int
    in_teachers: int


class _EditionData:
    """Everything the report reads about one edition, loaded in a few queries."""

    def __init__(self, edition: Edition, now):
        self.edition = edition
        # A gate rehearsal (演练) is an event with rehearsal slots only: it is not an activity.
        rehearsal_only = sa.and_(
            sa.exists().where(Slot.event_id == Event.id),
            ~sa.exists().where(Slot.event_id == Event.id, Slot.is_rehearsal.is_(False)))
        self.events = list(db.session.scalars(
            sa.select(Event).where(Event.edition_id == edition.id, ~rehearsal_only)
            .order_by(Event.seq, Event.id)))
        self.links: dict[int, list[tuple[int, str]]] = defaultdict(list)  # event → (dept, role)
        self.department_names = dict(db.session.execute(sa.select(Department.id, Department.name)).all())
        for event_id, dept_id, role in db.session.execute(
                sa.select(event_department.c.event_id, event_department.c.department_id,
                          event_department.c.role)
                .where(event_department.c.event_id.in_([e.id for e in self.events]))
                .order_by(event_department.c.role, event_department.c.position,
                          event_department.c.department_id)):
            self.links[event_id].append((dept_id, role))
        self.slots: dict[int, list[_Slot]] = defaultdict(list)
        for slot_id, event_id, slot_host, venue_host, venue, starts_at in db.session.execute(
                sa.select(Slot.id, Slot.event_id, Slot.host_department_id,
                          Venue.host_department_id, Venue.name, Slot.starts_at)
                .outerjoin(Venue, Slot.venue_id == Venue.id).join(Event, Slot.event_id == Event.id)
                .where(Event.edition_id == edition.id, Slot.is_rehearsal.is_(False))
                .order_by(Slot.starts_at, Slot.id)):
            responsible = [d for d, r in self.links[event_id] if r == "responsible"]
            self.slots[event_id].append(_Slot(slot_id, host_id(slot_host, responsible, venue_host),
                                              local(starts_at).date(), starts_at, venue or ""))
        arr = counts.arrivals()
        self.bookings: dict[int, list[_Booking]] = defaultdict(list)
        for r in db.session.execute(
                sa.select(Booking.slot_id, Booking.school_name, Booking.school_stage, Booking.status,
                          Booking.students, Booking.teachers, arr.c.students, arr.c.teachers,
                          no_show(now))
                .join(Slot, Booking.slot_id == Slot.id).join(Event, Slot.event_id == Event.id)
                .outerjoin(arr, arr.c.booking_id == Booking.id)
                .where(Event.edition_id == edition.id, Slot.is_rehearsal.is_(False))):
            self.bookings[r[0]].append(_Booking(r[1], str(r[2]), str(r[3]), r[4], r[5],
                                                int(r[6] or 0), int(r[7] or 0), bool(r[8])))
        self.registrations: dict[int, list[_Registration]] = defaultdict(list)
        for reg, in_s, in_t in db.session.execute(
                sa.select(Registration, arr.c.students, arr.c.teachers)
                .join(Slot, Registration.slot_id == Slot.id).join(Event, Slot.event_id == Event.id)
                .outerjoin(arr, arr.c.registration_id == Registration.id)
                .where(Event.edition_id == edition.id, Slot.is_rehearsal.is_(False))):
            self.registrations[reg.slot_id].append(_Registration(
                reg.status == RegistrationStatus.CONFIRMED, reg.is_internal,
                int(in_s or 0), int(in_t or 0)))
        self.entries: dict[tuple[int, int], ActivityReportEntry] = {
            (e.event_id, e.department_id): e for e in db.session.scalars(
                sa.select(ActivityReportEntry).join(Event)
                .where(Event.edition_id == edition.id))}

    def department_ids(self) -> set[int]:
        """Units with a sheet: they lead, run or host an activity, or entered figures for one."""
        linked = {d for links in self.links.values() for d, _ in links}
        hosts = {s.host_id for slots in self.slots.values() for s in slots if s.host_id}
        return linked | hosts | {d for _, d in self.entries}

    def concerns(self, event: Event, department_id: int) -> bool:
        return (any(d == department_id for d, _ in self.links[event.id])
                or any(s.host_id == department_id for s in self.slots[event.id])
                or (event.id, department_id) in self.entries)

    def describe_departments(self, event_id: int) -> str:
        """牵头 and 责任 as the plan lists them; an empty cell of the plan shows as "—"."""
        lead = [self.department_names[d] for d, r in self.links[event_id] if r == "lead"]
        resp = [self.department_names[d] for d, r in self.links[event_id] if r != "lead"]
        return f"牵头：{'、'.join(lead) or '—'}；责任：{'、'.join(resp) or '—'}"


def _fill_from_scans(row: ActivityRow, data: _EditionData, slots: list[_Slot]) -> None:
    """The automatic figures: 场次, schools, participants by stage, booked/arrived/no-show."""
    row.slots = len(slots)
    row.scanned = row.scanned or bool(data.slots[row.event_id])
    days = sorted({s.day for s in slots})
    if days:
        first, last = days[0], days[-1]
        row.dates = (f"{first.month}月{first.day}日" if first == last
                     else f"{first.month}月{first.day}日—{last.month}月{last.day}日")
    schools = set()
    registered = False
    for slot in slots:
        for b in data.bookings[slot.id]:
            arrived = b.in_students + b.in_teachers
            if b.status == BookingStatus.CONFIRMED:
                row.booked += b.students + b.teachers
                if b.no_show:
                    row.no_show += b.students + b.teachers
            if arrived:
                schools.add((slot.host_id, b.school))
                row.students += b.in_students
                row.teachers += b.in_teachers
                row.arrived += arrived
                row.by_stage[b.stage] += arrived
        for r in data.registrations[slot.id]:
            registered = True
            row.booked += r.confirmed
            row.arrived += r.in_students + r.in_teachers
            if r.internal:  # our own students: 校内参与
                row.internal_students = plus(row.internal_students, r.in_students + r.in_teachers)
            else:
                row.students += r.in_students
                row.teachers += r.in_teachers
    if registered and row.internal_students is None:
        row.internal_students = 0
    row.schools = len(schools)


def _fill_entered(row: ActivityRow, entries: list[tuple[str, ActivityReportEntry]]) -> None:
    def joined(attr):
        texts = [(name, getattr(e, attr).strip()) for name, e in entries if getattr(e, attr).strip()]
        if len(texts) == 1:
            return texts[0][1]
        return "\n".join(f"【{name}】{text}" for name, text in texts)

    for _, entry in entries:
        row.internal_teachers = plus(row.internal_teachers, entry.internal_teachers)
        row.internal_students = plus(row.internal_students, entry.internal_students)
        for level in MEDIA_LEVELS:
            row.media[level] = plus(row.media[level], entry.media(level))
        row.online_views = plus(row.online_views, entry.online_views)
    row.links, row.highlights, row.typical_case = (
        joined("links"), joined("highlights"), joined("typical_case"))


def _row(event: Event, data: _EditionData) -> ActivityRow:
    """An empty row of ``event``; 序号 is the event's number in the plan's task table (附件2)."""
    return ActivityRow(seq=event.seq, category=event.category.label, name=event.name,
                       departments=data.describe_departments(event.id), event_id=event.id,
                       scanned=bool(data.slots[event.id]),
                       dates=(f"{event.theme_day.day.month}月{event.theme_day.day.day}日"
                              if event.theme_day and event.theme_day.day else ""))


def _total(rows: list[ActivityRow]) -> ActivityRow:
    total = ActivityRow(seq=0, category="", name="合计")
    for row in rows:
        total.add(row)
    return total


def _college_row(event: Event, data: _EditionData) -> ActivityRow:
    row = _row(event, data)
    _fill_from_scans(row, data, data.slots[event.id])
    _fill_entered(row, [(data.department_names[d], e) for (ev, d), e in sorted(data.entries.items())
                        if ev == event.id])
    return row


def department_report(edition: Edition, department: Department, now,
                      data: _EditionData | None = None) -> Report:
    """One 填报单位's sheet: the slots it hosted and what it entered; 统筹 rows for reference."""
    data = data or _EditionData(edition, now)
    rows, counted = [], []
    for event in data.events:
        if not data.concerns(event, department.id):
            continue
        entry = data.entries.get((event.id, department.id))
        own = [(department.name, entry)] if entry else []
        slots = data.slots[event.id]
        hosted = [s for s in slots if s.host_id == department.id]
        if slots and not hosted:
            row = _college_row(event, data)
            row.coordinating = True
            part = _row(event, data)  # only what this unit entered counts towards its 合计
            _fill_entered(part, own)
            counted.append(part)
        else:
            row = _row(event, data)
            _fill_from_scans(row, data, hosted)
            _fill_entered(row, own)
            counted.append(row)
        rows.append(row)
    return Report(edition, department, rows, _total(counted))


def college_report(edition: Edition, now, data: _EditionData | None = None) -> Report:
    """全院汇总: one row per activity over all its slots and every department's entries."""
    data = data or _EditionData(edition, now)
    rows = [_college_row(event, data) for event in data.events]
    unhosted = [Unhosted(e.seq, e.name, s.starts_at, s.venue)
                for e in data.events for s in data.slots[e.id] if s.host_id is None]
    return Report(edition, None, rows, _total(rows), unhosted)


def all_reports(edition: Edition, now) -> tuple[Report, list[Report]]:
    """The college report and each department's, from one load of the edition's data."""
    data = _EditionData(edition, now)
    departments = db.session.scalars(
        sa.select(Department).where(Department.id.in_(data.department_ids())).order_by(Department.id))
    return college_report(edition, now, data), [department_report(edition, d, now, data)
                                                for d in departments]


def reporting_departments(edition: Edition) -> list[Department]:
    """Departments that lead, run or host at least one activity of the edition: they owe a report."""
    linked = sa.select(event_department.c.department_id).join(
        Event, Event.id == event_department.c.event_id).where(Event.edition_id == edition.id)
    hosts = sa.select(Slot.host_department_id).join(Event, Slot.event_id == Event.id).where(
        Event.edition_id == edition.id, Slot.is_rehearsal.is_(False))
    return list(db.session.scalars(
        sa.select(Department).where(sa.or_(Department.id.in_(linked), Department.id.in_(hosts)))
        .order_by(Department.id)))
