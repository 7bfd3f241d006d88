"""待审核 (approval mode), as museums run group visits: a group above the edition's threshold holds
its places while an organizer confirms or rejects it; undecided by the deadline, it is released.

While pending the booking holds its places (slot, venue, campus day, fair shares) and blocks a
second booking of the slot from the same mobile, but its ticket is not valid (``Booking.is_active``
is the one predicate the gate, ticket page and mails read). Each outcome is a conditional UPDATE
from ``pending``, so a confirmation and the deadline (or a rejection) racing for one booking cannot
both win — a confirmed booking always still holds its places.

Mails for each outcome go through the outbox (``visitorapp.tickets.notifications`` listens to the
signals). `flask bookings expire-pending` releases what is past its deadline (cron, like
``waitlist expire-offers``).
"""
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..audit.models import log_action
from ..extensions import db
from ..programme.models import Edition, Slot
from ..timeutil import format_datetime
from . import capacity, signals
from .models import Booking, BookingStatus
from .rules import RuleError


def needs_review(edition: Edition, headcount: int) -> bool:
    """A group larger than the edition's threshold waits for an organizer (None: mode off)."""
    return edition.approval_threshold is not None and headcount > edition.approval_threshold


def review_due(slot: Slot, now: datetime) -> datetime:
    """When undecided places go back: ``approval_hours`` from now, at the latest the slot's start."""
    return min(now + timedelta(hours=slot.event.edition.approval_hours), slot.starts_at)


def hold_for_review(booking: Booking, now: datetime) -> None:
    """Make a new (or grown) booking wait for review; its places stay taken."""
    booking.status = BookingStatus.PENDING
    booking.review_due_at = review_due(booking.slot, now)


def confirm(booking: Booking, *, now: datetime, actor: str | None = None) -> None:
    """审核通过: the ticket becomes valid; the leader gets the confirmation with the QR code."""
    if not _transition(booking, BookingStatus.CONFIRMED, Booking.review_due_at > now):
        raise RuleError("not_pending", "该预约已不在待审核状态（已处理、已取消或已超过审核期限）。")
    booking.review_due_at = None
    log_action("booking.approve", booking, actor=actor,
               summary=f"{booking.reference} 审核通过（{booking.headcount}人）")
    signals.booking_approved.send(booking)


def reject(booking: Booking, *, reason: str, now: datetime, actor: str | None = None) -> None:
    """审核未通过: the places are released at once and the leader is told why."""
    if not reason.strip():
        raise RuleError("reason_required", "请填写未通过的原因（将通知领队教师）。", field="reason")
    if not _transition(booking, BookingStatus.CANCELLED):
        raise RuleError("not_pending", "该预约已不在待审核状态（已处理或已取消）。")
    _release(booking, f"审核未通过：{reason.strip()}"[:200], now)
    log_action("booking.reject", booking, actor=actor,
               summary=f"{booking.reference} 审核未通过：{reason.strip()}"[:200])
    signals.booking_rejected.send(booking, reason=reason.strip(), expired=False)
    signals.places_released.send(booking.slot, persons=booking.headcount, now=now)


def expire_due(now: datetime) -> list[Booking]:
    """Release every pending booking whose review deadline has passed."""
    due = db.session.scalars(sa.select(Booking).where(
        Booking.status == BookingStatus.PENDING, Booking.review_due_at <= now)
        .order_by(Booking.id)).all()
    expired = []
    for booking in due:
        if not _transition(booking, BookingStatus.CANCELLED, Booking.review_due_at <= now):
            continue  # decided at this very moment: not ours to release
        _release(booking, "审核超时，名额已释放", now)
        log_action("booking.review_expired", booking, actor="系统",
                   summary=f"{booking.reference} 审核超时（{format_datetime(now)}），名额已释放")
        signals.booking_rejected.send(booking, reason="", expired=True)
        signals.places_released.send(booking.slot, persons=booking.headcount, now=now)
        expired.append(booking)
    return expired


def pending_count(edition_id: int) -> int:
    """Bookings of an edition waiting for a decision (for the organizers' list)."""
    from ..programme.models import Event
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Booking).join(Booking.slot).join(Slot.event)
        .where(Event.edition_id == edition_id, Booking.status == BookingStatus.PENDING)) or 0


def _transition(booking: Booking, to: BookingStatus, *conditions) -> bool:
    """pending → ``to`` only if still pending (and ``conditions`` hold): True if this call won."""
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == BookingStatus.PENDING, *conditions)
        .values(status=to).execution_options(synchronize_session=False))
    db.session.expire(booking, ["status"])
    return result.rowcount == 1


def _release(booking: Booking, reason: str, now: datetime) -> None:
    from .services import holder_of
    capacity.release_places(booking.slot, booking.headcount, holder=holder_of(booking))
    booking.cancel(reason, now=now)
    booking.review_due_at = None
