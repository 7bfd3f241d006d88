"""Booking operations: the rules in one place for the web form, the JSON API, staff and the CLI.

Each function works inside the caller's transaction and only flushes; the caller commits once
(``visitorapp.database.atomic``) so mail in the outbox and the audit entry commit with the booking.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..audit.models import log_action
from ..errors import DomainError, NotFound
from ..extensions import db
from ..programme.models import Event, ParticipationMode, Slot
from . import approval, capacity, noshows, rules, signals
from .models import HOLDING_STATUSES, Booking, BookingStatus, new_reference
from .shares import Holder


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
    """The same mobile already holds this slot. The message names no booking (no reference, no
    school): whoever typed the mobile may not be its holder. The holder finds theirs through the
    recovery page, which mails the links to the booking's own address."""

    def __init__(self):
        super().__init__("duplicate", "该手机号已预约此场次，无需重复预约。如需查看、修改或取消，"
                                      "请使用预约成功时的管理链接；找不到链接可通过“找回预约/报名”"
                                      "页面发送到预约时填写的邮箱。", field="leader_mobile")


def slot_loaded() -> list:
    """Load options for a slot about to be booked: its event, edition and venue come in the same
    statement (the rules, the capacity counters and the answer all read them)."""
    return [joinedload(Slot.event).joinedload(Event.edition), joinedload(Slot.venue)]


def get_slot(slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id, options=slot_loaded())
    if slot is None:
        raise NotFound("slot_not_found", "场次不存在。", field="slot_id")
    return slot


def create_booking(slot: Slot, details: GroupDetails, *, source: str = "web",
                   enforce_window: bool = True, now: datetime,
                   also: Callable[[Booking], dict] | None = None) -> Booking:
    """Book a slot for a group, or raise a DomainError saying why not.

    Public sources ("web", "api"; a waiting-list acceptance is "web") need a published event and,
    above the edition's approval threshold, an organizer's review (the booking is then pending).

    ``also(booking)``: what another feature records with the booking (its vehicles), after the
    places and before anyone hears of the booking, so the confirmation mail already shows it;
    the dict it returns rides along with ``booking_created`` into the mail's context.
    ``now`` comes from the caller (a view's clock, a CLI's, the demo's seed moment).
    """
    if source != "staff":
        rules.check_published(slot)
    if enforce_window:
        rules.check_bookable(slot, now)
    edition = slot.event.edition
    rules.check_group(edition, details.school_stage, details.students, details.teachers)
    if find_duplicate(slot, details.leader_mobile) is not None:
        raise DuplicateBooking()
    noshows.check_hold(edition, details.leader_mobile, now)
    capacity.take_places(slot, details.headcount,
                         holder=Holder.of(details.leader_mobile, details.school_name))
    booking = Booking(slot=slot, reference=_unique_reference(slot), source=source,
                      **details.__dict__)
    if source != "staff" and approval.needs_review(edition, details.headcount):
        approval.hold_for_review(booking, now)
    try:
        # Added inside the savepoint so that, if a concurrent request won the unique index, its
        # rollback also drops this booking from the session (else the lookup below autoflushes it
        # again and the whole transaction fails with PendingRollbackError instead of "duplicate").
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        # A concurrent request with the same mobile won the unique index.
        if find_duplicate(slot, details.leader_mobile) is None:
            raise
        raise DuplicateBooking() from None
    log_action("booking.create", booking, actor=_actor(source),
               summary=f"{booking.reference} {booking.headcount}人",
               after={"slot_id": slot.id, "students": booking.students,
                      "teachers": booking.teachers})
    signals.booking_created.send(booking, **(also(booking) if also else {}))
    return booking


#: Why a larger group does not fit, by CapacityError code.
TOO_FEW_PLACES = {"slot_full": "该场次剩余名额不足", "venue_full": "该时段场馆在场人数将超过安全上限",
                  "day_full": "全校当日接待人数将超过上限"}


