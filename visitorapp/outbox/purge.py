"""Purge step for mails: every mail about the week (its ``edition_id``, or the booking it was
about) loses its address, subject, bodies and any error text that could quote the address. A
mail still waiting is not sent any more. Mails queued before mails carried their week are found
by the addresses the other steps removed."""
import sqlalchemy as sa

from ..booking.models import Booking
from ..extensions import db
from ..privacy import PURGED_TEXT, Purged
from ..programme.models import Edition, Event, Slot
from ..timeutil import local_day_bounds
from .models import MessageStatus, OutboxMessage


def purge(edition: Edition, addresses: set[str]) -> Purged:
    bookings = (sa.select(Booking.id).join(Slot, Booking.slot_id == Slot.id)
                .join(Event, Slot.event_id == Event.id).where(Event.edition_id == edition.id))
    _, week_over = local_day_bounds(edition.ends_on)
    legacy = sa.and_(OutboxMessage.edition_id.is_(None),
                     OutboxMessage.recipient.in_(sorted(a for a in addresses if a)),
                     OutboxMessage.created_at < week_over)
    about_week = sa.or_(OutboxMessage.edition_id == edition.id,
                        OutboxMessage.booking_id.in_(bookings), legacy)
    unsent = (MessageStatus.PENDING, MessageStatus.SENDING)
    db.session.execute(
        sa.update(OutboxMessage).where(about_week, OutboxMessage.status.in_(unsent))
        .values(status=MessageStatus.FAILED).execution_options(synchronize_session=False))
    result = db.session.execute(
        sa.update(OutboxMessage).where(about_week, OutboxMessage.recipient != "").values(
            recipient="", subject=PURGED_TEXT, body_text="（个人信息已清除）", body_html="",
            last_error="", attachments=[])
        .execution_options(synchronize_session=False))
    return Purged(count=result.rowcount)
