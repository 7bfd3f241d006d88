"""One ticket's presence, read under its lock and changed by one movement at a time.

``lock`` makes sure the ticket's Attendance row exists and locks it: FOR UPDATE on PostgreSQL; on
SQLite the INSERT … ON CONFLICT DO NOTHING that comes first already takes the database's write
lock, so everything read after it is current and stays so until the commit. Two gates scanning
one ticket at once therefore decide one after the other, and the second sees the first's entry.
"""
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..database import insert_missing, lock_rows
from ..extensions import db
from .holders import Holder
from .models import ADMITTED, Attendance, CheckIn, Direction, Presence


@dataclass
class Movement:
    """Persons moving at one venue, and the part of an entry that arrives for the first time."""

    direction: str
    venue_id: int
    students: int
    teachers: int
    arrived_students: int = 0
    arrived_teachers: int = 0


@dataclass
class TicketState:
    """What is known about one ticket at the moment of a decision."""

    attendance: Attendance
    #: venue_id → that venue's Presence row of this ticket (rows stay when everyone left).
    presences: dict[int, Presence]

    @property
    def inside(self) -> tuple[int, int]:
        """(students, teachers) inside any venue now."""
        return (sum(p.students for p in self.presences.values()),
                sum(p.teachers for p in self.presences.values()))

    @property
    def arrived(self) -> tuple[int, int]:
        """(students, teachers) who arrived (签到): re-entries are not arrivals."""
        return (sum(p.arrived_students for p in self.presences.values()),
                sum(p.arrived_teachers for p in self.presences.values()))

    def inside_at(self, venue_id: int) -> tuple[int, int]:
        p = self.presences.get(venue_id)
        return (p.students, p.teachers) if p is not None else (0, 0)

    def been_at(self, venue_id: int) -> bool:
        """Admitted through this venue's gate before (a wrong venue is asked about only once)."""
        return venue_id in self.presences

    def venue_with_most_inside(self) -> int | None:
        occupied = [p for p in self.presences.values() if p.persons > 0]
        return max(occupied, key=lambda p: (p.persons, -p.venue_id)).venue_id if occupied else None


def lock(holder: Holder, day: date) -> TicketState:
    """The ticket's state, locked until the transaction ends (created on its first scan)."""
    key = holder.key()
    column = next(iter(key))
    insert_missing(Attendance, {"day": day, **key}, (column,))
    attendance = db.session.execute(
        lock_rows(sa.select(Attendance).where(getattr(Attendance, column) == key[column]))
        .execution_options(populate_existing=True)).scalar_one()
    # A statement of its own, after the lock is granted: on PostgreSQL a statement that waited for
    # a lock returns the other rows of a join as they were when it started (before the scan that
    # held the lock committed), so presences read with the lock could be one movement behind.
    presences = db.session.scalars(
        sa.select(Presence).where(Presence.attendance_id == attendance.id)
        .execution_options(populate_existing=True))
    return TicketState(attendance, {p.venue_id: p for p in presences})


def apply(state: TicketState, move: Movement, when: datetime) -> None:
    """Add one admitted movement to the ticket's presence (the caller stores the scan beside it)."""
    presence = state.presences.get(move.venue_id)
    if presence is None:
        presence = Presence(attendance=state.attendance, venue_id=move.venue_id,
                            day=state.attendance.day, students=0, teachers=0,
                            arrived_students=0, arrived_teachers=0)
        db.session.add(presence)
        state.presences[move.venue_id] = presence
    sign = 1 if move.direction == Direction.IN.value else -1
    presence.students += sign * move.students
    presence.teachers += sign * move.teachers
    presence.arrived_students += sign * move.arrived_students
    presence.arrived_teachers += sign * move.arrived_teachers
    if move.direction == Direction.IN.value:
        # An offline scan synced late may be older than what the server already has.
        attendance = state.attendance
        attendance.first_in_at = min(filter(None, (attendance.first_in_at, when)))
        attendance.last_in_at = max(filter(None, (attendance.last_in_at, when)))


def revert(state: TicketState, scan: CheckIn) -> None:
    """Take a stored movement back out of the ticket's presence (to record it again corrected)."""
    presence = state.presences[scan.venue_id]
    sign = -1 if scan.direction == Direction.IN.value else 1
    presence.students += sign * scan.students
    presence.teachers += sign * scan.teachers
    presence.arrived_students += sign * scan.arrived_students
    presence.arrived_teachers += sign * scan.arrived_teachers


def movement_of(scan: CheckIn) -> Movement:
    return Movement(scan.direction, scan.venue_id, scan.students, scan.teachers,
                    scan.arrived_students, scan.arrived_teachers)


def latest_movement(holder: Holder) -> CheckIn | None:
    """The ticket's last admitted scan (only it may be corrected: later ones built on it)."""
    key = holder.key()
    column = next(iter(key))
    return db.session.scalar(
        sa.select(CheckIn).where(getattr(CheckIn, column) == key[column],
                                 CheckIn.result.in_(ADMITTED))
        .order_by(CheckIn.id.desc()).limit(1))
