"""OutboxMessage: one email waiting to be sent, sent, or given up on."""
import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  #: waiting for its first or next attempt
    SENDING = "sending"  #: claimed by a sender (a crash leaves it to be reclaimed after a lease)
    SENT = "sent"
    FAILED = "failed"    #: gave up after the last attempt; an organizer may resend

    @property
    def label(self) -> str:
        return {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败"}[self.value]


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: What it is: "booking.confirmed", "booking.changed", "booking.cancelled", "booking.reminder" …
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    #: Makes enqueueing idempotent (e.g. one reminder per booking): unique when set.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking.id", ondelete="SET NULL"),
                                                   index=True)
    #: The week the mail is about, so the purge finds every mail of a week (registrations,
    #: waiting lists and recovery mails have no booking_id).
    edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(120))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    #: Attachments described, not stored: rendered at send time (e.g. {"type": "ticket_png"}).
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[MessageStatus] = mapped_column(
        sa.Enum(MessageStatus, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e]),
        default=MessageStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
