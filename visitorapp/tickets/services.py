"""Ticket lookups shared by the ticket page and the gate.

A ticket belongs to a group booking (团体预约) or to one person's registration (个人报名, also
what an accepted individual waiting-list offer becomes): both carry a ``ticket_nonce`` in the one
token format, so the same page, images and mails serve both.
"""
import sqlalchemy as sa

from ..booking.models import Booking
from ..errors import DomainError
from ..extensions import db
from ..registration.models import Registration
from . import tokens
from .tokens import TokenError

#: What a ticket token belongs to.
TicketHolder = Booking | Registration


def holder_for_token(raw: str | None, *, allow_revoked: bool = False) -> TicketHolder:
    """The booking or registration a ticket token belongs to, or TokenError(code) with a Chinese
    message: ``unknown`` (not a ticket of ours), ``forged`` (bad signature: tampered or another
    deployment), ``under_review`` (待审核: not valid until an organizer confirms), ``revoked``
    (cancelled). ``allow_revoked`` returns a holder whose ticket is not valid (the ticket page
    shows why). Validity is the holder's ``is_active``, nothing else."""
    nonce = tokens.verify(raw)
    holder = db.session.scalar(sa.select(Booking).where(Booking.ticket_nonce == nonce))
    if holder is None:
        holder = db.session.scalar(sa.select(Registration).where(Registration.ticket_nonce == nonce))
    if holder is None:
        raise TokenError("unknown", "票码无效：系统中没有这张入场码。")
    if not holder.is_active and not allow_revoked:
        if getattr(holder, "is_pending", False):
            raise TokenError("under_review",
                             f"入场码尚未生效：预约 {holder.reference} 正在等待活动周工作组审核。")
        what = "预约" if isinstance(holder, Booking) else "报名"
        raise TokenError("revoked", f"入场码已作废：{what} {holder.reference} 已取消。")
    return holder


def booking_for_token(raw: str | None, *, allow_revoked: bool = False) -> Booking:
    """Like ``holder_for_token``, for a group booking only (an individual's token is unknown)."""
    holder = holder_for_token(raw, allow_revoked=allow_revoked)
    if not isinstance(holder, Booking):
        raise TokenError("unknown", "票码无效：系统中没有这张入场码。")
    return holder


def resend_confirmation(holder: TicketHolder) -> str:
    """重发确认邮件: queue the confirmation (links, QR code) again to the holder's own address,
    recorded in the audit log; returns the masked address for the organizer's message. Only a
    valid ticket is resent: a cancelled or pending one would mail a code that does not admit."""
    from ..audit.models import log_action
    from ..registration import notifications as registration_mail
    from ..validators import mask_email
    from . import notifications as booking_mail
    if not holder.is_active:
        raise DomainError("not_active",
                          "该预约/报名当前没有有效的入场码（已取消或待审核），无法重发确认邮件。")
    if not holder.email or holder.anonymized:
        raise DomainError("no_email", "预约/报名时没有填写电子邮箱，无法发送；请电话联系并口头告知报名号。")
    if isinstance(holder, Booking):
        booking_mail.queue_booking_mail(holder, "confirmed", attachments=booking_mail.TICKET_ATTACHMENTS,
                                        resent=True)
    else:
        registration_mail.registration_confirmed(holder, resent=True)
    log_action(f"{type(holder).__name__.lower()}.resend", holder,
               summary=f"{holder.reference} 重发确认邮件至 {mask_email(holder.email)}")
    return mask_email(holder.email)
