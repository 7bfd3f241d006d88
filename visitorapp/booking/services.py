"""Booking operations: the rules in one place for the web form, the JSON API, staff and the CLI.

Each function works inside the caller's transaction and only flushes; the caller commits once
(see ``visitorapp.booking.unit``) so mail in the outbox and the audit entry commit with the booking.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..audit.models import log_action
from ..errors import DomainError, NotFound
from ..extensions import db
from ..programme.models import Event, ParticipationMode, Slot
from ..timeutil import utcnow
from . import capacity, noshows, rules, signals
from .models import Booking, BookingStatus, new_reference


@dataclass
class GroupDetails:
    """What a teacher fills in for a group (already validated field by field)."""

    school_name: str
    school_stage: str
    grades: str
    students: int
    teachers: int
    leader_name: str
    leader_mobile: str
    email: str = ""
    notes: str = ""

    @property
    def headcount(self) -> int:
        return self.students + self.teachers


class DuplicateBooking(DomainError):
    """The same mobile already holds this slot; ``booking`` is the first one."""

    def __init__(self, booking: Booking):
        super().__init__("duplicate", f"该手机号已预约此场次（预约号 {booking.reference}），"
                                      "无需重复预约。请使用预约成功时的管理链接查看或修改。",
                         field="leader_mobile")
        self.booking = booking


def get_slot(slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None:
        raise NotFound("slot_not_found", "场次不存在。", field="slot_id")
    return slot


def create_booking(slot: Slot, details: GroupDetails, *, source: str = "web",
                   enforce_window: bool = True) -> Booking:
    """Book a slot for a group, or raise a DomainError saying why not."""
    if enforce_window:
        rules.check_bookable(slot)
    edition = slot.event.edition
    rules.check_group(edition, details.school_stage, details.students, details.teachers)
    existing = find_duplicate(slot, details.leader_mobile)
    if existing is not None:
        raise DuplicateBooking(existing)
    noshows.check_hold(edition, details.leader_mobile)
    capacity.take_places(slot, details.headcount)
    booking = Booking(slot=slot, reference=_unique_reference(slot), source=source,
                      **details.__dict__)
    try:
        # Added inside the savepoint so that, if a concurrent request won the unique index, its
        # rollback also drops this booking from the session (else the lookup below autoflushes it
        # again and the whole transaction fails with PendingRollbackError instead of "duplicate").
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        # A concurrent request with the same mobile won the unique index: point to it.
        existing = find_duplicate(slot, details.leader_mobile)
        if existing is None:
            raise
        raise DuplicateBooking(existing) from None
    log_action("booking.create", booking, actor=_actor(source),
               summary=f"{booking.reference} {booking.headcount}人",
               after={"slot_id": slot.id, "students": booking.students,
                      "teachers": booking.teachers})
    signals.booking_created.send(booking)
    return booking


def change_headcount(booking: Booking, students: int, teachers: int, *, actor: str | None = None,
                     enforce_deadline: bool = True) -> None:
    """New numbers under the same rules; more places are taken atomically, fewer released."""
    _require_active(booking)
    if enforce_deadline:
        rules.check_changeable(booking.slot)
    rules.check_group(booking.slot.event.edition, booking.school_stage, students, teachers)
    before = {"students": booking.students, "teachers": booking.teachers}
    delta = (students + teachers) - booking.headcount
    if delta > 0:
        capacity.take_places(booking.slot, delta)
    elif delta < 0:
        capacity.release_places(booking.slot, -delta)
    booking.students, booking.teachers = students, teachers
    log_action("booking.headcount", booking, actor=actor or "领队（管理链接）", before=before,
               after={"students": students, "teachers": teachers},
               summary=f"{booking.reference} 人数 {sum(before.values())}→{students + teachers}")
    signals.booking_changed.send(booking, before=before)
    if delta < 0:
        signals.places_released.send(booking.slot, persons=-delta)


def cancel_booking(booking: Booking, *, reason: str = "", actor: str | None = None,
                   enforce_deadline: bool = False) -> None:
    """Cancel and free the places at once. Teachers may cancel until the slot starts."""
    _require_active(booking)
    if enforce_deadline and booking.slot.starts_at <= utcnow():
        raise rules.RuleError("slot_started", "场次已开始，无法在线取消。")
    capacity.release_places(booking.slot, booking.headcount)
    booking.cancel(reason)
    log_action("booking.cancel", booking, actor=actor or "领队（管理链接）",
               summary=f"{booking.reference} 取消 {reason}"[:200])
    signals.booking_cancelled.send(booking, reason=reason)
    signals.places_released.send(booking.slot, persons=booking.headcount)


def move_booking(booking: Booking, new_slot: Slot, *, actor: str | None = None,
                 enforce_deadline: bool = True) -> None:
    """改约: move the group to another slot. The new places are taken before the old ones are
    given back, in the caller's transaction: a full target leaves the booking where it was."""
    _require_active(booking)
    old = booking.slot
    if new_slot.id == old.id:
        raise rules.RuleError("same_slot", "请选择另一个场次。", field="slot_id")
    if new_slot.event.edition_id != old.event.edition_id:
        raise rules.RuleError("other_edition", "只能改约本届活动周的场次。", field="slot_id")
    if enforce_deadline:
        rules.check_changeable(old)
    rules.check_bookable(new_slot)
    existing = find_duplicate(new_slot, booking.leader_mobile)
    if existing is not None:
        raise DuplicateBooking(existing)
    capacity.take_places(new_slot, booking.headcount)
    capacity.release_places(old, booking.headcount)
    booking.slot = new_slot
    before = {"students": booking.students, "teachers": booking.teachers, "slot_id": old.id}
    log_action("booking.move", booking, actor=actor or "领队（管理链接）", before={"slot_id": old.id},
               after={"slot_id": new_slot.id}, summary=f"{booking.reference} 改约 场次{old.id}→{new_slot.id}")
    signals.booking_changed.send(booking, before=before)
    signals.places_released.send(old, persons=booking.headcount)


