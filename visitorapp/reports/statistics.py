"""活动情况报表 (附件1): one row per activity, filled from bookings and check-ins, plus what the
填报单位 entered (ActivityReportEntry).

Which slots count for a department's row: an activity run jointly (e.g. "开放全国化学会科普基地"
by two colleges) is split by who hosts the venue — a department that hosts some of the activity's
venues reports those slots; one that hosts none reports the whole activity. The college report
has one row per activity over all its slots, so its totals are exactly the check-ins' sums.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..booking.models import STAGE_LABELS, Booking, BookingStatus
from ..booking.noshows import no_show
from ..checkin import counts
from ..extensions import db
from ..programme.models import Department, Edition, Event, Slot, Venue, event_department
from ..timeutil import local, utcnow
from .models import MEDIA_LEVELS, ActivityReportEntry

STAGES = tuple(STAGE_LABELS)
COUNTS = ("slots", "schools", "students", "teachers", "internal_teachers", "internal_students",
          "booked", "arrived", "no_show", "online_views")


@dataclass
class ActivityRow:
    seq: int
    category: str
    name: str
    departments: str = ""
    dates: str = ""
    slots: int = 0
    schools: int = 0
    by_stage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    students: int = 0
    teachers: int = 0
    internal_teachers: int = 0
    internal_students: int = 0
    booked: int = 0
    arrived: int = 0
    no_show: int = 0
    media: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEDIA_LEVELS, 0))
    online_views: int = 0
    links: str = ""
    highlights: str = ""
    typical_case: str = ""
    event_id: int | None = None

    def add(self, other: "ActivityRow") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k in STAGES:
            self.by_stage[k] += other.by_stage[k]
        for k in MEDIA_LEVELS:
            self.media[k] += other.media[k]


@dataclass
class Report:
    edition: Edition
    #: None for the whole college (全院汇总)
    department: Department | None
    rows: list[ActivityRow]
    total: ActivityRow

    @property
    def unit_name(self) -> str:
        return self.department.name if self.department else "湖南化工职业技术学院（全院汇总）"


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


class _EditionData:
    """Everything the report reads about one edition, loaded in a few queries."""

    def __init__(self, edition: Edition):
        self.edition = edition
        # A gate rehearsal (演练) is an event with rehearsal slots only: it is not an activity.
        rehearsal_only = sa.and_(
            sa.exists().where(Slot.event_id == Event.id),
            ~sa.exists().where(Slot.event_id == Event.id, Slot.is_rehearsal.is_(False)))
        self.events = list(db.session.scalars(
            sa.select(Event).where(Event.edition_id == edition.id, ~rehearsal_only)
            .order_by(Event.seq, Event.id)))
        self.slots: dict[int, list[tuple[int, int | None, date]]] = defaultdict(list)
        for slot_id, event_id, host_id, starts_at in db.session.execute(
                sa.select(Slot.id, Slot.event_id, Venue.host_department_id, Slot.starts_at)
                .outerjoin(Venue, Slot.venue_id == Venue.id).join(Event, Slot.event_id == Event.id)
                .where(Event.edition_id == edition.id, Slot.is_rehearsal.is_(False))):
            self.slots[event_id].append((slot_id, host_id, local(starts_at).date()))
        arr = counts.arrivals()
        self.bookings: dict[int, list[_Booking]] = defaultdict(list)
        for r in db.session.execute(
                sa.select(Booking.slot_id, Booking.school_name, Booking.school_stage, Booking.status,
                          Booking.students, Booking.teachers, arr.c.students, arr.c.teachers,
                          no_show(utcnow()))
                .join(Slot, Booking.slot_id == Slot.id).join(Event, Slot.event_id == Event.id)
                .outerjoin(arr, arr.c.booking_id == Booking.id)
                .where(Event.edition_id == edition.id, Slot.is_rehearsal.is_(False))):
            self.bookings[r[0]].append(_Booking(r[1], str(r[2]), str(r[3]), r[4], r[5],
                                                int(r[6] or 0), int(r[7] or 0), bool(r[8])))
        self.links: dict[int, list[tuple[int, str]]] = defaultdict(list)  # event → (dept, role)
        names = dict(db.session.execute(sa.select(Department.id, Department.name)).all())
        self.department_names = names
        for event_id, dept_id, role in db.session.execute(
                sa.select(event_department.c.event_id, event_department.c.department_id,
                          event_department.c.role)
                .where(event_department.c.event_id.in_([e.id for e in self.events]))
                .order_by(event_department.c.role, event_department.c.department_id)):
            self.links[event_id].append((dept_id, role))
        self.entries: dict[tuple[int, int], ActivityReportEntry] = {
            (e.event_id, e.department_id): e for e in db.session.scalars(
                sa.select(ActivityReportEntry).join(Event)
                .where(Event.edition_id == edition.id))}

    def department_ids(self) -> set[int]:
        return {d for links in self.links.values() for d, _ in links}

    def events_of(self, department_id: int) -> list[Event]:
        return [e for e in self.events if any(d == department_id for d, _ in self.links[e.id])]

    def describe_departments(self, event_id: int) -> str:
        lead = [self.department_names[d] for d, r in self.links[event_id] if r == "lead"]
        resp = [self.department_names[d] for d, r in self.links[event_id] if r != "lead"]
        return "；".join(p for p in ("牵头：" + "、".join(lead) if lead else "",
                                    "责任：" + "、".join(resp) if resp else "") if p)


def _fill_from_scans(row: ActivityRow, data: _EditionData, slots) -> None:
    """The automatic figures: 场次, schools, participants by stage, booked/arrived/no-show."""
    row.slots = len(slots)
    days = sorted({day for _, _, day in slots})
    if days:
        first, last = days[0], days[-1]
        row.dates = (f"{first.month}月{first.day}日" if first == last
                     else f"{first.month}月{first.day}日—{last.month}月{last.day}日")
    schools = set()
    for slot_id, _, _ in slots:
        for b in data.bookings[slot_id]:
            arrived = b.in_students + b.in_teachers
            confirmed = b.status == BookingStatus.CONFIRMED
            if confirmed:
                row.booked += b.students + b.teachers
                if b.no_show:
                    row.no_show += b.students + b.teachers
            if arrived:
                schools.add(b.school)
                row.students += b.in_students
                row.teachers += b.in_teachers
                row.arrived += arrived
                row.by_stage[b.stage] += arrived
    row.schools = len(schools)


def internal_participants(entry: ActivityReportEntry | None) -> tuple[int, int]:
    """校内参与 (teachers, students). Today the department enters them; when individual
    registrations arrive (issue 7), add the confirmed registrations of the event here."""
    if entry is None:
        return 0, 0
    return entry.internal_teachers, entry.internal_students


def _fill_entered(row: ActivityRow, entries: list[tuple[str, ActivityReportEntry]]) -> None:
    def joined(attr):
        texts = [(name, getattr(e, attr).strip()) for name, e in entries if getattr(e, attr).strip()]
        if len(texts) == 1:
            return texts[0][1]
        return "\n".join(f"【{name}】{text}" for name, text in texts)

    for _, entry in entries:
        teachers, students = internal_participants(entry)
        row.internal_teachers += teachers
        row.internal_students += students
        for level in MEDIA_LEVELS:
            row.media[level] += entry.media(level)
        row.online_views += entry.online_views
    row.links, row.highlights, row.typical_case = (
        joined("links"), joined("highlights"), joined("typical_case"))


def _row(event: Event, data: _EditionData) -> ActivityRow:
    return ActivityRow(seq=0, category=event.category.label, name=event.name,
                       departments=data.describe_departments(event.id), event_id=event.id,
                       dates=(f"{event.theme_day.day.month}月{event.theme_day.day.day}日"
                              if event.theme_day and event.theme_day.day else ""))


def _total(rows: list[ActivityRow]) -> ActivityRow:
    total = ActivityRow(seq=0, category="", name="合计")
    for row in rows:
        total.add(row)
    return total


def department_report(edition: Edition, department: Department,
                      data: _EditionData | None = None) -> Report:
    """One 填报单位's rows: every activity it leads or runs."""
    data = data or _EditionData(edition)
    rows = []
    for event in data.events_of(department.id):
        row = _row(event, data)
        slots = data.slots[event.id]
        hosted = [s for s in slots if s[1] == department.id]
        _fill_from_scans(row, data, hosted or slots)
        entry = data.entries.get((event.id, department.id))
        _fill_entered(row, [(department.name, entry)] if entry else [])
        rows.append(row)
    for i, row in enumerate(rows, 1):
        row.seq = i
    return Report(edition, department, rows, _total(rows))