def most_headcount(booking: Booking) -> int:
    """The largest total (students and teachers) the group can change to now: what the manage
    page shows before the form, and what ``change_headcount`` then enforces."""
    return booking.headcount + capacity.places_left([booking.slot])[booking.slot.id]


def change_headcount(booking: Booking, students: int, teachers: int, *, actor: str | None = None,
                     enforce_deadline: bool = True, review: bool = True,
                     now: datetime) -> None:
    """New numbers under the same rules; more places are taken atomically, fewer released.

    ``review``: a confirmed group that grows above the approval threshold goes back to review
    (else booking small and growing later would skip it); organizers' own changes pass False.
    """
    _require_holding(booking)
    if enforce_deadline:
        rules.check_changeable(booking.slot, now)
    edition = booking.slot.event.edition
    rules.check_group(edition, booking.school_stage, students, teachers)
    before = {"students": booking.students, "teachers": booking.teachers}
    delta = (students + teachers) - booking.headcount
    if delta > 0:
        try:
            with db.session.begin_nested():  # a refusal leaves the counts as they were …
                capacity.take_places(booking.slot, delta, holder=holder_of(booking))
        except capacity.CapacityError as exc:
            if exc.code not in TOO_FEW_PLACES:
                raise
            # … so the largest total that fits is read from them: said in totals, as the teacher
            # typed them (the slot, the venue then, the campus day: what the manage page shows).
            most = most_headcount(booking)
            raise capacity.CapacityError(
                exc.code, f"{TOO_FEW_PLACES[exc.code]}：贵团现为{booking.headcount}人，改为"
                          f"{students + teachers}人需再增加{delta}人，目前只能再增加"
                          f"{most - booking.headcount}人，最多可改为{most}人（学生和带队教师合计）。",
                remaining=most - booking.headcount) from None
    elif delta < 0:
        capacity.release_places(booking.slot, -delta, holder=holder_of(booking))
    booking.students, booking.teachers = students, teachers
    if review and delta > 0 and booking.is_active and \
            approval.needs_review(edition, students + teachers):
        approval.hold_for_review(booking, now)
    log_action("booking.headcount", booking, actor=actor or "领队（管理链接）", before=before,
               after={"students": students, "teachers": teachers},
               summary=f"{booking.reference} 人数 {sum(before.values())}→{students + teachers}")
    signals.booking_changed.send(booking, before=before)
    if delta < 0:
        signals.places_released.send(booking.slot, persons=-delta, now=now)


def cancel_booking(booking: Booking, *, reason: str = "", actor: str | None = None,
                   enforce_deadline: bool = False, now: datetime) -> None:
    """Cancel and free the places at once. Teachers may cancel until the slot starts."""
    _require_holding(booking)
    if enforce_deadline and booking.slot.starts_at <= now:
        raise rules.RuleError("slot_started", "场次已开始，无法在线取消。")
    # Conditional: of two cancellations (or a cancellation and a rejection) racing, one releases.
    won = db.session.execute(
        sa.update(Booking).where(Booking.id == booking.id, Booking.status.in_(HOLDING_STATUSES))
        .values(status=BookingStatus.CANCELLED).execution_options(synchronize_session=False))
    if won.rowcount != 1:
        db.session.expire(booking, ["status"])
        raise rules.RuleError("cancelled", "该预约已取消。")
    capacity.release_places(booking.slot, booking.headcount, holder=holder_of(booking))
    booking.cancel(reason, now)
    booking.review_due_at = None
    log_action("booking.cancel", booking, actor=actor or "领队（管理链接）",
               summary=f"{booking.reference} 取消 {reason}"[:200])
    signals.booking_cancelled.send(booking, reason=reason)
    signals.places_released.send(booking.slot, persons=booking.headcount, now=now)