def find_duplicate(slot: Slot, mobile: str) -> Booking | None:
    return db.session.scalar(sa.select(Booking).where(
        Booking.slot_id == slot.id, Booking.leader_mobile == mobile,
        Booking.status == BookingStatus.CONFIRMED))


def by_manage_token(token: str) -> Booking:
    booking = db.session.scalar(sa.select(Booking).where(Booking.manage_token == token)) \
        if token else None
    if booking is None:
        raise NotFound("booking_not_found", "预约不存在或管理链接无效。")
    return booking


def alternatives(slot: Slot, persons: int, limit: int = 6) -> list[Slot]:
    """Other open group slots of the same edition with room for ``persons``, soonest first."""
    now = utcnow()
    return list(db.session.scalars(
        sa.select(Slot).join(Slot.event)
        .where(Event.edition_id == slot.event.edition_id, Slot.id != slot.id,
               Event.mode == ParticipationMode.GROUP, Slot.is_open.is_(True),
               Slot.is_rehearsal.is_(False), Slot.starts_at > now,
               Slot.capacity - Slot.booked >= persons)
        .order_by(sa.case((Slot.event_id == slot.event_id, 0), else_=1), Slot.starts_at)
        .limit(limit)))


def _require_active(booking: Booking) -> None:
    if booking.status != BookingStatus.CONFIRMED:
        raise rules.RuleError("cancelled", "该预约已取消。")


def _unique_reference(slot: Slot) -> str:
    for _ in range(20):
        ref = new_reference(slot)
        if not db.session.scalar(sa.select(sa.exists().where(Booking.reference == ref))):
            return ref
    raise RuntimeError("could not find a free reference code")


def _actor(source: str) -> str | None:
    """Who to name in the audit log; None lets log_action name the signed-in staff member."""
    return {"web": "领队（网页）", "api": "API"}.get(source)
