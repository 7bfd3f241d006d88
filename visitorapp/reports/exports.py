"""Bookings and attendance as rows for the spreadsheet writers, for any filter.

Queries select plain columns (no ORM objects) and are read with ``yield_per`` so a large export
keeps a bounded number of rows in memory (PostgreSQL uses a server-side cursor).
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..booking.models import STAGE_LABELS, Booking, BookingStatus
from ..booking.noshows import no_show
from ..checkin import counts
from ..extensions import db
from ..programme.models import Event, Slot, Venue, slot_title_sql
from ..registration.models import Registration, RegistrationStatus
from ..timeutil import local
from ..validators import mask_mobile
from .spreadsheet import Column

#: Statuses one can filter on: the booking's own, plus what the gate saw. No status: every
#: booking except the cancelled ones (an office sums the sheet; cancelled places are not places).
STATUS_LABELS = {"confirmed": "已确认", "cancelled": "已取消", "with_cancelled": "全部（含已取消）",
                 "arrived": "已到场", "no_show": "爽约", "expected": "未到（场次未结束）"}
BATCH = 1000


@dataclass
class ExportFilter:
    """Which bookings an export covers; None means "any"."""

    edition_id: int
    day: date | None = None
    venue_id: int | None = None
    event_id: int | None = None
    status: str | None = None
    stage: str | None = None


def _base(f: ExportFilter, now: datetime, columns) -> sa.Select:
    """Bookings with their arrivals (实到) and no-show (爽约) as the check-in facts say at ``now``;
    ``columns(arrivals, is_no_show)`` names what the sheet needs (no more: every timestamp
    selected is converted 100 000 times)."""
    arr = counts.arrivals()
    is_no_show = no_show(now)
    picked = columns(arr, is_no_show.label("no_show"))
    stmt = (sa.select(*picked)
        .select_from(Booking).join(Slot, Booking.slot_id == Slot.id)
        .join(Event, Slot.event_id == Event.id).outerjoin(Venue, Slot.venue_id == Venue.id))
    if any(getattr(c, "table", None) is arr for c in picked):  # the aggregate only when shown
        stmt = stmt.outerjoin(arr, arr.c.booking_id == Booking.id)
    stmt = _filtered(stmt.order_by(Slot.starts_at, Venue.name, Booking.id), f)
    if f.stage:
        stmt = stmt.where(Booking.school_stage == f.stage)
    if f.status is None:
        stmt = stmt.where(Booking.status != BookingStatus.CANCELLED)
    elif f.status == "confirmed" or f.status == "cancelled":
        stmt = stmt.where(Booking.status == f.status)
    elif f.status == "arrived":
        stmt = stmt.where(counts.arrived(Booking.id))
    elif f.status == "no_show":
        stmt = stmt.where(is_no_show)
    elif f.status == "expected":
        stmt = stmt.where(Booking.status == BookingStatus.CONFIRMED, ~counts.arrived(Booking.id),
                          ~is_no_show)
    return stmt


def _filtered(stmt: sa.Select, f: ExportFilter) -> sa.Select:
    """The filter's edition, day, venue and event, over a query joining Slot and Event
    (rehearsals never count): one definition for the bookings and the registrations exports, so
    both cover the same slots."""
    stmt = stmt.where(Event.edition_id == f.edition_id, Slot.is_rehearsal.is_(False))
    if f.day is not None:
        stmt = stmt.where(Slot.starts_on(f.day))
    if f.venue_id:
        stmt = stmt.where(Slot.venue_id == f.venue_id)
    if f.event_id:
        stmt = stmt.where(Slot.event_id == f.event_id)
    return stmt


def _stream(stmt: sa.Select, *, orm: bool = False) -> Iterator[sa.Row]:
    """Rows in batches. Plain columns go through Core: the ORM's result machinery cost a fifth
    of a 100 000-row export (bench/export.py); ``orm`` when the select names an entity."""
    stmt = stmt.execution_options(yield_per=BATCH)
    result = db.session.execute(stmt) if orm else db.session.connection().execute(stmt)
    try:
        yield from result
    finally:
        result.close()


def attendance_status(status: str, arrived: int, is_no_show: bool) -> str:
    if arrived > 0:
        return "已到场"
    if status == BookingStatus.CANCELLED:
        return "已取消"
    return "爽约" if is_no_show else "未到（场次未结束）"


def _naive(dt: datetime | None) -> datetime | None:
    """Shanghai wall clock without tzinfo: what a spreadsheet date cell holds."""
    return local(dt).replace(tzinfo=None) if dt is not None else None


def _slot_time(starts_at: datetime, ends_at: datetime) -> str:
    return f"{local(starts_at):%H:%M}–{local(ends_at):%H:%M}"


#: 路线/场次 and 备注 come last so sheets made before them keep their column letters.
ROUTE, NOTES = Column("路线/场次", width=14), Column("备注", width=30)

BOOKING_COLUMNS = [
    Column("预约号", width=16), Column("日期", "date", 11), Column("时间", width=12),
    Column("活动", width=24), Column("场馆", width=20), Column("学校", width=26),
    Column("学段", width=8), Column("年级", width=10), Column("学生", "number", 7),
    Column("教师", "number", 7), Column("合计", "number", 7), Column("领队", width=10),
    Column("手机", width=14), Column("状态", width=8), Column("预约时间", "datetime", 17),
    ROUTE, NOTES,
]


def _places(status: str, students: int, teachers: int, notes: str) -> tuple[int, int, str]:
    """A cancelled booking holds no places: 0 and 0, the numbers it had go to 备注."""
    if status == BookingStatus.CANCELLED:
        note = f"已取消（原预约{students}名学生、{teachers}名教师）"
        return 0, 0, f"{note}；{notes}" if notes else note
    return students, teachers, notes or ""


def _booking_columns(_arrivals, _no_show) -> tuple:
    return (Booking.reference, Slot.id, slot_title_sql(), Venue.name, Booking.school_name,
            Booking.school_stage, Booking.grades, Booking.students, Booking.teachers,
            Booking.leader_name, Booking.leader_mobile, Booking.status, Booking.created_at,
            Slot.label, Booking.notes)


def booking_rows(f: ExportFilter, now: datetime, *, full_mobile: bool = False) -> Iterator[tuple]:
    """预约明细: one row per booking, as of ``now`` (the caller's clock)."""
    slot = _SlotCells(f.edition_id)
    for (reference, slot_id, event, venue, school, stage, grades, students, teachers,
         leader, mobile, status, created_at, label, notes) in _stream(
            _base(f, now, _booking_columns)):
        day, clock = slot[slot_id]
        students, teachers, notes = _places(status, students, teachers, notes)
        yield (reference, day, clock, event, venue or "", school, STAGE_LABELS.get(stage, stage),
               grades, students, teachers, students + teachers, leader,
               mobile if full_mobile else mask_mobile(mobile), BookingStatus(status).label,
               _naive(created_at), label or "", notes)


class _SlotCells(dict):
    """Day and time text of every slot of the edition, worked out once per slot: rows carry the
    slot's id, so 100 000 rows neither convert two timestamps each nor redo the time-zone maths."""

    def __init__(self, edition_id: int):
        rows = db.session.execute(sa.select(Slot.id, Slot.starts_at, Slot.ends_at)
                                  .join(Event, Slot.event_id == Event.id)
                                  .where(Event.edition_id == edition_id))
        super().__init__((id_, (local(starts_at).date(), _slot_time(starts_at, ends_at)))
                         for id_, starts_at, ends_at in rows)


ATTENDANCE_COLUMNS = [
    Column("预约号", width=16), Column("日期", "date", 11), Column("时间", width=12),
    Column("活动", width=24), Column("场馆", width=20), Column("学校", width=26),
    Column("学段", width=8), Column("预约学生", "number", 9), Column("预约教师", "number", 9),
    Column("预约合计", "number", 9), Column("实到学生", "number", 9),
    Column("实到教师", "number", 9), Column("实到合计", "number", 9),
    Column("签到时间", "datetime", 17), Column("到场情况", width=12), ROUTE, NOTES,
]


def _attendance_columns(arrivals, no_show) -> tuple:
    return (Booking.reference, Slot.id, slot_title_sql(), Venue.name, Booking.school_name,
            Booking.school_stage, Booking.students, Booking.teachers, Booking.status,
            arrivals.c.students, arrivals.c.teachers, arrivals.c.first_in_at, no_show,
            Slot.label, Booking.notes)


def attendance_rows(f: ExportFilter, now: datetime) -> Iterator[tuple]:
    """到场情况: booked against arrived, per booking; 爽约 as of ``now`` (the caller's clock)."""
    slot = _SlotCells(f.edition_id)
    for (reference, slot_id, event, venue, school, stage, students, teachers, status,
         in_s, in_t, first_in, is_no_show, label, notes) in _stream(
            _base(f, now, _attendance_columns)):
        in_s, in_t = int(in_s or 0), int(in_t or 0)
        day, clock = slot[slot_id]
        students, teachers, notes = _places(status, students, teachers, notes)
        yield (reference, day, clock, event, venue or "", school, STAGE_LABELS.get(stage, stage),
               students, teachers, students + teachers, in_s, in_t, in_s + in_t,
               _naive(first_in), attendance_status(status, in_s + in_t, is_no_show),
               label or "", notes)


REGISTRATION_COLUMNS = [
    Column("报名号", width=16), Column("日期", "date", 11), Column("时间", width=12),
    Column("活动", width=24), Column("场馆", width=20), ROUTE, Column("姓名", width=10),
    Column("手机", width=14), Column("身份", width=8), Column("学号/单位", width=22),
    Column("二级学院/班级", width=22), Column("状态", width=8), Column("报名", "number", 6),
    Column("实到", "number", 6), Column("签到时间", "datetime", 17),
]


def registration_rows(f: ExportFilter) -> Iterator[tuple]:
    """个人报名: one row per registration with its arrival (the check-in feature's arrivals)."""
    arr = counts.arrivals()
    stmt = (sa.select(Registration, Slot.id, Slot.label, Event.name,
                      Venue.name, arr.c.students, arr.c.teachers, arr.c.first_in_at)
            .join(Slot, Registration.slot_id == Slot.id).join(Event, Slot.event_id == Event.id)
            .outerjoin(Venue, Slot.venue_id == Venue.id)
            .outerjoin(arr, arr.c.registration_id == Registration.id)
            .order_by(Slot.starts_at, Venue.name, Registration.id))
    stmt = _filtered(stmt, f)
    if f.status in (None, "confirmed"):
        stmt = stmt.where(Registration.status == RegistrationStatus.CONFIRMED)
    elif f.status == "cancelled":
        stmt = stmt.where(Registration.status == RegistrationStatus.CANCELLED)
    elif f.status == "arrived":
        stmt = stmt.where(arr.c.first_in_at.is_not(None))
    slot = _SlotCells(f.edition_id)
    for reg, slot_id, label, event, venue, in_s, in_t, first_in in _stream(stmt, orm=True):
        day, clock = slot[slot_id]
        confirmed = reg.status == RegistrationStatus.CONFIRMED
        yield (reg.reference, day, clock, event, venue or "", label or "", reg.name,
               mask_mobile(reg.mobile), "校内学生" if reg.is_internal else "校外",
               reg.student_number or reg.organisation,
               " ".join(p for p in (reg.college, reg.class_name) if p), reg.status.label,
               int(confirmed), int(in_s or 0) + int(in_t or 0), _naive(first_in))