def move_booking(booking: Booking, new_slot: Slot, *, actor: str | None = None,
                 enforce_deadline: bool = True, now: datetime) -> None:
    """改约: move the group to another slot, in the caller's transaction (a full target rolls back
    and leaves the booking where it was). A pending booking moves and stays pending."""
    _require_holding(booking)
    old = booking.slot
    if new_slot.id == old.id:
        raise rules.RuleError("same_slot", "请选择另一个场次。", field="slot_id")
    if new_slot.event.edition_id != old.event.edition_id:
        raise rules.RuleError("other_edition", "只能改约本届活动周的场次。", field="slot_id")
    if enforce_deadline:
        rules.check_changeable(old, now)
    rules.check_bookable(new_slot, now)
    if find_duplicate(new_slot, booking.leader_mobile) is not None:
        raise DuplicateBooking()
    # Give back, then take: a move within one day must not count the group twice against its
    # fair shares (nor against its own venue when the two slots overlap).
    capacity.release_places(old, booking.headcount, holder=holder_of(booking))
    capacity.take_places(new_slot, booking.headcount, holder=holder_of(booking))
    booking.slot = new_slot
    before = {"students": booking.students, "teachers": booking.teachers, "slot_id": old.id}
    log_action("booking.move", booking, actor=actor or "领队（管理链接）", before={"slot_id": old.id},
               after={"slot_id": new_slot.id}, summary=f"{booking.reference} 改约 场次{old.id}→{new_slot.id}")
    signals.booking_changed.send(booking, before=before)
    signals.places_released.send(old, persons=booking.headcount, now=now)


def find_duplicate(slot: Slot, mobile: str) -> Booking | None:
    """The booking (confirmed or pending) this mobile already holds in ``slot`` — for the rule
    only: never shown to whoever typed the mobile."""
    return db.session.scalar(sa.select(Booking).where(
        Booking.slot_id == slot.id, Booking.leader_mobile == mobile,
        Booking.status.in_(HOLDING_STATUSES)))


def holder_of(booking: Booking) -> Holder:
    """Whose fair shares a booking's places count against."""
    return Holder.of(booking.leader_mobile, booking.school_name)


def by_manage_token(token: str) -> Booking:
    booking = db.session.scalar(sa.select(Booking).where(Booking.manage_token == token)) \
        if token else None
    if booking is None:
        raise NotFound("booking_not_found", "预约不存在或管理链接无效。")
    return booking


def alternatives(slot: Slot, persons: int, now: datetime, limit: int = 6) -> list[Slot]:
    """Other open group slots of the same edition that can really take ``persons`` and have not
    started at ``now`` (slot, venue at that time, campus day: ``capacity.places_left``), same
    event first, then soonest."""
    candidates = _other_group_slots(slot, persons, now, limit)
    left = capacity.places_left(candidates)
    return [s for s in candidates if left[s.id] >= persons][:limit]


def move_targets(booking: Booking, now: datetime, limit: int = 6) -> list[Slot]:
    """The slots ``move_booking`` can really take the group to at ``now`` (``places_for_move``)."""
    candidates = _other_group_slots(booking.slot, booking.headcount, now, limit)
    left = places_for_move(booking, candidates)
    return [s for s in candidates if left[s.id] >= booking.headcount][:limit]


def places_for_move(booking: Booking, slots: list[Slot]) -> dict[int, int]:
    """What a move of ``booking`` can take at each slot: ``move_booking`` gives the group's places
    back before taking the new ones, so they count neither at the venue then nor on that day."""
    return capacity.places_left(slots, released=(booking.slot, booking.headcount))


def _other_group_slots(slot: Slot, persons: int, now: datetime, limit: int) -> list[Slot]:
    """Candidates for ``alternatives``: by the slots' own places only, same event first."""
    return list(db.session.scalars(
        sa.select(Slot).join(Slot.event)
        .where(Event.edition_id == slot.event.edition_id, Slot.id != slot.id,
               Event.mode == ParticipationMode.GROUP, Slot.is_open.is_(True),
               Slot.is_rehearsal.is_(False), Slot.starts_at > now,
               Slot.capacity - Slot.booked >= persons)
        .order_by(sa.case((Slot.event_id == slot.event_id, 0), else_=1), Slot.starts_at)
        .limit(limit * 4)))


def _require_holding(booking: Booking) -> None:
    if not booking.holds_places:
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
