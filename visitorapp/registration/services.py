"""Registration operations (个人报名): register, cancel, move — flush only; the caller commits.

The same capacity function as group bookings (``take_places(slot, 1, …)``), the same ticket
token format, and "one per person per event" held by a unique index on the mobile, so a double
tap or two browser tabs can never take two clinic slots. The student number is not a key: anyone
can type another student's number, and it must not lock the holder out (docs/privacy.md).
"""
from dataclasses import asdict, dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..audit.models import log_action
from ..booking import capacity, rules, signals
from ..errors import DomainError, NotFound
from ..extensions import db
from ..programme.models import ParticipationMode, Slot
from ..timeutil import format_datetime
from . import notifications
from .models import (
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    new_reference,
    scope_for,
)


@dataclass
class PersonDetails:
    """What one person fills in (already validated field by field)."""

    name: str
    mobile: str
    email: str = ""
    student_number: str = ""
    college: str = ""
    class_name: str = ""
    organisation: str = ""
    answers: dict = field(default_factory=dict)

    @property
    def is_internal(self) -> bool:
        return bool(self.student_number)

    def as_dict(self) -> dict:
        return asdict(self)


class DuplicateRegistration(DomainError):
    """This mobile already holds a slot of the event (or this slot, for a one-per-slot event).
    Like DuplicateBooking, the message names no registration (not its slot, not its reference):
    it points to the recovery page."""

    def __init__(self, per_slot: bool = False):
        what = "此场次，无需重复报名（本活动可另报其他场次）" if per_slot else \
            "此活动（每人限报一个场次），无需重复报名"
        super().__init__("duplicate", f"该手机号已报名{what}。"
                                      "如需查看、改约或取消，请使用报名成功时的管理链接；找不到链接可通过"
                                      "“找回预约/报名”页面发送到报名时填写的邮箱。", field="mobile")


def check_registrable(slot: Slot, now: datetime) -> None:
    """The slot takes individual sign-ups at ``now``: right mode, window open, not started, open."""
    rules.check_published(slot)
    if slot.event.mode != ParticipationMode.INDIVIDUAL or slot.is_rehearsal:
        raise rules.RuleError("not_individual_event", "该活动不接受个人报名。", field="slot_id")
    rules.check_window(slot.event.edition, now, noun="报名", field=None)
    if slot.starts_at <= now:
        raise rules.RuleError("slot_started", "该场次已开始或已结束，请选择其他场次。")
    if not slot.is_open:
        raise capacity.CapacityError("slot_closed", capacity.closed_message(slot))


def registrable_problem(slot: Slot, now: datetime) -> DomainError | None:
    """Why the slot takes no sign-up at ``now`` (window, start, paused), or None: for pages, so
    the form is offered only where it can succeed. Room is not in here (``places_left``)."""
    try:
        check_registrable(slot, now)
    except DomainError as exc:
        return exc
    return None


def individual_events(edition) -> list:
    """Published individual events of an edition with their public slots, in programme order."""
    from sqlalchemy.orm import selectinload

    from ..programme.models import Event
    return list(db.session.scalars(
        sa.select(Event).where(Event.edition_id == edition.id, Event.is_published.is_(True),
                               Event.mode == ParticipationMode.INDIVIDUAL)
        .options(selectinload(Event.slots).selectinload(Slot.venue)).order_by(Event.seq)))


def questions_for(event_id: int) -> list[RegistrationQuestion]:
    return list(db.session.scalars(sa.select(RegistrationQuestion).where(
        RegistrationQuestion.event_id == event_id).order_by(RegistrationQuestion.position,
                                                            RegistrationQuestion.id)))


def create_registration(slot: Slot, details: PersonDetails, *, source: str = "web",
                        enforce_window: bool = True, places_held: bool = False,
                        now: datetime) -> Registration:
    """Register one person, or raise a DomainError saying why not.

    ``places_held``: the place was already taken for this person (a waiting-list offer).
    Public sources (not "staff") need a published event, whatever the window.
    """
    if source != "staff":
        rules.check_published(slot)
    if enforce_window:
        check_registrable(slot, now)
    per_slot = slot.event.one_per_slot
    if find_duplicate(slot, details.mobile) is not None:
        raise DuplicateRegistration(per_slot)
    if not places_held:
        capacity.take_places(slot, 1, visitors=not details.is_internal)
    registration = Registration(slot=slot, event_id=slot.event_id, slot_scope=scope_for(slot),
                                reference=_unique_reference(slot), source=source,
                                **details.as_dict())
    try:
        # add inside the savepoint: begin_nested() flushes pending objects before it starts.
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        # A concurrent request from the same mobile won the unique index.
        if find_duplicate(slot, details.mobile) is None:
            raise
        raise DuplicateRegistration(per_slot) from None
    log_action("registration.create", registration, actor="报名人（网页）" if source == "web" else None,
               summary=f"{registration.reference} {slot.event.name}")
    notifications.registration_confirmed(registration)
    return registration


