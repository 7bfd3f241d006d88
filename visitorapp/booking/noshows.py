"""No-shows (爽约): the one rule, and the edition rule that may hold a no-show's mobile.

A booking is a no-show when it is confirmed, its slot (not a gate rehearsal) has ended, and
nobody of the group arrived at the gate. ``no_show(now)`` is that rule as one SQL expression:
the dashboard, the console's filter, exports, 附件1 and the hold rule all ask it, so they agree
at any moment. `flask bookings mark-no-shows` (nightly) stores the answer in ``no_show_at`` for
the record; it keeps the stored flag equal to the rule (a late offline sync that shows the
group came clears it), and no reader depends on it having run.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..audit.models import log_action
from ..checkin.counts import arrived
from ..extensions import db
from ..programme.models import Edition, Event, Slot
from .models import Booking, BookingStatus
from .rules import RuleError

#: The booking's own slot, apart from any Slot the caller's query joins.
_slot = aliased(Slot)


def no_show(now: datetime) -> sa.ColumnElement[bool]:
    """SQL over ``Booking``: 爽约 at ``now`` — confirmed, its slot ended, nobody arrived."""
    ended = sa.exists().where(_slot.id == Booking.slot_id, _slot.ends_at <= now,
                              _slot.is_rehearsal.is_(False))
    return sa.and_(Booking.status == BookingStatus.CONFIRMED, ended, ~arrived(Booking.id))


def slot_ended(slot: Slot, now: datetime) -> bool:
    """The slot is over at ``now`` (the no-show rule's "ended", for one slot in Python)."""
    return slot.ends_at <= now


def no_show_ids(booking_ids, now: datetime) -> set[int]:
    """The no-shows among some bookings (a page of the console's list)."""
    ids = list(booking_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Booking.id).where(Booking.id.in_(ids), no_show(now))))


def mark_no_shows(now: datetime) -> list[Booking]:
    """Store the rule's answer in ``no_show_at``: mark new no-shows, clear groups that arrived
    after all (an offline scan synced late). Returns the newly marked bookings."""
    rule = no_show(now)
    marked = db.session.scalars(sa.select(Booking).where(Booking.no_show_at.is_(None), rule)
                                .order_by(Booking.id)).all()
    for booking in marked:
        booking.no_show_at = now
        log_action("booking.no_show", booking, actor="系统", summary=f"{booking.reference} 爽约")
    for booking in db.session.scalars(sa.select(Booking).where(Booking.no_show_at.is_not(None),
                                                                ~rule)):
        booking.no_show_at = None
        log_action("booking.no_show_undo", booking, actor="系统",
                   summary=f"{booking.reference} 已有到场记录，取消爽约")
    db.session.flush()
    return list(marked)


def check_hold(edition: Edition, mobile: str, now: datetime) -> None:
    """When the edition holds no-shows, a mobile with a no-show this week may not book again."""
    if not edition.hold_no_shows:
        return
    held = db.session.scalar(sa.select(sa.exists().where(
        Booking.leader_mobile == mobile, no_show(now),
        Booking.slot_id == Slot.id, Slot.event_id == Event.id, Event.edition_id == edition.id)))
    if held:
        raise RuleError("no_show_hold", "该手机号本周已有预约未到场（爽约）记录，按活动周规定本周内暂停预约。"
                                        "如有特殊情况请联系活动周工作组。", field="leader_mobile")


def no_show_bookings(edition: Edition, now: datetime) -> list[Booking]:
    return list(db.session.scalars(
        sa.select(Booking).join(Booking.slot).join(Slot.event)
        .where(Event.edition_id == edition.id, no_show(now))
        .order_by(Slot.starts_at, Booking.id)))


def set_hold(edition: Edition, hold: bool) -> None:
    """The organizer's rule, audited like every staff change."""
    before = edition.hold_no_shows
    edition.hold_no_shows = hold
    log_action("settings.no_show_hold", edition, before={"hold_no_shows": before},
               after={"hold_no_shows": hold}, summary=f"爽约规则 {'开启' if hold else '关闭'}")
