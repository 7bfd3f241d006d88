"""The one capacity function: take or release places in a slot, its venue and the campus day.

Everything happens inside the caller's transaction. Places are taken with conditional UPDATEs
(``… WHERE booked + n <= capacity``), never read-then-write, so two requests can never both see
the last free places. The venue check locks the venue row (FOR UPDATE on PostgreSQL; on SQLite the
slot UPDATE already holds the database's write lock), then sums the overlapping slots' bookings.

Group bookings also pass their ``holder`` (leader mobile and school): the day's fair shares
(``visitorapp.booking.shares``) are taken the same way, after the venue.

Lock order is always slot → campus day → venue → shares (mobile, then school), so concurrent
bookings never deadlock. A CapacityError or ShareExceeded leaves updates behind in the
transaction: the caller must roll back (the views and ``atomic`` do).
"""
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from ..database import lock_rows, take_counter
from ..errors import DomainError
from ..extensions import db
from ..programme.models import CampusDay, Edition, Slot, Venue
from . import shares


class CapacityError(DomainError):
    """No room: ``code`` says where (slot_full, slot_closed, venue_full, day_full)."""


def take_places(slot: Slot, persons: int, *, visitors: bool = True,
                holder: shares.Holder | None = None) -> None:
    """Hold ``persons`` more places at ``slot`` or raise CapacityError (or ShareExceeded).

    ``visitors`` counts them against the campus daily cap (external groups; internal students
    registering for clinics or batches do not). ``holder``: a group's mobile and school, whose
    daily fair shares are taken too (rehearsal slots are practice and count for nobody).
    """
    if persons <= 0:
        release_places(slot, -persons, visitors=visitors, holder=holder)
        return
    booked = db.session.scalar(
        sa.update(Slot)
        .where(Slot.id == slot.id, Slot.is_open.is_(True), Slot.booked + persons <= Slot.capacity)
        .values(booked=Slot.booked + persons).returning(Slot.booked)
        .execution_options(synchronize_session=False))
    if booked is None:
        db.session.refresh(slot)
        if not slot.is_open:
            raise CapacityError("slot_closed", closed_message(slot))
        raise CapacityError("slot_full",
                            f"该场次剩余名额不足：剩余{slot.remaining}人，本次需要{persons}人。",
                            remaining=slot.remaining)
    if visitors and not slot.is_rehearsal:
        _take_campus_day(slot, persons)
    if slot.venue_id is not None:
        _check_venue(slot)
    if holder is not None and not slot.is_rehearsal:
        shares.take(*_edition_day(slot), holder, persons)
    # The count this transaction just wrote (RETURNING): the answer shows it without a reload.
    set_committed_value(slot, "booked", booked)


def release_places(slot: Slot, persons: int, *, visitors: bool = True,
                   holder: shares.Holder | None = None) -> None:
    """Give back ``persons`` places (cancellation, smaller group, move away)."""
    if persons <= 0:
        return
    db.session.execute(
        sa.update(Slot).where(Slot.id == slot.id)
        .values(booked=sa.case((Slot.booked >= persons, Slot.booked - persons), else_=0))
        .execution_options(synchronize_session=False))
    if visitors and not slot.is_rehearsal:
        edition_id, day = _edition_day(slot)
        db.session.execute(
            sa.update(CampusDay).where(CampusDay.edition_id == edition_id, CampusDay.day == day)
            .values(booked=sa.case((CampusDay.booked >= persons, CampusDay.booked - persons),
                                   else_=0))
            .execution_options(synchronize_session=False))
    if holder is not None and not slot.is_rehearsal:
        shares.release(*_edition_day(slot), holder, persons)
    db.session.expire(slot, ["booked"])


def change_holder(slot: Slot, persons: int, old: shares.Holder, new: shares.Holder) -> None:
    """The same places now held under another mobile or school (staff corrected the details):
    the new holder's shares must have room, as if the group booked afresh."""
    if old == new or slot.is_rehearsal:
        return
    edition_id, day = _edition_day(slot)
    shares.release(edition_id, day, old, persons)
    shares.take(edition_id, day, new, persons)


