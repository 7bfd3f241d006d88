"""WaitlistEntry (候补): a place in the queue for a full slot, for a group or one person."""
import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db
from ..programme.models import Slot
from ..timeutil import utcnow


class EntryStatus(enum.StrEnum):
    WAITING = "waiting"    #: in the queue
    OFFERED = "offered"    #: places are held for it until ``offer_expires_at``
    ACCEPTED = "accepted"  #: became a booking / registration
    EXPIRED = "expired"    #: the offer ran out; the places went to the next entry
    LEFT = "left"          #: the person left the queue

    @property
    def label(self) -> str:
        return {"waiting": "候补中", "offered": "已发出名额", "accepted": "已确认",
                "expired": "已过期", "left": "已退出"}[self.value]


class EntryKind(enum.StrEnum):
    GROUP = "group"
    INDIVIDUAL = "individual"

    @property
    def label(self) -> str:
        return {"group": "团体", "individual": "个人"}[self.value]


def _enum(e):
    return sa.Enum(e, native_enum=False, length=20, values_callable=lambda x: [m.value for m in x])


def new_entry_token() -> str:
    return secrets.token_urlsafe(24)


class WaitlistEntry(db.Model):
    """候补: who waits for a full slot, how many places they need, and any offer made to them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind))
    #: Places this entry needs (a group's students + teachers; 1 for a person).
    headcount: Mapped[int]
    #: Whether those places count against the campus visitor cap (not for our own students).
    visitors: Mapped[bool] = mapped_column(default=True)
    name: Mapped[str] = mapped_column(sa.String(50))  #: school or person, as shown in the queue
    mobile: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    #: What the booking / registration form held, to create it on acceptance without retyping.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Secret for the entry's own link (status, accept the offer, leave the queue).
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_entry_token)

    status: Mapped[EntryStatus] = mapped_column(_enum(EntryStatus), default=EntryStatus.WAITING,
                                                index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The booking or registration made when the offer was accepted.
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"))

    slot: Mapped[Slot] = relationship()

    __table_args__ = (
        # One open entry per slot and mobile: a double submit does not queue twice.
        sa.Index("uq_waitlist_slot_mobile_open", "slot_id", "mobile", unique=True,
                 sqlite_where=sa.text("status IN ('waiting', 'offered')"),
                 postgresql_where=sa.text("status IN ('waiting', 'offered')")),
        sa.CheckConstraint("headcount >= 1", name="headcount_positive"),
    )

    @property
    def is_open(self) -> bool:
        return self.status in (EntryStatus.WAITING, EntryStatus.OFFERED)
