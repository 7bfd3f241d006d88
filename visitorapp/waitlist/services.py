"""Waiting-list operations (候补): join, offer freed places, accept, expire — flush only.

An offer *holds* its places: they are taken from the slot with ``take_places`` when offered and
given back by ``release_places`` when the offer expires, so nobody else can book them meanwhile
and every step is atomic with capacity. Offers go in queue order to the first entry that fits
(a group of 40 does not block a group of 10 when 12 places free up).
"""
from dataclasses import asdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..audit.models import log_action
from ..booking import capacity, noshows, rules, signals
from ..booking import services as booking_services
from ..errors import DomainError, NotFound
from ..extensions import db
from ..programme.models import Event, ParticipationMode, Slot
from ..registration import services as registration_services
from ..timeutil import format_datetime, local_day_bounds
from . import notifications
from .models import EntryKind, EntryStatus, WaitlistEntry


class WaitlistError(DomainError):
    status = 422


ALREADY_WAITING = ("该手机号已在此场次的候补队列中，无需重复登记。找不到候补链接可通过“找回预约/报名”页面"
                   "发送到登记时填写的邮箱。")


def join(slot: Slot, kind: EntryKind, *, name: str, mobile: str, email: str, headcount: int,
         details: dict, now: datetime, visitors: bool = True) -> WaitlistEntry:
    """Queue for a full slot not started at ``now`` (only a full one: with room, book it
    directly). Full means what
    the pages say: fewer places than ``headcount`` by ``capacity.places_left`` (the slot, the
    venue at that time and, for visitors, the campus day), not only the slot's own count."""
    rules.check_published(slot)
    expected = ParticipationMode.GROUP if kind == EntryKind.GROUP else ParticipationMode.INDIVIDUAL
    if slot.event.mode != expected or slot.is_rehearsal:
        raise WaitlistError("wrong_mode", "该场次不接受此类候补。")
    if slot.starts_at <= now:
        raise WaitlistError("slot_started", "该场次已开始或已结束，无法候补。")
    if capacity.places_left([slot], visitors=visitors)[slot.id] >= headcount:
        raise WaitlistError("not_full", "该场次仍有名额，请直接预约/报名。")
    if open_entry(slot, mobile) is not None:
        # Not where in the queue: whoever typed the mobile may not be the one waiting.
        raise WaitlistError("already_waiting", ALREADY_WAITING, field="mobile")
    entry = WaitlistEntry(slot=slot, kind=kind, name=name, mobile=mobile, email=email,
                          headcount=headcount, details=details, visitors=visitors)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        raise WaitlistError("already_waiting", ALREADY_WAITING, field="mobile") from None
    log_action("waitlist.join", entry, actor="候补人（网页）",
               summary=f"场次{slot.id} 候补 {headcount}人")
    notifications.joined(entry)
    return entry


def join_group(slot: Slot, details: booking_services.GroupDetails, now: datetime) -> WaitlistEntry:
    """A school group queues for a full slot under the booking's own group rules (size, the
    teacher-to-student ratio, the edition's no-show hold), so the offer it may get is bookable."""
    edition = slot.event.edition
    rules.check_group(edition, details.school_stage, details.students, details.teachers)
    noshows.check_hold(edition, details.leader_mobile, now)
    return join(slot, EntryKind.GROUP, name=details.school_name, mobile=details.leader_mobile,
                email=details.email, headcount=details.headcount, details=asdict(details), now=now)


def join_individual(slot: Slot, details: registration_services.PersonDetails,
                    now: datetime) -> WaitlistEntry:
    """One person queues for a full registration slot."""
    return join(slot, EntryKind.INDIVIDUAL, name=details.name, mobile=details.mobile,
                email=details.email, headcount=1, details=details.as_dict(),
                visitors=not details.is_internal, now=now)


def offer_window(slot: Slot, now: datetime) -> timedelta:
    """24 h by default; close to the day a third of the time left (at least 1 h), so places
    freed the evening before still reach someone who can use them."""
    default = timedelta(hours=current_app.config.get("WAITLIST_OFFER_HOURS", 24))
    left = slot.starts_at - now
    return max(timedelta(hours=1), min(default, left / 3))