def college_report(edition: Edition, data: _EditionData | None = None) -> Report:
    """全院汇总: one row per activity over all its slots and every department's entries."""
    data = data or _EditionData(edition)
    rows = []
    for event in data.events:
        row = _row(event, data)
        _fill_from_scans(row, data, data.slots[event.id])
        entries = [(data.department_names[d], e) for (ev, d), e in sorted(data.entries.items())
                   if ev == event.id]
        _fill_entered(row, entries)
        rows.append(row)
    for i, row in enumerate(rows, 1):
        row.seq = i
    return Report(edition, None, rows, _total(rows))


def all_reports(edition: Edition) -> tuple[Report, list[Report]]:
    """The college report and each department's, from one load of the edition's data."""
    data = _EditionData(edition)
    departments = db.session.scalars(
        sa.select(Department).where(Department.id.in_(data.department_ids())).order_by(Department.id))
    return college_report(edition, data), [department_report(edition, d, data) for d in departments]


def reporting_departments(edition: Edition) -> list[Department]:
    """Departments that lead or run at least one activity of the edition: they owe a report."""
    ids = sa.select(event_department.c.department_id).join(
        Event, Event.id == event_department.c.event_id).where(Event.edition_id == edition.id)
    return list(db.session.scalars(
        sa.select(Department).where(Department.id.in_(ids)).order_by(Department.id)))