def places_left(slots: Iterable[Slot], *, visitors: bool = True,
                released: tuple[Slot, int] | None = None) -> dict[int, int]:
    """What can really be booked now at each slot, in persons (students and teachers together):
    the most ``take_places(slot, n, visitors=visitors)`` would accept — the slot's own places,
    the venue's safe occupancy over the slot's time (the same ``peak_occupancy`` the check uses)
    and, for visitors, the campus day's cap. A closed slot has none. Three queries, whatever the
    number of slots, so the picker can show it for every slot it lists.

    ``released``: (slot, persons) given back just before taking — a group's move releases its
    old places first, so they count neither at the venue then nor on that day.

    A group's daily fair share (``shares``) depends on who is booking, so it is not in here.
    """
    slots = list(slots)
    left = _left_at_venues(slots, released)
    if visitors:
        _limit_by_campus_day([s for s in slots if not s.is_rehearsal], left, released)
    return {slot_id: max(0, n) for slot_id, n in left.items()}


class PersonPlaces(NamedTuple):
    """What one person can take at a slot of an individual event (个人报名): our own students do
    not count against the campus day's cap, visitors do (``take_places(…, visitors=…)``)."""

    #: 本校学生: the slot and the venue at that time (``places_left(…, visitors=False)``).
    students: int
    #: 校外人员: the campus day's cap as well (``places_left(…, visitors=True)``).
    visitors: int


def person_places_left(slots: Iterable[Slot]) -> dict[int, PersonPlaces]:
    """``places_left`` for both kinds of registrant at once, sharing the venue's queries: what the
    registration pages, their API and the waiting list show and decide by."""
    slots = list(slots)
    students = {slot_id: max(0, n) for slot_id, n in _left_at_venues(slots).items()}
    visitors = dict(students)
    _limit_by_campus_day([s for s in slots if not s.is_rehearsal], visitors)
    return {slot_id: PersonPlaces(n, max(0, visitors[slot_id])) for slot_id, n in students.items()}


def _left_at_venues(slots: list[Slot], released: tuple[Slot, int] | None = None
                    ) -> dict[int, int]:
    """The slot's own places, limited by its venue's safe occupancy over its time (0 if closed)."""
    left = {s.id: (s.remaining if s.is_open else 0) for s in slots}
    if slots:
        _limit_by_venue(slots, left, released)
    return left


def _limit_by_venue(slots: list[Slot], left: dict[int, int],
                    released: tuple[Slot, int] | None = None) -> None:
    at_venues = [s for s in slots if s.venue_id is not None and left[s.id] > 0]
    if not at_venues:
        return
    venue_ids = {s.venue_id for s in at_venues}
    # Venues already loaded with their slot (the booking path loads them) cost no query.
    safe = {s.venue_id: s.venue.safe_occupancy for s in at_venues if "venue" in s.__dict__}
    if venue_ids - safe.keys():
        safe.update(db.session.execute(sa.select(Venue.id, Venue.safe_occupancy)
                                       .where(Venue.id.in_(venue_ids - safe.keys()))).all())
    rows = db.session.execute(
        sa.select(Slot.id, Slot.venue_id, Slot.starts_at, Slot.ends_at, Slot.booked)
        .where(Slot.venue_id.in_(venue_ids),
               Slot.starts_at < max(s.ends_at for s in at_venues),
               Slot.ends_at > min(s.starts_at for s in at_venues))).all()
    if released is not None:  # as release_places leaves them: never below nothing
        rows = [_Booked(r.id, r.venue_id, r.starts_at, r.ends_at,
                        max(0, r.booked - released[1]) if r.id == released[0].id else r.booked)
                for r in rows]
    for slot in at_venues:
        # The rows _check_venue reads for this slot, with their booked counts as they are now.
        overlapping = [r for r in rows if r.venue_id == slot.venue_id
                       and r.starts_at < slot.ends_at and r.ends_at > slot.starts_at]
        left[slot.id] = _venue_room(slot.id, overlapping, safe[slot.venue_id], left[slot.id])


