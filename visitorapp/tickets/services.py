"""Ticket lookups shared by the ticket page and the gate."""
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..booking.models import Booking
from ..extensions import db
from ..programme.models import Event, Slot
from . import tokens
from .tokens import TokenError


def booking_for_token(raw: str | None, *, allow_revoked: bool = False) -> Booking:
    """The booking a ticket token belongs to, or TokenError(code) with a Chinese message:
    ``unknown`` (not a ticket of ours), ``forged`` (bad signature: tampered or another
    deployment), ``under_review`` (待审核: not valid until an organizer confirms), ``revoked``
    (the booking was cancelled). ``allow_revoked`` returns a booking whose ticket is not valid
    (the ticket page shows why). Validity is ``Booking.is_active``, nothing else."""
    nonce = tokens.verify(raw)
    # With what the ticket page shows (slot, venue, event, edition): one statement.
    booking = db.session.scalar(sa.select(Booking).where(Booking.ticket_nonce == nonce).options(
        joinedload(Booking.slot).options(joinedload(Slot.venue),
                                         joinedload(Slot.event).joinedload(Event.edition))))
    if booking is None:
        raise TokenError("unknown", "票码无效：系统中没有这张入场码。")
    if not booking.is_active and not allow_revoked:
        if booking.is_pending:
            raise TokenError("under_review",
                             f"入场码尚未生效：预约 {booking.reference} 正在等待活动周工作组审核。")
        raise TokenError("revoked", f"入场码已作废：预约 {booking.reference} 已取消。")
    return booking
