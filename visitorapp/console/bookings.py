"""Staff work on bookings: search and filter, details changed on a teacher's behalf.

Headcount changes and cancellations go through ``visitorapp.booking.services`` (the same rules,
capacity function and signals as the teacher's own link); this module adds what only staff do.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..audit.models import log_action
from ..booking import capacity, rules
from ..booking.models import Booking, BookingStatus
from ..booking.noshows import no_show
from ..booking.services import find_duplicate, holder_of
from ..extensions import db
from ..programme.models import Event, Slot
from .services import ConsoleError, apply_changes


@dataclass
class BookingFilter:
    q: str = ""
    day: date | None = None
    venue_id: int | None = None
    slot_id: int | None = None
    status: str = ""
    stage: str = ""


def search(edition_id: int, f: BookingFilter, now: datetime) -> sa.Select:
    """Bookings of an edition matching the filter, newest slot first; 爽约 as of ``now``.

    ``q`` matches a reference code, part of a school name, or — four digits — a mobile's last four
    (what a teacher reads out on the phone).
    """
    stmt = (sa.select(Booking).join(Booking.slot).join(Slot.event)
            .where(Event.edition_id == edition_id)
            .options(selectinload(Booking.slot).selectinload(Slot.venue),
                     selectinload(Booking.slot).selectinload(Slot.event))
            .order_by(Slot.starts_at, Booking.id))
    q = f.q.strip()
    if q:
        if re.fullmatch(r"\d{4}", q):
            stmt = stmt.where(Booking.leader_mobile.endswith(q, autoescape=True))
        else:
            stmt = stmt.where(sa.or_(Booking.reference == q.upper(),
                                     Booking.school_name.contains(q, autoescape=True)))
    if f.day is not None:
        stmt = stmt.where(Slot.starts_on(f.day))
    if f.venue_id:
        stmt = stmt.where(Slot.venue_id == f.venue_id)
    if f.slot_id:
        stmt = stmt.where(Slot.id == f.slot_id)
    if f.status == "no_show":
        stmt = stmt.where(no_show(now))
    elif f.status:
        stmt = stmt.where(Booking.status == f.status)
    if f.stage:
        stmt = stmt.where(Booking.school_stage == f.stage)
    return stmt


DETAIL_FIELDS = ("school_name", "school_stage", "grades", "leader_name", "leader_mobile", "email",
                 "notes")


def update_details(booking: Booking, values: dict) -> None:
    """School and leader details changed by staff (e.g. the leader phoned in a new mobile)."""
    if not booking.holds_places:
        raise ConsoleError("cancelled", "该预约已取消，不能修改。")
    values = {k: values[k] for k in DETAIL_FIELDS if k in values}
    old_holder = holder_of(booking)
    if values["leader_mobile"] != booking.leader_mobile:
        other = find_duplicate(booking.slot, values["leader_mobile"])
        if other is not None and other.id != booking.id:
            raise ConsoleError("duplicate", f"该手机号已在此场次预约（{other.reference}）。",
                               field="leader_mobile")
    rules.check_group(booking.slot.event.edition, values["school_stage"], booking.students,
                      booking.teachers)
    # Mobiles are personal data: the audit log records that it changed, not the numbers.
    old_mobile = booking.leader_mobile
    changed = apply_changes(booking, {k: v for k, v in values.items() if k != "leader_mobile"},
                            "booking.details", f"{booking.reference} 修改预约信息")
    if values["leader_mobile"] != old_mobile:
        booking.leader_mobile = values["leader_mobile"]
        db.session.flush()
        log_action("booking.mobile", booking, summary=f"{booking.reference} 修改领队手机号",
                   before={"leader_mobile": _masked(old_mobile)},
                   after={"leader_mobile": _masked(values["leader_mobile"])})
    # Another mobile or school name: the group's places count against the new one's fair shares.
    capacity.change_holder(booking.slot, booking.headcount, old_holder, holder_of(booking))
    return changed


def _masked(mobile: str) -> str:
    from ..validators import mask_mobile
    return mask_mobile(mobile)


__all__ = ["BookingFilter", "BookingStatus", "search", "update_details"]
