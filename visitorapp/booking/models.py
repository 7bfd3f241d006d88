"""The Booking model: one school group's reservation of a slot."""
import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db
from ..programme.models import Slot
from ..timeutil import local, utcnow


class SchoolStage(enum.StrEnum):
    """学段"""

    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"
    SECONDARY_VOCATIONAL = "secondary_vocational"
    HIGHER_VOCATIONAL = "higher_vocational"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.value]


STAGE_LABELS = {"primary": "小学", "junior": "初中", "senior": "高中",
                "secondary_vocational": "中职", "higher_vocational": "高职"}


class BookingStatus(enum.StrEnum):
    #: 待审核: above the edition's approval threshold; the places are held, the ticket is not valid
    #: until an organizer confirms (or the review deadline passes and the places are released).
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"pending": "待审核", "confirmed": "已确认", "cancelled": "已取消"}[self.value]


#: Statuses that hold places (slot, venue, campus day, fair shares) and block a second booking
#: of the same slot from the same mobile.
HOLDING_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


#: No 0/O, 1/I/L: reference codes are read aloud on the phone and typed at the gate.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(slot: Slot, prefix: str = "TY") -> str:
    """A short human code such as TY-0513-4K7Q (prefix, slot day, 4 random characters)."""
    day = local(slot.starts_at)
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))
    return f"{prefix}-{day:%m%d}-{tail}"


def new_manage_token() -> str:
    return secrets.token_urlsafe(24)


def new_ticket_nonce() -> str:
    from ..tickets.tokens import new_nonce
    return new_nonce()


def _enum(e):
    return sa.Enum(e, native_enum=False, length=30, values_callable=lambda x: [m.value for m in x])


class Booking(db.Model):
    """团体预约: a school group (students + teachers) booked into one slot."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("slot.id"), index=True)
    #: Short code people read and type (TY-0513-4K7Q).
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: Secret for the teacher's management link (view, change, cancel). Never in a QR code.
    manage_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_manage_token)
    #: Random part of the ticket token the QR code carries (see visitorapp.tickets.tokens).
    ticket_nonce: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_ticket_nonce)

    school_name: Mapped[str] = mapped_column(sa.String(50))
    school_stage: Mapped[SchoolStage] = mapped_column(_enum(SchoolStage))
    grades: Mapped[str] = mapped_column(sa.String(50), default="")
    students: Mapped[int]
    teachers: Mapped[int]
    leader_name: Mapped[str] = mapped_column(sa.String(30))
    leader_mobile: Mapped[str] = mapped_column(sa.String(20), index=True)
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    status: Mapped[BookingStatus] = mapped_column(_enum(BookingStatus),
                                                  default=BookingStatus.CONFIRMED)
    #: "web", "api" or "staff": where the booking came from.
    source: Mapped[str] = mapped_column(sa.String(10), default="web")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    #: 爽约 as last stored by `flask bookings mark-no-shows`, for the record. Readers ask the rule
    #: (``booking.noshows.no_show(now)``), which gives the same answer before the job runs.
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: 待审核 only: when the held places are released if no organizer has decided by then.
    review_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Personal data replaced by placeholders (flask purge-personal-data); counts kept.
    anonymized: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    slot: Mapped[Slot] = relationship()

    __table_args__ = (
        sa.CheckConstraint("students >= 0 AND teachers >= 1", name="headcount_valid"),
        # One booking holding places per slot and mobile: a double submit finds the first.
        sa.Index("uq_booking_slot_mobile_holding", "slot_id", "leader_mobile", unique=True,
                 sqlite_where=sa.text("status IN ('confirmed', 'pending')"),
                 postgresql_where=sa.text("status IN ('confirmed', 'pending')")),
    )

    @property
    def headcount(self) -> int:
        """Persons this booking brings: students plus teachers."""
        return self.students + self.teachers

    @property
    def is_active(self) -> bool:
        """The one ticket-validity predicate: confirmed (not pending review, not cancelled).

        The gate, the ticket page, the QR images and the mails read this, never ``status``."""
        return self.status == BookingStatus.CONFIRMED

    @property
    def holds_places(self) -> bool:
        """Confirmed or pending review: its places are taken; the holder may change or cancel."""
        return self.status in HOLDING_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status == BookingStatus.PENDING

    def cancel(self, reason: str, now: datetime) -> None:
        """The one place a booking becomes cancelled (places are released by the service)."""
        self.status = BookingStatus.CANCELLED
        self.cancelled_at = now
        self.cancel_reason = reason


class DailyShare(db.Model):
    """公平份额: persons one mobile (or one school) holds on one day of an edition.

    Kept by ``visitorapp.booking.shares`` with the same conditional UPDATEs as the slot and campus
    counters, inside the capacity transaction; ``key`` is the normalised mobile or school name
    (what matching compares), so the row is personal data and goes with the purge.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    day: Mapped[date]
    #: "mobile" or "school"
    kind: Mapped[str] = mapped_column(sa.String(10))
    key: Mapped[str] = mapped_column(sa.String(120))
    persons: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("edition_id", "day", "kind", "key", name="uq_daily_share_key"),
        sa.CheckConstraint("persons >= 0", name="persons_not_negative"),
    )