class _Booked(NamedTuple):
    id: int
    venue_id: int
    starts_at: datetime
    ends_at: datetime
    booked: int


def _venue_room(slot_id: int, overlapping, safe: int, most: int) -> int:
    """The largest n <= most that _check_venue would let slot_id take, by its own rule."""
    def fits(n: int) -> bool:
        return peak_occupancy([(r.starts_at, r.ends_at, r.booked + (n if r.id == slot_id else 0))
                               for r in overlapping]) <= safe

    if fits(most):
        return most
    low, high = 0, most  # fits() only gets harder as n grows: bisect the largest that fits
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


def _limit_by_campus_day(slots: list[Slot], left: dict[int, int],
                         released: tuple[Slot, int] | None = None) -> None:
    keys = {s.id: (s.event.edition_id, s.local_day) for s in slots}
    if not keys:
        return
    edition_ids = {edition_id for edition_id, _ in keys.values()}
    caps = {s.event.edition_id: s.event.edition.daily_cap for s in slots
            if "event" in s.__dict__ and "edition" in s.event.__dict__}
    if edition_ids - caps.keys():
        caps.update(db.session.execute(sa.select(Edition.id, Edition.daily_cap)
                                       .where(Edition.id.in_(edition_ids - caps.keys()))).all())
    booked = {(r.edition_id, r.day): r.booked for r in db.session.execute(
        sa.select(CampusDay.edition_id, CampusDay.day, CampusDay.booked)
        .where(CampusDay.edition_id.in_(edition_ids)))}
    if released is not None and not released[0].is_rehearsal:
        key = _edition_day(released[0])
        if key in booked:
            booked[key] = max(0, booked[key] - released[1])
    for slot_id, key in keys.items():
        left[slot_id] = min(left[slot_id], caps[key[0]] - booked.get(key, 0))


def closed_message(slot: Slot) -> str:
    reason = f"原因：{slot.closed_reason}" if slot.closed_reason else ""
    return f"该场次已暂停预约。{reason}".strip()


def _edition_day(slot: Slot) -> tuple[int, date]:
    return slot.event.edition_id, slot.local_day  # the slot's event is loaded with it


def _take_campus_day(slot: Slot, persons: int) -> None:
    edition_id, day = _edition_day(slot)
    cap = slot.event.edition.daily_cap
    if not take_counter(CampusDay, {"edition_id": edition_id, "day": day}, CampusDay.booked,
                        persons, cap):
        raise CapacityError("day_full", f"{day.month}月{day.day}日全校接待人数已达上限（{cap}人），"
                                        "请选择其他日期。")


def _check_venue(slot: Slot) -> None:
    """The venue's peak occupancy over this slot's window must stay within its safe limit."""
    venue = db.session.execute(lock_rows(sa.select(Venue).where(Venue.id == slot.venue_id))
                               ).scalar_one()
    rows = db.session.execute(
        sa.select(Slot.starts_at, Slot.ends_at, Slot.booked)
        .where(Slot.venue_id == venue.id, Slot.starts_at < slot.ends_at,
               Slot.ends_at > slot.starts_at)).all()
    peak = peak_occupancy(rows)
    if peak > venue.safe_occupancy:
        raise CapacityError("venue_full", f"{venue.name}同一时段在场人数将超过安全上限"
                                          f"（{venue.safe_occupancy}人），请选择其他时段。")


def peak_occupancy(intervals) -> int:
    """Largest sum of ``booked`` over any instant, from (starts_at, ends_at, booked) rows."""
    edges = []
    for starts_at, ends_at, booked in intervals:
        edges.append((starts_at, 1, booked))
        edges.append((ends_at, 0, -booked))  # ends sort before starts at the same instant
    level = peak = 0
    for _, _, change in sorted(edges, key=lambda e: (e[0], e[1])):
        level += change
        peak = max(peak, level)
    return peak


def campus_day_booked(edition_id: int, day: date) -> int:
    return db.session.scalar(sa.select(CampusDay.booked).where(
        CampusDay.edition_id == edition_id, CampusDay.day == day)) or 0