def offer_freed_places(slot: Slot, now: datetime) -> list[WaitlistEntry]:
    """Offer what is free in ``slot`` at ``now`` to waiting entries in order, each to the first
    that fits."""
    if slot.starts_at <= now:
        return []
    offered = []
    db.session.refresh(slot, ["booked", "is_open", "capacity"])
    waiting = db.session.scalars(
        sa.select(WaitlistEntry).where(WaitlistEntry.slot_id == slot.id,
                                       WaitlistEntry.status == EntryStatus.WAITING)
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)).all()
    for entry in waiting:
        if not slot.is_open or slot.remaining <= 0:
            break
        if entry.headcount > slot.remaining:
            continue  # too big for what is free; a smaller entry behind it may fit
        try:
            with db.session.begin_nested():
                capacity.take_places(slot, entry.headcount, visitors=entry.visitors)
                if not _transition(entry, (EntryStatus.WAITING,), EntryStatus.OFFERED, now,
                                   offered_at=now, offer_expires_at=now + offer_window(slot, now)):
                    raise capacity.CapacityError("entry_changed", "")  # left meanwhile: undo
        except capacity.CapacityError:
            continue  # e.g. the campus day is full for visitors; our own students may still fit
        log_action("waitlist.offer", entry, actor="系统",
                   summary=f"场次{slot.id} 向候补发出 {entry.headcount} 个名额")
        notifications.offered(entry)
        offered.append(entry)
        db.session.refresh(slot, ["booked"])
    return offered


def accept(entry: WaitlistEntry, now: datetime):
    """Turn a live offer into a booking or registration, using the places it holds."""
    if entry.status != EntryStatus.OFFERED:
        raise WaitlistError("no_offer", "当前没有待确认的名额。")
    if entry.offer_expires_at <= now:
        raise WaitlistError("offer_expired", "名额确认已超时，名额已顺延给下一位候补。")
    if not _transition(entry, (EntryStatus.OFFERED,), EntryStatus.ACCEPTED, now,
                       WaitlistEntry.offer_expires_at > now):
        raise WaitlistError("no_offer", "名额已处理（已确认或已超时），请刷新页面查看。")
    slot = entry.slot
    if entry.kind == EntryKind.GROUP:
        # The held places become the booking's: give them back and take them again in the
        # same transaction (the slot row stays locked, nobody can slip in between).
        capacity.release_places(slot, entry.headcount, visitors=entry.visitors)
        result = booking_services.create_booking(
            slot, booking_services.GroupDetails(**entry.details), source="web",
            enforce_window=False, now=now)
        entry.booking_id = result.id
    else:
        result = registration_services.create_registration(
            slot, registration_services.PersonDetails(**entry.details), enforce_window=False,
            places_held=True, now=now)
        entry.registration_id = result.id
    log_action("waitlist.accept", entry, actor="候补人（确认链接）", summary=f"场次{slot.id} 候补转正")
    return result


def leave(entry: WaitlistEntry, now: datetime) -> None:
    """The person leaves the queue at ``now``; a held offer goes to the next entry."""
    if not entry.is_open:
        raise WaitlistError("closed", "该候补已结束。")
    was_offered = entry.status == EntryStatus.OFFERED
    if not _transition(entry, (entry.status,), EntryStatus.LEFT, now):
        raise WaitlistError("closed", "该候补状态已变化，请刷新页面查看。")
    log_action("waitlist.leave", entry, actor="候补人（链接）", summary=f"场次{entry.slot_id} 退出候补")
    if was_offered:
        capacity.release_places(entry.slot, entry.headcount, visitors=entry.visitors)
        offer_freed_places(entry.slot, now)


def expire_offers(now: datetime) -> int:
    """Close offers past their time, give their places back and offer them to the next entries."""
    stale = db.session.scalars(
        sa.select(WaitlistEntry).where(WaitlistEntry.status == EntryStatus.OFFERED,
                                       WaitlistEntry.offer_expires_at <= now)
        .order_by(WaitlistEntry.id)).all()
    slots = {}
    for entry in stale:
        if not _transition(entry, (EntryStatus.OFFERED,), EntryStatus.EXPIRED, now,
                           WaitlistEntry.offer_expires_at <= now):
            continue  # accepted or left at this very moment: its places are not ours to free
        capacity.release_places(entry.slot, entry.headcount, visitors=entry.visitors)
        log_action("waitlist.expire", entry, actor="系统",
                   summary=f"场次{entry.slot_id} 候补名额超时（{format_datetime(entry.offer_expires_at)}）")
        notifications.expired(entry)
        slots[entry.slot_id] = entry.slot
    for slot in slots.values():
        offer_freed_places(slot, now)
    # Places freed without a signal (an organizer raised the capacity or reopened a slot).
    for slot in db.session.scalars(
            sa.select(Slot).where(Slot.starts_at > now, Slot.is_open.is_(True),
                                  Slot.booked < Slot.capacity,
                                  Slot.id.in_(sa.select(WaitlistEntry.slot_id).where(
                                      WaitlistEntry.status == EntryStatus.WAITING)))):
        if slot.id not in slots:
            offer_freed_places(slot, now)
    return len(stale)


