"""Purge step for waiting lists: who waited (name, mobile, e-mail) and everything their form held
(``details``) go; the entries stay as counts (how many waited, were offered, accepted)."""
import sqlalchemy as sa

from ..audit.models import scrub
from ..extensions import db
from ..privacy import ANONYMOUS_NAME, PURGED_TEXT, Purged, anonymise, anonymous_mobile
from ..programme.models import Edition, Event, Slot
from .models import WaitlistEntry


def purge(edition: Edition) -> Purged:
    rows = db.session.execute(
        sa.select(WaitlistEntry.id, WaitlistEntry.name, WaitlistEntry.mobile, WaitlistEntry.email,
                  WaitlistEntry.details)
        .join(Slot, WaitlistEntry.slot_id == Slot.id).join(Event, Slot.event_id == Event.id)
        .where(Event.edition_id == edition.id, WaitlistEntry.name != ANONYMOUS_NAME)).all()
    done = Purged.of(rows)
    ids = [r.id for r in rows]
    anonymise(WaitlistEntry, ids, name=ANONYMOUS_NAME, mobile=anonymous_mobile(WaitlistEntry),
              email="", details={})
    scrub("waitlistentry", ids, done.texts, PURGED_TEXT)
    return done
