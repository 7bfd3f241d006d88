"""Purge step for group bookings: leaders' names, mobiles, e-mails, notes and reasons go; school,
stage, grades, numbers, status and check-ins stay (接待学校数 and 附件1 need them). The week's
fair-share counters go too: their keys are the mobiles and school names as matched."""
import sqlalchemy as sa

from ..audit.models import scrub
from ..extensions import db
from ..privacy import ANONYMOUS_NAME, PURGED_TEXT, Purged, anonymise, anonymous_mobile
from ..programme.models import Edition, Event, Slot
from .models import Booking, DailyShare


def purge(edition: Edition) -> Purged:
    rows = db.session.execute(
        sa.select(Booking.id, Booking.leader_name, Booking.leader_mobile, Booking.email,
                  Booking.notes, Booking.cancel_reason)
        .join(Slot, Booking.slot_id == Slot.id).join(Event, Slot.event_id == Event.id)
        .where(Event.edition_id == edition.id, Booking.anonymized.is_(False))).all()
    db.session.execute(sa.delete(DailyShare).where(DailyShare.edition_id == edition.id))
    done = Purged.of(rows)
    ids = [r.id for r in rows]
    anonymise(Booking, ids, leader_name=ANONYMOUS_NAME, leader_mobile=anonymous_mobile(Booking),
              email="", notes="", cancel_reason="", anonymized=True)
    scrub("booking", ids, done.texts, PURGED_TEXT)
    return done
