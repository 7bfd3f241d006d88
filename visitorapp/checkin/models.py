"""CheckIn: one scan at a gate (签到 direction "in", 离场 direction "out").

Minimal shape agreed with the check-in branch (which owns this module and its services); the
reports branch defines it only so attendance figures can be built and tested in parallel.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..booking.models import Booking
from ..database import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class CheckIn(db.Model):
    __tablename__ = "check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id"))
    #: "in" (签到) or "out" (离场)
    direction: Mapped[str] = mapped_column(sa.String(3), default="in")
    #: Persons who passed with this scan (a group may arrive in two buses).
    students: Mapped[int] = mapped_column(default=0)
    teachers: Mapped[int] = mapped_column(default=0)
    #: "ok", "already_checked_in", "revoked" …: only "ok" counts as people passing.
    result: Mapped[str] = mapped_column(sa.String(30), default="ok")
    #: Nonce from the scanning device, so a retried upload never counts twice.
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    booking: Mapped[Booking | None] = relationship()
