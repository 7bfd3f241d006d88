"""Bookings and attendance as rows for the spreadsheet writers, for any filter.

Queries select plain columns (no ORM objects) and are read with ``yield_per`` so a large export
keeps a bounded number of rows in memory (PostgreSQL uses a server-side cursor).
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..booking.models import STAGE_LABELS, Booking, BookingStatus
from ..extensions import db
from ..programme.models import Event, Slot, Venue
from ..timeutil import local, local_day_bounds, utcnow
from ..validators import mask_mobile
from . import attendance
from .spreadsheet import Column

#: Statuses one can filter on: the booking's own, plus what the gate saw.
STATUS_LABELS = {"confirmed": "已确认", "cancelled": "已取消", "arrived": "已到场",
                 "no_show": "爽约", "expected": "未到（场次未结束）"}
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


def _base(f: ExportFilter, arr: sa.Subquery) -> sa.Select:
    arrived = arr.c.in_students + arr.c.in_teachers
    stmt = (sa.select(
        Booking.reference, Slot.starts_at, Slot.ends_at, Event.name, Venue.name,
        Booking.school_name, Booking.school_stage, Booking.grades, Booking.students,
        Booking.teachers, Booking.leader_name, Booking.leader_mobile, Booking.status,
        Booking.created_at, arr.c.in_students, arr.c.in_teachers, arr.c.first_in_at)
        .select_from(Booking).join(Slot, Booking.slot_id == Slot.id)
        .join(Event, Slot.event_id == Event.id).outerjoin(Venue, Slot.venue_id == Venue.id)
        .outerjoin(arr, arr.c.booking_id == Booking.id)
        .where(Event.edition_id == f.edition_id, Slot.is_rehearsal.is_(False))
        .order_by(Slot.starts_at, Venue.name, Booking.id))
    if f.day is not None:
        start, end = local_day_bounds(f.day)
        stmt = stmt.where(Slot.starts_at >= start, Slot.starts_at < end)
    if f.venue_id:
        stmt = stmt.where(Slot.venue_id == f.venue_id)
    if f.event_id:
        stmt = stmt.where(Slot.event_id == f.event_id)
    if f.stage:
        stmt = stmt.where(Booking.school_stage == f.stage)
    confirmed = Booking.status == BookingStatus.CONFIRMED
    if f.status == "confirmed" or f.status == "cancelled":
        stmt = stmt.where(Booking.status == f.status)
    elif f.status == "arrived":
        stmt = stmt.where(sa.func.coalesce(arrived, 0) > 0)
    elif f.status == "no_show":
        stmt = stmt.where(confirmed, sa.func.coalesce(arrived, 0) == 0, Slot.ends_at < utcnow())
    elif f.status == "expected":
        stmt = stmt.where(confirmed, sa.func.coalesce(arrived, 0) == 0, Slot.ends_at >= utcnow())
    return stmt


def _stream(stmt: sa.Select) -> Iterator[sa.Row]:
    result = db.session.execute(stmt.execution_options(yield_per=BATCH))
    try:
        yield from result
    finally:
        result.close()


def attendance_status(status: str, arrived: int, ends_at: datetime, now: datetime) -> str:
    if arrived > 0:
        return "已到场"
    if status == BookingStatus.CANCELLED:
        return "已取消"
    return "爽约" if ends_at < now else "未到（场次未结束）"


def _naive(dt: datetime | None) -> datetime | None:
    """Shanghai wall clock without tzinfo: what a spreadsheet date cell holds."""
    return local(dt).replace(tzinfo=None) if dt is not None else None


def _slot_time(starts_at: datetime, ends_at: datetime) -> str:
    return f"{local(starts_at):%H:%M}–{local(ends_at):%H:%M}"


BOOKING_COLUMNS = [
    Column("预约号", width=16), Column("日期", "date", 11), Column("时间", width=12),
    Column("活动", width=24), Column("场馆", width=20), Column("学校", width=26),
    Column("学段", width=8), Column("年级", width=10), Column("学生", "number", 7),
    Column("教师", "number", 7), Column("合计", "number", 7), Column("领队", width=10),
    Column("手机", width=14), Column("状态", width=8), Column("预约时间", "datetime", 17),
]


def booking_rows(f: ExportFilter, *, full_mobile: bool = False) -> Iterator[tuple]:
    """预约明细: one row per booking."""
    for r in _stream(_base(f, attendance.arrivals())):
        yield (r.reference, local(r.starts_at).date(), _slot_time(r.starts_at, r.ends_at),
               r[3], r[4] or "", r.school_name, STAGE_LABELS.get(r.school_stage, r.school_stage),
               r.grades, r.students, r.teachers, r.students + r.teachers, r.leader_name,
               r.leader_mobile if full_mobile else mask_mobile(r.leader_mobile),
               BookingStatus(r.status).label, _naive(r.created_at))


ATTENDANCE_COLUMNS = [
    Column("预约号", width=16), Column("日期", "date", 11), Column("时间", width=12),
    Column("活动", width=24), Column("场馆", width=20), Column("学校", width=26),
    Column("学段", width=8), Column("预约学生", "number", 9), Column("预约教师", "number", 9),
    Column("预约合计", "number", 9), Column("实到学生", "number", 9),
    Column("实到教师", "number", 9), Column("实到合计", "number", 9),
    Column("签到时间", "datetime", 17), Column("到场情况", width=12),
]


def attendance_rows(f: ExportFilter) -> Iterator[tuple]:
    """到场情况: booked against arrived, per booking."""
    now = utcnow()
    for r in _stream(_base(f, attendance.arrivals())):
        in_s, in_t = int(r.in_students or 0), int(r.in_teachers or 0)
        yield (r.reference, local(r.starts_at).date(), _slot_time(r.starts_at, r.ends_at),
               r[3], r[4] or "", r.school_name, STAGE_LABELS.get(r.school_stage, r.school_stage),
               r.students, r.teachers, r.students + r.teachers, in_s, in_t, in_s + in_t,
               _naive(r.first_in_at), attendance_status(r.status, in_s + in_t, r.ends_at, now))
