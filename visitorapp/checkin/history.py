"""A booking's gate record for organizers: arrived (实到), inside now, no-show, every scan."""
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..booking.models import Booking
from ..booking.noshows import no_show_ids
from ..extensions import db
from . import counts
from .models import CheckIn


@dataclass
class GateRecord:
    arrived: int = 0
    first_in_at: datetime | None = None
    inside: int = 0
    no_show: bool = False
    scans: list[CheckIn] = field(default_factory=list)


def gate_record(booking: Booking, now: datetime) -> GateRecord:
    """What the gates recorded for ``booking`` (facts from ``counts`` and the no-show rule)."""
    record = GateRecord(no_show=booking.id in no_show_ids([booking.id], now))
    presence = counts.ticket_presence(booking_ids=[booking.id]).get(("booking", booking.id))
    if presence is not None:
        record.arrived, record.inside = presence.arrived, presence.inside
    arr = counts.arrivals()
    record.first_in_at = db.session.scalar(sa.select(arr.c.first_in_at)
                                           .where(arr.c.booking_id == booking.id))
    record.scans = list(db.session.scalars(sa.select(CheckIn).where(CheckIn.booking_id == booking.id)
                                           .order_by(CheckIn.scanned_at, CheckIn.id)))
    return record
