"""Who a ticket belongs to: one lookup from what the gate scanned or typed to its holder.

A holder is a group booking (团体预约) or an individual registration (个人报名, one person). The
scanned token is verified once (``tokens.verify``) and its nonce looked up among bookings, then
registrations; a booking or registration reference typed into the manual box (TY-0513-4K7Q,
BM-0513-4K7Q) is looked up directly — gate staff are signed in, and they can search by reference
anyway. Cancelled holders are returned too: the outcome says "revoked", with the reference.
"""
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..booking.models import Booking, SchoolStage
from ..extensions import db
from ..programme.models import Event, Slot
from ..registration.models import Registration
from ..tickets import tokens
from ..tickets.tokens import TokenError

#: A reference as typed at the gate (the tokens' normalise() already upper-cased it).
REFERENCE_RE = re.compile(r"^[A-Z]{2}-\d{4}-[A-Z0-9]{4}$")


@dataclass(frozen=True)
class Holder:
    """The booking or the registration a ticket belongs to (exactly one is set)."""

    booking: Booking | None = None
    registration: Registration | None = None

    @property
    def is_group(self) -> bool:
        return self.booking is not None

    @property
    def record(self) -> Booking | Registration:
        return self.booking if self.booking is not None else self.registration

    @property
    def slot(self) -> Slot:
        return self.record.slot

    @property
    def reference(self) -> str:
        return self.record.reference

    @property
    def is_active(self) -> bool:
        """The ticket is valid (``Booking.is_active``: confirmed, not pending, not cancelled)."""
        return self.record.is_active

    @property
    def is_pending(self) -> bool:
        """A group booking waiting for an organizer's review (待审核): places held, ticket not valid."""
        return self.booking is not None and self.booking.is_pending

    @property
    def booked(self) -> tuple[int, int]:
        """(students, teachers) the ticket is for; a registration is one person, counted as a student."""
        if self.booking is not None:
            return self.booking.students, self.booking.teachers
        return 1, 0

    @property
    def label(self) -> str:
        """What the gate shows: the school, or the registrant's unit (never a person's name)."""
        if self.booking is not None:
            return self.booking.school_name
        r = self.registration
        unit = r.organisation or " ".join(filter(None, (r.college, r.class_name)))
        return f"个人报名 {unit}".strip()

    @property
    def stage(self) -> str:
        return SchoolStage(self.booking.school_stage).label if self.booking is not None else "个人"

    def key(self) -> dict:
        """The column that names this holder on CheckIn and Attendance rows."""
        if self.booking is not None:
            return {"booking_id": self.booking.id}
        return {"registration_id": self.registration.id}


def resolve(raw: str | None) -> Holder:
    """The holder of a scanned token or typed reference, or TokenError (``unknown``, ``forged``)."""
    text = tokens.normalise(raw)
    if REFERENCE_RE.match(text):
        holder = _by(Booking.reference == text, Registration.reference == text)
        if holder is None:
            raise TokenError("unknown", f"没有编号为 {text} 的预约或报名。")
        return holder
    nonce = tokens.verify(text)
    holder = _by(Booking.ticket_nonce == nonce, Registration.ticket_nonce == nonce)
    if holder is None:
        raise TokenError("unknown", "票码无效：系统中没有这张入场码。")
    return holder


def for_booking(booking: Booking) -> Holder:
    return Holder(booking=booking)


def for_registration(registration: Registration) -> Holder:
    return Holder(registration=registration)


def _by(booking_clause, registration_clause) -> Holder | None:
    # The slot, its venue and event come in the same statement: every answer needs them.
    slot_opts = (joinedload(Slot.venue), joinedload(Slot.event).joinedload(Event.edition))
    booking = db.session.scalar(sa.select(Booking).where(booking_clause).options(
        joinedload(Booking.slot).options(*slot_opts)))
    if booking is not None:
        return Holder(booking=booking)
    registration = db.session.scalar(sa.select(Registration).where(registration_clause).options(
        joinedload(Registration.slot).options(*slot_opts)))
    return Holder(registration=registration) if registration is not None else None