def _transition(entry: WaitlistEntry, from_statuses, to: EntryStatus, now: datetime, *conditions,
                **values) -> bool:
    """Change state at ``now`` only if still in ``from_statuses`` (a conditional UPDATE): an
    acceptance and an expiry racing for the same offer cannot both win, so held places are never
    counted twice."""
    if to not in (EntryStatus.WAITING, EntryStatus.OFFERED):
        values.setdefault("closed_at", now)
    result = db.session.execute(
        sa.update(WaitlistEntry)
        .where(WaitlistEntry.id == entry.id, WaitlistEntry.status.in_(from_statuses), *conditions)
        .values(status=to, **values).execution_options(synchronize_session=False))
    db.session.expire(entry)
    return result.rowcount == 1


def open_entry(slot: Slot, mobile: str) -> WaitlistEntry | None:
    return db.session.scalar(sa.select(WaitlistEntry).where(
        WaitlistEntry.slot_id == slot.id, WaitlistEntry.mobile == mobile,
        WaitlistEntry.status.in_((EntryStatus.WAITING, EntryStatus.OFFERED))))


def position(entry: WaitlistEntry) -> int:
    """1-based place among the entries still waiting for the slot."""
    return 1 + (db.session.scalar(sa.select(sa.func.count()).where(
        WaitlistEntry.slot_id == entry.slot_id, WaitlistEntry.status == EntryStatus.WAITING,
        WaitlistEntry.id < entry.id)) or 0)


def by_token(token: str) -> WaitlistEntry:
    entry = db.session.scalar(sa.select(WaitlistEntry).where(WaitlistEntry.token == token)) \
        if token else None
    if entry is None:
        raise NotFound("waitlist_not_found", "候补记录不存在或链接无效。")
    return entry


def queue(edition_id: int | None = None) -> list[WaitlistEntry]:
    """Open and recent entries for the organizers' page, by slot then queue order."""
    stmt = (sa.select(WaitlistEntry).join(WaitlistEntry.slot)
            .order_by(Slot.starts_at, WaitlistEntry.slot_id, WaitlistEntry.id))
    if edition_id is not None:
        from ..programme.models import Event
        stmt = stmt.join(Slot.event).where(Event.edition_id == edition_id)
    return list(db.session.scalars(stmt))


def _on_places_released(slot: Slot, *, now: datetime, persons: int = 0, **_) -> None:
    """Receiver: a cancellation, a smaller group or a move freed places in ``slot`` at ``now``
    (the sender's moment: a missing ``now`` is a TypeError, not a silent read of the clock).

    The places also count at the venue at that time and against the campus day, which the day's
    other slots share: a clinic queued because the venue was at its limit gets its offer when the
    group beside it cancels, at once rather than at the next ``expire-offers`` run. The freeing
    slot's own list comes first."""
    for waiting in slots_waiting_on_the_day(slot, now):
        offer_freed_places(waiting, now)


def slots_waiting_on_the_day(slot: Slot, now: datetime) -> list[Slot]:
    """Slots of ``slot``'s edition and day, not started at ``now``, that have someone waiting:
    ``slot`` first, then by start time."""
    start, end = local_day_bounds(slot.local_day)
    return list(db.session.scalars(
        sa.select(Slot).join(Event, Slot.event_id == Event.id)
        .where(Event.edition_id == slot.event.edition_id, Slot.starts_at >= start,
               Slot.starts_at < end, Slot.starts_at > now,
               Slot.id.in_(sa.select(WaitlistEntry.slot_id)
                           .where(WaitlistEntry.status == EntryStatus.WAITING)))
        .order_by(sa.case((Slot.id == slot.id, 0), else_=1), Slot.starts_at, Slot.id)))


def connect_signals() -> None:
    signals.places_released.connect(_on_places_released, weak=False)

