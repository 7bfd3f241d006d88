"""Notice: what an organizer told the groups and registrants of a slot, a venue's day or a day."""
import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db
from ..programme.models import Slot, Venue
from ..timeutil import utcnow


class NoticeScope(enum.StrEnum):
    """Who a notice concerns: one slot, every slot of a venue on a day, or a whole day."""

    SLOT = "slot"
    VENUE_DAY = "venue_day"
    DAY = "day"

    @property
    def label(self) -> str:
        return {"slot": "单个场次", "venue_day": "场馆当天", "day": "全天"}[self.value]


class Notice(db.Model):
    """变更通知: shown on the management and ticket pages of everyone it concerns, mailed once.

    Who it concerns is decided when it is read (the slot a group holds now), so a group that
    books later still sees a day's changed entrance, and a group that moved away from a closed
    slot no longer sees that slot's closure.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"),
                                            index=True)
    scope: Mapped[NoticeScope] = mapped_column(
        sa.Enum(NoticeScope, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e]))
    #: SLOT only.
    slot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("slot.id", ondelete="CASCADE"))
    #: VENUE_DAY only.
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"))
    #: VENUE_DAY and DAY: the local (Asia/Shanghai) calendar day.
    day: Mapped[date | None]
    title: Mapped[str] = mapped_column(sa.String(60))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: The notice of an organizer closing the slot (停电、天气): groups are offered a move or a
    #: cancellation beside it.
    closes_slot: Mapped[bool] = mapped_column(default=False)
    #: Who sent it (the audit entry has the rest); kept when the account is deleted.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(80), default="")
    #: Mails queued when it was sent (groups and registrants with an address).
    mailed: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    slot: Mapped[Slot | None] = relationship()
    venue: Mapped[Venue | None] = relationship()

    @property
    def target_label(self) -> str:
        from ..timeutil import format_day, format_time
        if self.scope == NoticeScope.SLOT and self.slot is not None:
            where = f" {self.slot.venue.name}" if self.slot.venue else ""
            return (f"{self.slot.title} {format_day(self.slot.local_day)} "
                    f"{format_time(self.slot.starts_at)}{where}")
        if self.scope == NoticeScope.VENUE_DAY and self.venue is not None and self.day:
            return f"{self.venue.name} {format_day(self.day)}全天"
        return f"{format_day(self.day)}全天" if self.day else ""