def cancel_registration(registration: Registration, *, actor: str | None = None,
                        now: datetime) -> None:
    """Cancel and free the place at once (the waiting list hears of it through the signal)."""
    _require_active(registration)
    if registration.slot.starts_at <= now:
        raise rules.RuleError("slot_started", "场次已开始，无法在线取消。")
    capacity.release_places(registration.slot, 1, visitors=not registration.is_internal)
    registration.cancel(now)
    log_action("registration.cancel", registration, actor=actor or "报名人（管理链接）",
               summary=f"{registration.reference} 取消")
    notifications.registration_cancelled(registration)
    signals.places_released.send(registration.slot, persons=1, now=now)


def move_registration(registration: Registration, new_slot: Slot, *, actor: str | None = None,
                      enforce_deadline: bool = True, now: datetime) -> None:
    """Move to another slot of the same event: the new place is taken before the old one is
    given back, in the caller's transaction, so a full target leaves everything as it was."""
    _require_active(registration)
    old = registration.slot
    if new_slot.id == old.id:
        raise rules.RuleError("same_slot", "请选择另一个场次。", field="slot_id")
    if new_slot.event_id != registration.event_id:
        raise rules.RuleError("other_event", "只能改约同一活动的其他场次。", field="slot_id")
    if enforce_deadline:
        rules.check_changeable(old, now)
    check_registrable(new_slot, now)
    if scope_for(new_slot) and find_duplicate(new_slot, registration.mobile) is not None:
        raise DuplicateRegistration(per_slot=True)
    visitors = not registration.is_internal
    capacity.take_places(new_slot, 1, visitors=visitors)
    capacity.release_places(old, 1, visitors=visitors)
    registration.slot = new_slot
    registration.slot_scope = scope_for(new_slot)
    log_action("registration.move", registration, actor=actor or "报名人（管理链接）",
               before={"slot_id": old.id}, after={"slot_id": new_slot.id},
               summary=f"{registration.reference} 改约 {format_datetime(new_slot.starts_at)}")
    notifications.registration_confirmed(registration, moved=True)
    signals.places_released.send(old, persons=1, now=now)


def other_slots(registration: Registration, now: datetime) -> list[Slot]:
    """Open slots of the same event, not started at ``now``, where this person really has a
    place (``places_for_move``), for the move page."""
    candidates = list(db.session.scalars(
        sa.select(Slot).where(Slot.event_id == registration.event_id,
                              Slot.id != registration.slot_id, Slot.is_open.is_(True),
                              Slot.is_rehearsal.is_(False), Slot.starts_at > now,
                              Slot.booked < Slot.capacity).order_by(Slot.starts_at)))
    left = places_for_move(registration, candidates)
    return [slot for slot in candidates if left[slot.id] >= 1]


def places_for_move(registration: Registration, slots: list[Slot]) -> dict[int, int]:
    """What a move of ``registration`` can take at each slot: ``move_registration`` takes the new
    place before it gives the old one back, counted against the campus day for a visitor."""
    return capacity.places_left(slots, visitors=not registration.is_internal)


def find_duplicate(slot: Slot, mobile: str) -> Registration | None:
    """The registration this mobile already holds that rules out one in ``slot``: any slot of the
    event (每人限报一个场次), or this slot for a one-per-slot event — for the rule, never shown."""
    return db.session.scalar(sa.select(Registration).where(
        Registration.event_id == slot.event_id, Registration.slot_scope == scope_for(slot),
        Registration.status == RegistrationStatus.CONFIRMED, Registration.mobile == mobile))


def repeated_student_numbers(event_id: int) -> set[str]:
    """Student numbers on more than one confirmed registration of the event. Not refused (a typed
    number proves nothing), but flagged for organizers to check at the gate or by phone."""
    return set(db.session.scalars(
        sa.select(Registration.student_number)
        .where(Registration.event_id == event_id, Registration.student_number != "",
               Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.student_number).having(sa.func.count() > 1)))


def by_manage_token(token: str) -> Registration:
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.manage_token == token)) if token else None
    if registration is None:
        raise NotFound("registration_not_found", "报名记录不存在或管理链接无效。")
    return registration


def registration_for_nonce(nonce: str) -> Registration | None:
    """For the gate: the registration whose ticket carries this nonce (tokens.verify(raw))."""
    return db.session.scalar(sa.select(Registration).where(Registration.ticket_nonce == nonce))


def registration_for_token(raw: str | None, *, allow_revoked: bool = False) -> Registration:
    """Like tickets.services.booking_for_token, for individual tickets: the same token format and
    the same TokenError codes (``unknown``, ``forged``, ``revoked``)."""
    from ..tickets.tokens import TokenError, verify
    registration = registration_for_nonce(verify(raw))
    if registration is None:
        raise TokenError("unknown", "票码无效：系统中没有这张入场码。")
    if not registration.is_active and not allow_revoked:
        raise TokenError("revoked", f"入场码已作废：报名 {registration.reference} 已取消。")
    return registration


def _require_active(registration: Registration) -> None:
    if not registration.is_active:
        raise rules.RuleError("cancelled", "该报名已取消。")


def _unique_reference(slot: Slot) -> str:
    for _ in range(20):
        ref = new_reference(slot)
        if not db.session.scalar(sa.select(sa.exists().where(Registration.reference == ref))):
            return ref
    raise RuntimeError("could not find a free reference code")
