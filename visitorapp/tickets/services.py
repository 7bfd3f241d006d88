"""Ticket lookups shared by the ticket page and the gate."""
import sqlalchemy as sa

from ..booking.models import Booking, BookingStatus
from ..extensions import db
from . import tokens
from .tokens import TokenError


def booking_for_token(raw: str | None, *, allow_revoked: bool = False) -> Booking:
    """The booking a ticket token belongs to, or TokenError(code) with a Chinese message:
    ``unknown`` (not a ticket of ours), ``forged`` (bad signature: tampered or another
    deployment), ``revoked`` (the booking was cancelled)."""
    nonce = tokens.verify(raw)
    booking = db.session.scalar(sa.select(Booking).where(Booking.ticket_nonce == nonce))
    if booking is None:
        raise TokenError("unknown", "票码无效：系统中没有这张入场码。")
    if booking.status == BookingStatus.CANCELLED and not allow_revoked:
        raise TokenError("revoked", f"入场码已作废：预约 {booking.reference} 已取消。")
    return booking
